package moderation

import "unicode"

// kind classifies a unit of normalised text.
type kind uint8

const (
	// kindWord is a letter or digit: part of a word. Digits carry their leet readings.
	kindWord kind = iota
	// kindLeet is a symbol that may stand for a letter (@ $ ! | + € ¢). It is tried both
	// as that letter and as punctuation, and never counts as part of a word for word
	// boundaries, so "dragon!" still ends at "n".
	kindLeet
	// kindGap is a run of separators: white space, apostrophes, punctuation, symbols.
	kindGap
)

// unit is one position of normalised text: a letter (a run of the same letter, after
// collapsing repeats), a leet symbol, or a gap.
type unit struct {
	kind kind
	// r is the folded rune of a word or leet unit.
	r rune
	// count is how many times r repeats here, for word and leet units.
	count int
	// soft marks a gap holding white space or an apostrophe: an ordinary word boundary,
	// which a match may only cross between single letters.
	soft bool
	// start and end are the unit's rune offsets in the original text, end exclusive.
	start, end int
}

// sameLetter reports whether a and b can be read as the same letter, each either as
// itself or as one of its leet readings: '1' matches 'i', 'l', '!' and '|'.
func sameLetter(a, b rune) bool {
	if a == b {
		return true
	}
	la, lb := leet(a), leet(b)
	for _, x := range la {
		if x == b {
			return true
		}
		for _, y := range lb {
			if x == y {
				return true
			}
		}
	}
	for _, y := range lb {
		if y == a {
			return true
		}
	}
	return false
}

// isLetter reports a word unit that is not a digit or other number.
func (u *unit) isLetter() bool {
	return u.kind == kindWord && unicode.IsLetter(u.r)
}

// text is normalised text: its units, and for each gap whether a match may skip it
// inside a word.
type text struct {
	units []unit
	// skippable[i] is set for gap units a word may continue across: gaps of punctuation
	// only, and gaps of white space or apostrophes between two single-letter chunks
	// ("d r a g o n"). For other units it is false.
	skippable []bool
}

// normalize splits s into units, folding every rune and keeping each unit's span in
// rune offsets of s (as ranging over s counts them, so an invalid byte is one rune).
func normalize(s string) text {
	var t text
	var buf []rune
	i := 0
	for _, r := range s {
		buf = fold(buf[:0], r)
		for _, c := range buf {
			t.add(c, i)
		}
		i++
	}
	t.skippable = make([]bool, len(t.units))
	for g := range t.units {
		if t.units[g].kind == kindGap {
			t.skippable[g] = !t.units[g].soft || (t.chunkLen(g, -1) == 1 && t.chunkLen(g, +1) == 1)
		}
	}
	return t
}

// add appends the folded rune c, which came from the original rune at offset i.
func (t *text) add(c rune, i int) {
	var u unit
	switch {
	case unicode.IsMark(c) || unicode.Is(unicode.Cf, c):
		// Combining marks and invisible format characters (zero-width space, soft hyphen,
		// joiners) belong to the unit before them: skipped for matching, but redacted
		// with it.
		if n := len(t.units); n > 0 && t.units[n-1].end == i {
			t.units[n-1].end = i + 1
		}
		return
	case unicode.IsLetter(c) || unicode.IsNumber(c):
		u = unit{kind: kindWord, r: c, count: 1}
	case leet(c) != nil:
		u = unit{kind: kindLeet, r: c, count: 1}
	default:
		u = unit{kind: kindGap, soft: unicode.IsSpace(c) || apostrophes[c]}
	}
	u.start, u.end = i, i+1
	if n := len(t.units); n > 0 {
		last := &t.units[n-1]
		switch {
		case u.kind == kindGap && last.kind == kindGap:
			last.soft = last.soft || u.soft
			last.end = u.end
			return
		case u.kind != kindGap && u.kind == last.kind && u.r == last.r:
			// A repeated letter: one unit, counted. Two runes folded from one (ß → ss)
			// share a span, so the end only grows.
			last.count++
			last.end = max(last.end, u.end)
			return
		}
	}
	t.units = append(t.units, u)
}

// chunkLen counts the word and leet units next to the gap at g, going in direction dir
// (-1 before, +1 after), up to the next gap or the end.
func (t *text) chunkLen(g, dir int) int {
	n := 0
	for i := g + dir; i >= 0 && i < len(t.units) && t.units[i].kind != kindGap; i += dir {
		n++
	}
	return n
}
