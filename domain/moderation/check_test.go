package moderation

import (
	"slices"
	"strings"
	"testing"
)

// found lists the matched terms and texts of r as "term=text".
func found(r Result) []string {
	var s []string
	for _, m := range r.Matches {
		s = append(s, m.Term+"="+m.Text)
	}
	return s
}

func TestCheckFindsDisguisedTerms(t *testing.T) {
	taboo := []string{"dragon", "Magic Missile", "hell"}
	for _, tc := range []struct {
		class, text string
		want        []string
	}{
		{"plain", "The dragon sleeps.", []string{"dragon=dragon"}},
		{"case", "THE DRAGON", []string{"dragon=DRAGON"}},
		{"width", "ｔｈｅ ＤＲＡＧＯＮ", []string{"dragon=ＤＲＡＧＯＮ"}},
		{"small capitals", "a ᴅʀᴀɢᴏɴ", []string{"dragon=ᴅʀᴀɢᴏɴ"}},
		{"diacritics", "a drágön!", []string{"dragon=drágön"}},
		{"combining marks", "a dra\u0301gon", []string{"dragon=dra\u0301gon"}},
		{"leet", "dr4g0n", []string{"dragon=dr4g0n"}},
		{"leet 1 as l", "go to he11", []string{"hell=he11"}},
		{"leet ! as l", "go to he!!", []string{"hell=he!!"}},
		{"leet | as l", "go to he||", []string{"hell=he||"}},
		{"leet symbol as punctuation", "dragon!!!", []string{"dragon=dragon"}},
		{"homoglyphs", "drаgоn", []string{"dragon=drаgоn"}},
		{"homoglyphs greek", "ΔRΑGΟΝ dragοn", []string{"dragon=dragοn"}}, // Δ is not D: only the second
		{"repeats", "draaaagonnn", []string{"dragon=draaaagonnn"}},
		{"dots", "d.r.a.g.o.n", []string{"dragon=d.r.a.g.o.n"}},
		{"hyphens", "dra-gon", []string{"dragon=dra-gon"}},
		{"spaced", "you are a d r a g o n", []string{"dragon=d r a g o n"}},
		{"spaced and dotted", "d. r. a. g. o. n.", []string{"dragon=d. r. a. g. o. n"}},
		{"zero width", "dra\u200bgon", []string{"dragon=dra\u200bgon"}},
		{"phrase", "cast magic missile!", []string{"Magic Missile=magic missile"}},
		{"phrase joined", "cast magicmissile", []string{"Magic Missile=magicmissile"}},
		{"phrase hyphen", "cast m4gic-missile", []string{"Magic Missile=m4gic-missile"}},
		{"phrase spread", "magic   ...   missile", []string{"Magic Missile=magic   ...   missile"}},
		{"possessive", "the dragon's hoard", []string{"dragon=dragon"}},
		// Punctuation is a word boundary as well as a separator inside a word.
		{"compound", "the dragon-slayer", []string{"dragon=dragon"}},
		{"twice", "dragon, DRAGON", []string{"dragon=dragon", "dragon=DRAGON"}},
		{"safety", "sh!t, just kill yourself", []string{"shit=sh!t", "kill yourself=kill yourself"}},
		{"safety disguised", "ｆ.ｕ.ｃ.ｋ off", []string{"fuck=ｆ.ｕ.ｃ.ｋ"}},
	} {
		got := found(Check(tc.text, taboo))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Check(%q) found %q, want %q", tc.class, tc.text, got, tc.want)
		}
	}
}

// Ordinary words that contain, or sit next to, a listed term must not match.
func TestCheckWordBoundaries(t *testing.T) {
	taboo := []string{"ass", "god", "dragon", "hell", "sex"}
	for _, text := range []string{
		"a class of its own", "the assassin's passage", "harassment", "as you wish",
		"good morning", "goods and gods", "a dragoon rode by", "drag on the pipe",
		"dragons everywhere", "he'll come", "a shell", "hello there", "Middlesex", "sussex",
		"I was sad", "was s ad", "Scunthorpe", "therapist", "grape juice", "cocktail",
		"shiitake", "skill yourself up", "sextant", "essex",
	} {
		if r := Check(text, taboo); r.Flagged {
			t.Errorf("Check(%q) flagged %q", text, found(r))
		}
	}
}

