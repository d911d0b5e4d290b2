package moderation

import (
	"strings"
	"unicode"
)

// Normalize returns s as Check reads it, for tests and debugging. Every rune is folded
// (case, width, diacritics, homoglyphs); a digit or leet symbol inside a word that has
// letters reads as its most likely letter ("h3ll0" → "hello", "sh!t" → "shit",
// "d.r.4.g.0.n" → "d r a g o n", "@$$" → "ass"), while an exclamation mark ending a word
// and a symbol in a number read as punctuation ("dragon!" → "dragon", "$100" → "100"),
// and digits in a word without letters stay digits ("1000"); a run of three or more of the same letter
// shows once ("draaagon" → "dragon"), a double letter twice; and every run of separators
// shows as one space.
//
// Check sees a little more than this one string: it also tries the other readings of
// ambiguous characters (1 as l, a symbol as punctuation), skips separators inside
// words, and in a match disguised with leetspeak reads a doubled letter as single too
// ("b4starrd" normalises to "bastarrd" but matches "bastard").
func Normalize(s string) string {
	t := normalize(s)
	// pieces are letters with their repeat counts; a space stands for any separator.
	type piece struct {
		r rune
		n int
	}
	var pieces []piece
	push := func(r rune, n int) {
		if k := len(pieces); k > 0 && pieces[k-1].r == r {
			pieces[k-1].n += n
			return
		}
		pieces = append(pieces, piece{r, n})
	}
	units := t.units
	// wordHasLetter[i] tells whether the word unit i belongs to has a letter, where a word
	// runs across the gaps a match may skip ("4.b" is a word with a letter, so 4 reads a).
	wordHasLetter := make([]bool, len(units))
	for a := 0; a < len(units); {
		b, has := a, false
		for ; b < len(units) && (units[b].kind != kindGap || t.skippable[b]); b++ {
			has = has || units[b].isLetter()
		}
		for i := a; i < b; i++ {
			wordHasLetter[i] = has
		}
		a = b + 1
	}
	for a := 0; a < len(units); {
		if units[a].kind == kindGap {
			push(' ', 1)
			a++
			continue
		}
		b, hasLetter, hasDigit := a, wordHasLetter[a], false
		for ; b < len(units) && units[b].kind != kindGap; b++ {
			hasDigit = hasDigit || (units[b].kind == kindWord && !units[b].isLetter())
		}
		for i := a; i < b; i++ {
			u := &units[i]
			reading := leet(u.r)
			switch {
			case u.kind == kindWord && (unicode.IsLetter(u.r) || !hasLetter || reading == nil):
				push(u.r, u.count)
			case u.kind == kindWord:
				push(reading[0], u.count) // a digit inside a word
			case (u.r == '!' && i+1 == b) || (hasDigit && !hasLetter):
				push(' ', 1) // a symbol read as punctuation: "wow!", "$100"
			default:
				push(reading[0], u.count)
			}
		}
		a = b
	}
	var b strings.Builder
	for _, p := range pieces {
		switch {
		case p.r == ' ':
			b.WriteByte(' ')
		case unicode.IsLetter(p.r):
			// Elongations collapse; a doubled letter is spelling and stays.
			b.WriteRune(p.r)
			if p.n == 2 {
				b.WriteRune(p.r)
			}
		default:
			b.WriteString(strings.Repeat(string(p.r), p.n))
		}
	}
	return strings.TrimSpace(b.String())
}
