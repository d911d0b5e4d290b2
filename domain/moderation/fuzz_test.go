package moderation

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "dragon", "d.r.a.g.o.n", "d r a g o n", "ＤＲＡＧＯＮ", "dr4g0n!", "he'll", "class",
	"ß æ ﬃ", "dra\u0301gon\u200b", "\xff\xfe", "ѕһіt", "kill-yourself", "1!|1!|", "a$$$$$$",
	"🐉🐉", "a.a.a.a.a.a.a.a.a.a.a.a", "a a a a a a a a",
	// Regressions: capitals whose lower case is a small capital or a mapped letter.
	"0Ǫ", "Ʀ", "Ɪ",
	// Leetspeak with doubled letters, which read as single ones.
	"B4STARRD", "ba4stard", "b.4.s.t.a.r.r.d", "g00d", "44", "1l1l",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", s, n)
		}
		for _, r := range s {
			once := fold(nil, r)
			var twice []rune
			for _, c := range once {
				twice = fold(twice, c)
			}
			if !slices.Equal(once, twice) {
				t.Fatalf("fold is not idempotent on %U: %q then %q", r, string(once), string(twice))
			}
		}
		tx := normalize(s)
		total := utf8.RuneCountInString(s)
		prev := 0
		for _, u := range tx.units {
			if u.start < prev || u.start >= u.end || u.end > total {
				t.Fatalf("unit span [%d,%d) out of order or bounds (%d runes) in %q", u.start, u.end, total, s)
			}
			prev = u.start
		}
	})
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "dragon")
		f.Add("the "+s+" here", s)
	}
	f.Fuzz(func(t *testing.T, text, term string) {
		r := Check(text, []string{term})
		runes := []rune(text)
		if r.Flagged != (len(r.Matches) > 0) || r.Flagged != (len(r.Categories) > 0) {
			t.Fatalf("inconsistent result %+v", r)
		}
		for _, m := range r.Matches {
			if m.Start < 0 || m.Start >= m.End || m.End > len(runes) {
				t.Fatalf("match %+v out of bounds (%d runes) in %q", m, len(runes), text)
			}
			if m.Text != string(runes[m.Start:m.End]) {
				t.Fatalf("match text %q is not runes[%d:%d]", m.Text, m.Start, m.End)
			}
			if m.Category != CategoryTaboo && m.Category != CategorySafety {
				t.Fatalf("bad category %q", m.Category)
			}
		}
		red := Redact(text, r)
		if utf8.RuneCountInString(red) != utf8.RuneCountInString(text) {
			t.Fatalf("Redact changed the rune count of %q: %q", text, red)
		}
		// A term always finds itself, standing as a word of a text.
		if _, ok := compile(strings.TrimSpace(term), CategoryTaboo); ok {
			in := text + " " + term + " "
			if !slices.ContainsFunc(Check(in, []string{term}).Matches, func(m Match) bool { return m.Category == CategoryTaboo }) {
				t.Fatalf("term %q not found in %q", term, in)
			}
		}
	})
}