func TestCheckResult(t *testing.T) {
	r := Check("Nothing to see.", []string{"dragon"})
	if r.Flagged || r.Categories != nil || r.Matches != nil {
		t.Errorf("clean text: %+v", r)
	}
	// Empty and unmatchable terms are ignored; duplicates are reported once.
	r = Check("dragon", []string{"", "  ", "...", "\u0301", "dragon", "DRAGON", "drag\u200bon"})
	if len(r.Matches) != 1 || r.Matches[0].Term != "dragon" {
		t.Errorf("dedup: %+v", r.Matches)
	}
	// A taboo word that is also a safety term is reported under both; categories come in
	// a fixed order.
	r = Check("shit and dragon", []string{"shit", "dragon"})
	if !slices.Equal(r.Categories, []string{CategoryTaboo, CategorySafety}) {
		t.Errorf("categories = %v", r.Categories)
	}
	var cats []string
	for _, m := range r.Matches {
		cats = append(cats, m.Category+":"+m.Text)
	}
	if want := []string{"safety:shit", "taboo:shit", "taboo:dragon"}; !slices.Equal(cats, want) {
		t.Errorf("matches = %v, want %v", cats, want)
	}
	// Terms longer than MaxTermRunes are ignored.
	long := strings.Repeat("x", MaxTermRunes+1)
	if r := Check(long, []string{long}); r.Flagged {
		t.Errorf("a %d-rune term matched", MaxTermRunes+1)
	}
	r = Check("oh shit", nil)
	if !r.Flagged || !slices.Equal(r.Categories, []string{CategorySafety}) {
		t.Errorf("safety only: %+v", r)
	}
}

// Offsets are rune offsets into the original text, whatever the normalisation did.
func TestCheckOffsetsMapToOriginal(t *testing.T) {
	text := "🐉 Ｔｈｅ ＤＲＡＧＯＮ — and the dra\u0301a\u0301a\u0301gon, ß-dragon!"
	r := Check(text, []string{"dragon"})
	runes := []rune(text)
	var got []string
	for _, m := range r.Matches {
		if m.Start < 0 || m.End > len(runes) || m.Start >= m.End {
			t.Fatalf("bad offsets %+v", m)
		}
		if string(runes[m.Start:m.End]) != m.Text {
			t.Errorf("Text %q is not runes[%d:%d] = %q", m.Text, m.Start, m.End, string(runes[m.Start:m.End]))
		}
		got = append(got, m.Text)
	}
	want := []string{"ＤＲＡＧＯＮ", "dra\u0301a\u0301a\u0301gon", "dragon"}
	if !slices.Equal(got, want) {
		t.Errorf("matched %q, want %q", got, want)
	}
	if m := r.Matches[0]; m.Start != 6 || m.End != 12 {
		t.Errorf("first match at [%d,%d), want [6,12)", m.Start, m.End)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Well, sh!t. The d r a g o n is here!", "Well, ████. The ███████████ is here!"},
		{"ＤＲＡＧＯＮ\u0301 fire", "███████ fire"},
		{"nothing here", "nothing here"},
		{"bad \xff byte then dragon \xfe", "bad \xff byte then ██████ \xfe"},
	} {
		r := Check(tc.text, []string{"dragon"})
		got := Redact(tc.text, r)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.text, got, tc.want)
		}
		if n, m := len([]rune(got)), len([]rune(tc.text)); n != m {
			t.Errorf("Redact(%q) changed the rune count from %d to %d", tc.text, m, n)
		}
	}
	// Overlapping matches and out-of-range offsets are handled.
	text := "dragon egg"
	r := Check(text, []string{"dragon", "dragon egg"})
	if got := Redact(text, r); got != strings.Repeat("█", 10) {
		t.Errorf("overlapping: %q", got)
	}
	r.Matches = append(r.Matches, Match{Start: -5, End: 99})
	if got := Redact("abc", r); got != "███" {
		t.Errorf("clipped: %q", got)
	}
}

// Every line of the built-in list compiles, and each term finds itself.
func TestSafetyList(t *testing.T) {
	ps := safetyPatterns()
	if len(ps) < 30 {
		t.Fatalf("%d safety terms, want the whole list", len(ps))
	}
	for _, p := range ps {
		r := Check("well "+p.term+" then", nil)
		if !slices.ContainsFunc(r.Matches, func(m Match) bool { return m.Term == p.term && m.Text == p.term }) {
			t.Errorf("safety term %q does not find itself: %+v", p.term, r.Matches)
		}
	}
}
