package moderation

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The categories a match can have.
const (
	// CategoryTaboo is a word from the caller's taboo list.
	CategoryTaboo = "taboo"
	// CategorySafety is a term from the built-in safety list.
	CategorySafety = "safety"
)

// Result is the verdict on one text.
type Result struct {
	// Flagged is set when anything matched.
	Flagged bool
	// Categories are the categories that matched, CategoryTaboo before CategorySafety;
	// nil when nothing did.
	Categories []string
	// Matches are what matched, by position in the text.
	Matches []Match
}

// Match is one occurrence of a term in a text.
type Match struct {
	// Category is CategoryTaboo or CategorySafety.
	Category string
	// Term is the listed term that matched, as it was given.
	Term string
	// Start and End are rune offsets into the original text, End exclusive, counting
	// runes as ranging over the string does (an invalid byte is one rune).
	Start, End int
	// Text is the matched part of the original text (invalid bytes read as U+FFFD).
	Text string
}

// RedactRune replaces every rune of a match in Redact's output.
const RedactRune = '█'

// Check looks for the taboo words and the built-in safety terms in text, seeing through
// the disguises the package doc lists. Taboo words are whole words or phrases; empty ones,
// ones that normalise to nothing and ones longer than MaxTermRunes are ignored. Each term is reported at most once per
// place; a term that is both taboo and a safety term is reported under both categories.
func Check(text string, taboo []string) Result {
	t := normalize(text)
	var ps []pattern
	seen := map[string]bool{}
	for _, term := range taboo {
		if p, ok := compile(strings.TrimSpace(term), CategoryTaboo); ok && !seen[p.key()] {
			seen[p.key()] = true
			ps = append(ps, p)
		}
	}
	ps = append(ps, safetyPatterns()...)

	var r Result
	var runes []rune // the original text as runes, built on the first match
	m := matcher{t: &t}
	for i := range ps {
		m.reset(&ps[i])
		for from := 0; ; {
			s, e, ok := m.find(from)
			if !ok {
				break
			}
			if runes == nil {
				runes = []rune(text)
			}
			start, end := t.units[s].start, t.units[e-1].end
			r.Matches = append(r.Matches, Match{
				Category: ps[i].category,
				Term:     ps[i].term,
				Start:    start,
				End:      end,
				Text:     string(runes[start:end]),
			})
			from = e
		}
	}
	if len(r.Matches) == 0 {
		return r
	}
	r.Flagged = true
	slices.SortFunc(r.Matches, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Term, b.Term))
	})
	for _, c := range []string{CategoryTaboo, CategorySafety} {
		if slices.ContainsFunc(r.Matches, func(m Match) bool { return m.Category == c }) {
			r.Categories = append(r.Categories, c)
		}
	}
	return r
}

// Redact returns text with every rune inside a match of r replaced by RedactRune, one
// for one. Replacing rune for rune (rather than with a "[redacted]" marker) keeps the
// text's length in runes, so offsets into it stay valid, and shows the reader that a word
// was removed without saying which. Everything outside the matches is left byte for byte
// as it was, invalid UTF-8 included. r should come from Check(text, …); matches outside
// the text are clipped.
func Redact(text string, r Result) string {
	if len(r.Matches) == 0 {
		return text
	}
	n := utf8.RuneCountInString(text)
	hide := make([]bool, n)
	for _, m := range r.Matches {
		for i := max(m.Start, 0); i < min(m.End, n); i++ {
			hide[i] = true
		}
	}
	var b strings.Builder
	b.Grow(len(text))
	i := 0
	for at, c := range text {
		if hide[i] {
			b.WriteRune(RedactRune)
		} else if c == utf8.RuneError {
			// Copy the original bytes: an invalid byte stays as it was.
			_, size := utf8.DecodeRuneInString(text[at:])
			b.WriteString(text[at : at+size])
		} else {
			b.WriteRune(c)
		}
		i++
	}
	return b.String()
}
