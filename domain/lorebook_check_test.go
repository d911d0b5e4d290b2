package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// validBook is a normalized book that passes every check.
func validBook() *domain.Lorebook {
	b := &domain.Lorebook{Name: "Greywater lore", Description: "What Greywater knows.\nAll of it.", Entries: []domain.LoreEntry{
		lore("war", []string{"Red War"}, "The Red War ended twelve winters ago."),
		lore("hammer", []string{"Widowmaker"}, "@@depth 2\nWidowmaker is a hammer."),
		with(lore("regex", []string{`/gr[ae]y wolf/i`, `\bwolves?\b`}, "Wolves."), func(e *domain.LoreEntry) { e.UseRegex = true }),
		lore("rest", []string{"a"}, "x"),
	}}
	domain.NormalizeLorebook(b)
	return b
}

func TestCheckLorebook(t *testing.T) {
	t.Parallel()
	if bad := domain.CheckLorebook(validBook()); bad != nil {
		t.Fatalf("a valid book: %v", bad)
	}
	for _, tt := range []struct {
		name    string
		change  func(b *domain.Lorebook)
		field   string
		message string
	}{
		{"an empty name", func(b *domain.Lorebook) { b.Name = "" }, "name", "must be 1–200 printable characters"},
		{"a blank name", func(b *domain.Lorebook) { b.Name = "   " }, "name", "must be 1–200 printable characters"},
		{"a long name", func(b *domain.Lorebook) { b.Name = strings.Repeat("é", 201) }, "name", "must be 1–200 printable characters"},
		{"a name with a line break", func(b *domain.Lorebook) { b.Name = "a\nb" }, "name", "must be 1–200 printable characters"},
		{"a long description", func(b *domain.Lorebook) { b.Description = strings.Repeat("x", 2001) }, "description",
			"must be at most 2000 characters, without control characters other than line breaks and tabs"},
		{"a description with a NUL", func(b *domain.Lorebook) { b.Description = "a\x00b" }, "description",
			"must be at most 2000 characters, without control characters other than line breaks and tabs"},
		{"a scan depth of zero", func(b *domain.Lorebook) { b.ScanDepth = 0 }, "scan_depth", "must be 1 to 100"},
		{"a scan depth too deep", func(b *domain.Lorebook) { b.ScanDepth = 101 }, "scan_depth", "must be 1 to 100"},
		{"a negative budget", func(b *domain.Lorebook) { b.TokenBudget = -1 }, "token_budget", "must be 1 to 8192"},
		{"a budget too large", func(b *domain.Lorebook) { b.TokenBudget = 8193 }, "token_budget", "must be 1 to 8192"},
		{"too many entries", func(b *domain.Lorebook) {
			b.Entries = make([]domain.LoreEntry, domain.MaxLoreEntries+1)
		}, "entries", "must hold at most 1000 entries"},
		{"two entries with one id", func(b *domain.Lorebook) { b.Entries[3].ID = b.Entries[0].ID }, "entries[3].id", "another entry of the lorebook has this id"},
		{"an empty key", func(b *domain.Lorebook) { b.Entries[3].Keys = []string{"ok", ""} }, "entries[3].keys[1]", "must be 1–200 printable characters"},
		{"a blank key", func(b *domain.Lorebook) { b.Entries[3].Keys = []string{" "} }, "entries[3].keys[0]", "must be 1–200 printable characters"},
		{"a long key", func(b *domain.Lorebook) { b.Entries[3].Keys = []string{strings.Repeat("k", 201)} }, "entries[3].keys[0]", "must be 1–200 printable characters"},
		{"too many keys", func(b *domain.Lorebook) { b.Entries[3].Keys = make([]string, 65) }, "entries[3].keys", "must hold at most 64 keys"},
		{"a bad secondary key", func(b *domain.Lorebook) { b.Entries[3].SecondaryKeys = []string{"fine", "a\tb\x01"} }, "entries[3].secondary_keys[1]", "must be 1–200 printable characters"},
		{"too many secondary keys", func(b *domain.Lorebook) { b.Entries[3].SecondaryKeys = make([]string, 65) }, "entries[3].secondary_keys", "must hold at most 64 keys"},
		{"a regular expression that does not compile", func(b *domain.Lorebook) { b.Entries[2].Keys = []string{"(unclosed"} }, "entries[2].keys[0]",
			"must be a regular expression Troupe can compile (RE2 syntax, no look-arounds or back-references): missing closing )"},
		{"a look-ahead", func(b *domain.Lorebook) { b.Entries[2].SecondaryKeys = []string{"/wolf(?=pack)/i"} }, "entries[2].secondary_keys[0]",
			"must be a regular expression Troupe can compile (RE2 syntax, no look-arounds or back-references): invalid or unsupported Perl syntax"},
		{"long content", func(b *domain.Lorebook) { b.Entries[3].Content = strings.Repeat("ü", domain.MaxLoreContent+1) }, "entries[3].content",
			"must be at most 8000 characters, without control characters other than line breaks and tabs"},
		{"an unknown logic", func(b *domain.Lorebook) { b.Entries[3].SelectiveLogic = "or" }, "entries[3].selective_logic", "must be one of and_any, and_all, not_any, not_all"},
		{"an unknown position", func(b *domain.Lorebook) { b.Entries[3].Position = "after_desc" }, "entries[3].position", "must be before_char or after_char"},
		{"a long category", func(b *domain.Lorebook) { b.Entries[3].Category = strings.Repeat("c", 41) }, "entries[3].category", "must be at most 40 printable characters"},
		{"a long entry name", func(b *domain.Lorebook) { b.Entries[3].Name = strings.Repeat("n", 201) }, "entries[3].name", "must be at most 200 printable characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := validBook()
			tt.change(b)
			bad := domain.CheckLorebook(b)
			if len(bad) != 1 || bad[0].Field != tt.field || bad[0].Message != tt.message {
				t.Errorf("got %+v\nwant %s: %s", bad, tt.field, tt.message)
			}
		})
	}
	// Regex keys are only compiled when the entry uses them; problems are all reported.
	b := validBook()
	b.Entries[0].Keys = []string{"(not a regex, fine)"}
	b.Name, b.ScanDepth, b.Entries[3].Position = "", -3, "nowhere"
	var fields []string
	for _, f := range domain.CheckLorebook(b) {
		fields = append(fields, f.Field)
	}
	if !slices.Equal(fields, []string{"name", "scan_depth", "entries[3].position"}) {
		t.Errorf("fields %v", fields)
	}
	// Empty logic and position are accepted (they are the defaults).
	b = validBook()
	b.Entries[0].SelectiveLogic, b.Entries[0].Position = "", ""
	if bad := domain.CheckLorebook(b); bad != nil {
		t.Errorf("empty logic and position: %v", bad)
	}
}

