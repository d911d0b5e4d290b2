package speech

import (
	"strings"
	"unicode"
)

// speakable prepares text for espeak-ng's stdin: control characters (newlines included)
// become spaces, because espeak-ng treats a line break as the end of a clause only in some
// modes and we want the same prosody however the caller wrapped the text; and "[[" and
// "]]" are broken up, because espeak-ng reads text between them as raw phoneme input,
// which would let a caller's text bypass pronunciation (and our word timing).
//
// Markup needs no escaping: -m (SSML) is never passed, so espeak-ng speaks "<" and ">"
// as text and no tag in the caller's text is obeyed.
func speakable(text string) string {
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, text)
	text = strings.ReplaceAll(text, "[[", "[ [")
	text = strings.ReplaceAll(text, "]]", "] ]")
	return strings.TrimSpace(text)
}

// words splits text into the words WordTiming reports: runs of letters and digits that
// may hold apostrophes and hyphens between letters ("don't", "well-known"), decimal points
// and thousands separators between digits ("5.50", "1,000"), a leading currency sign and
// a trailing percent sign. Everything else separates words, so "wait—no" is two words and
// "U.S.A." three, as espeak-ng says them.
func words(text string) []string {
	rs := []rune(text)
	var out []string
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	for i := 0; i < len(rs); {
		if !isWord(rs[i]) {
			i++
			continue
		}
		start := i
		if start > 0 && unicode.Is(unicode.Sc, rs[start-1]) {
			start-- // "$5"
		}
		i++ // rs[i] is a letter or digit
		for i < len(rs) && continuesWord(rs, i, isWord) {
			i++
		}
		out = append(out, string(rs[start:i]))
	}
	return out
}

// continuesWord says whether rs[i] (i > 0) belongs to the word that rs[i-1] ends.
func continuesWord(rs []rune, i int, isWord func(rune) bool) bool {
	r, prev := rs[i], rs[i-1]
	next := rune(0)
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	switch {
	case isWord(r):
		return true
	case r == '\'' || r == '\u2019' || r == '-':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case r == '.' || r == ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	case r == '%':
		return unicode.IsDigit(prev)
	}
	return false
}
