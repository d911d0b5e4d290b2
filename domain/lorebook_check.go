package domain

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of a lorebook's text fields, in characters.
const (
	maxLorebookName        = 200
	maxLorebookDescription = 2000
	maxLoreKey             = 200
	maxLoreEntryName       = 200
	maxLoreCategory        = 40
)

// NormalizeLorebook fills the defaults of a book about to be checked and stored: a scan
// depth and token budget of 0 (unset) take DefaultLoreScanDepth and
// DefaultLoreTokenBudget, an empty selective logic and_any, an empty position
// before_char, nil slices and maps become empty ones. Every entry's Decorators are parsed
// anew from its Content (ParseLoreDecorators); Content itself is kept as given, decorator
// lines included, so a book exports as it was imported. Negative numbers are left for
// CheckLorebook to refuse.
func NormalizeLorebook(b *Lorebook) {
	if b.ScanDepth == 0 {
		b.ScanDepth = DefaultLoreScanDepth
	}
	if b.TokenBudget == 0 {
		b.TokenBudget = DefaultLoreTokenBudget
	}
	if b.Extensions == nil {
		b.Extensions = map[string]any{}
	}
	if b.Entries == nil {
		b.Entries = []LoreEntry{}
	}
	for i := range b.Entries {
		e := &b.Entries[i]
		if e.SelectiveLogic == "" {
			e.SelectiveLogic = LogicAndAny
		}
		if e.Position == "" {
			e.Position = PositionBeforeChar
		}
		if e.Keys == nil {
			e.Keys = []string{}
		}
		if e.SecondaryKeys == nil {
			e.SecondaryKeys = []string{}
		}
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		e.Decorators, _ = ParseLoreDecorators(e.Content)
		if e.Decorators == nil {
			e.Decorators = []LoreDecorator{}
		}
	}
}

// CheckLorebook returns what is wrong with a book, one FieldError per problem, with the
// field paths of the API ("name", "scan_depth", "entries[3].keys[0]"); nil when it is
// valid. It expects a normalized book (NormalizeLorebook): an empty selective logic or
// position is accepted, a zero scan depth or budget is not.
func CheckLorebook(b *Lorebook) []FieldError {
	var bad []FieldError
	if strings.TrimSpace(b.Name) == "" || !validText(b.Name, maxLorebookName) {
		bad = append(bad, FieldError{Field: "name", Message: fmt.Sprintf("must be 1–%d printable characters", maxLorebookName)})
	}
	if !loreTextOK(b.Description, maxLorebookDescription) {
		bad = append(bad, FieldError{Field: "description", Message: fmt.Sprintf("must be at most %d characters, without control characters other than line breaks and tabs", maxLorebookDescription)})
	}
	if b.ScanDepth < 1 || b.ScanDepth > MaxLoreScanDepth {
		bad = append(bad, FieldError{Field: "scan_depth", Message: fmt.Sprintf("must be 1 to %d", MaxLoreScanDepth)})
	}
	if b.TokenBudget < 1 || b.TokenBudget > MaxLoreTokenBudget {
		bad = append(bad, FieldError{Field: "token_budget", Message: fmt.Sprintf("must be 1 to %d", MaxLoreTokenBudget)})
	}
	if len(b.Entries) > MaxLoreEntries {
		// Checking entries past the limit would only make a longer answer.
		return append(bad, FieldError{Field: "entries", Message: fmt.Sprintf("must hold at most %d entries", MaxLoreEntries)})
	}
	ids := make(map[string]bool, len(b.Entries))
	for i := range b.Entries {
		e := &b.Entries[i]
		at := fmt.Sprintf("entries[%d]", i)
		if e.ID != "" {
			if ids[e.ID] {
				bad = append(bad, FieldError{Field: at + ".id", Message: "another entry of the lorebook has this id"})
			}
			ids[e.ID] = true
		}
		if e.Name != "" && !validText(e.Name, maxLoreEntryName) {
			bad = append(bad, FieldError{Field: at + ".name", Message: fmt.Sprintf("must be at most %d printable characters", maxLoreEntryName)})
		}
		if !loreTextOK(e.Comment, MaxLoreContent) {
			bad = append(bad, FieldError{Field: at + ".comment", Message: fmt.Sprintf("must be at most %d characters, without control characters other than line breaks and tabs", MaxLoreContent)})
		}
		bad = checkLoreKeys(bad, at+".keys", e.Keys, e)
		bad = checkLoreKeys(bad, at+".secondary_keys", e.SecondaryKeys, e)
		if !loreTextOK(e.Content, MaxLoreContent) {
			bad = append(bad, FieldError{Field: at + ".content", Message: fmt.Sprintf("must be at most %d characters, without control characters other than line breaks and tabs", MaxLoreContent)})
		}
		switch e.SelectiveLogic {
		case "", LogicAndAny, LogicAndAll, LogicNotAny, LogicNotAll:
		default:
			bad = append(bad, FieldError{Field: at + ".selective_logic", Message: "must be one of " + strings.Join([]string{LogicAndAny, LogicAndAll, LogicNotAny, LogicNotAll}, ", ")})
		}
		switch e.Position {
		case "", PositionBeforeChar, PositionAfterChar:
		default:
			bad = append(bad, FieldError{Field: at + ".position", Message: "must be " + PositionBeforeChar + " or " + PositionAfterChar})
		}
		if e.Category != "" && !validText(e.Category, maxLoreCategory) {
			bad = append(bad, FieldError{Field: at + ".category", Message: fmt.Sprintf("must be at most %d printable characters", maxLoreCategory)})
		}
	}
	return bad
}

// checkLoreKeys checks one list of keys of e: how many, how long, and, for a regex entry,
// that each compiles as a scan would compile it.
func checkLoreKeys(bad []FieldError, field string, keys []string, e *LoreEntry) []FieldError {
	if len(keys) > MaxLoreKeys {
		return append(bad, FieldError{Field: field, Message: fmt.Sprintf("must hold at most %d keys", MaxLoreKeys)})
	}
	for j, k := range keys {
		at := fmt.Sprintf("%s[%d]", field, j)
		if strings.TrimSpace(k) == "" || !validText(k, maxLoreKey) {
			bad = append(bad, FieldError{Field: at, Message: fmt.Sprintf("must be 1–%d printable characters", maxLoreKey)})
			continue
		}
		if e.UseRegex {
			if _, err := CompileLoreKey(k, e.CaseSensitive); err != nil {
				bad = append(bad, FieldError{Field: at, Message: "must be a regular expression Troupe can compile (RE2 syntax, no look-arounds or back-references): " + loreRegexProblem(err)})
			}
		}
	}
	return bad
}

// loreRegexProblem is the part of a regexp error worth showing: "missing closing )".
func loreRegexProblem(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error parsing regexp: ")
	if i := strings.Index(msg, ": `"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// loreTextOK accepts valid UTF-8 of at most max characters whose only control characters
// are line breaks and tabs: entry content is prose, often several paragraphs.
func loreTextOK(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return isControl(r) && r != '\n' && r != '\r' && r != '\t' })
}