func TestNormalizeLorebook(t *testing.T) {
	t.Parallel()
	b := &domain.Lorebook{Name: "x", Entries: []domain.LoreEntry{
		{Content: "@@depth 4\n@@activate\n\nThe text."},
		{Content: "Plain.", SelectiveLogic: domain.LogicNotAll, Position: domain.PositionAfterChar, Keys: []string{"k"},
			Decorators: []domain.LoreDecorator{{Name: "stale"}}},
	}}
	domain.NormalizeLorebook(b)
	if b.ScanDepth != domain.DefaultLoreScanDepth || b.TokenBudget != domain.DefaultLoreTokenBudget || b.Extensions == nil {
		t.Errorf("book defaults: %+v", b)
	}
	e := b.Entries[0]
	if e.SelectiveLogic != domain.LogicAndAny || e.Position != domain.PositionBeforeChar || e.Keys == nil || e.SecondaryKeys == nil || e.Extensions == nil {
		t.Errorf("entry defaults: %+v", e)
	}
	if e.Content != "@@depth 4\n@@activate\n\nThe text." {
		t.Errorf("the content is kept as given: %q", e.Content)
	}
	if !slices.Equal(e.Decorators, []domain.LoreDecorator{{Name: "depth", Value: "4"}, {Name: "activate", Supported: true}}) {
		t.Errorf("decorators %+v", e.Decorators)
	}
	f := b.Entries[1]
	if f.SelectiveLogic != domain.LogicNotAll || f.Position != domain.PositionAfterChar || f.Decorators == nil || len(f.Decorators) != 0 {
		t.Errorf("given values are kept, decorators parsed anew: %+v", f)
	}
	// A negative depth is not a default to fill: CheckLorebook refuses it.
	n := &domain.Lorebook{Name: "x", ScanDepth: -1, TokenBudget: 64}
	domain.NormalizeLorebook(n)
	if n.ScanDepth != -1 || n.TokenBudget != 64 || n.Entries == nil {
		t.Errorf("%+v", n)
	}
}
