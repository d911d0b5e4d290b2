package speech

import (
	"regexp"
	"strings"
)

// phonemeSep is what espeak-ng puts between the phonemes of a word with --sep=z: U+200C
// ZERO WIDTH NON-JOINER. "_" (the usual choice) is ambiguous, because "_" is also
// espeak's name for a pause.
const phonemeSep = "\u200c"

// phoneme is one espeak-ng phoneme mnemonic (as printed by -x), stress marks removed.
type phoneme struct {
	name     string
	stressed bool
}

// phWord is a word as espeak-ng spoke it: its phonemes, pauses left out. It is not always
// a word of the text: espeak expands numbers and symbols ("1999" is three words) and
// links some pairs ("for a" is one word, f3r-@).
type phWord []phoneme

// langTag matches espeak's language-switch markers such as "(en)" in -x output.
var langTag = regexp.MustCompile(`\([a-z0-9-]+\)`)

// parsePhonemeWords reads espeak-ng's `-x --sep=z` output (a line per clause, words
// separated by spaces) into words, in order. Pause phonemes ("_", "_:", the word gaps of
// -g) are dropped, and so are words left empty.
func parsePhonemeWords(out string) []phWord {
	var words []phWord
	for _, line := range strings.Split(langTag.ReplaceAllString(out, ""), "\n") {
		for _, raw := range strings.Fields(line) {
			if w := parsePhWord(raw); len(w) > 0 {
				words = append(words, w)
			}
		}
	}
	return words
}

// parsePhonemeLines reads the same output as one list of words per line, keeping empty
// lines; it is used where each input line is one word of the text.
func parsePhonemeLines(out string) [][]phWord {
	out = strings.TrimRight(langTag.ReplaceAllString(out, ""), "\n")
	if out == "" {
		return nil
	}
	var lines [][]phWord
	for _, line := range strings.Split(out, "\n") {
		var words []phWord
		for _, raw := range strings.Fields(line) {
			if w := parsePhWord(raw); len(w) > 0 {
				words = append(words, w)
			}
		}
		lines = append(lines, words)
	}
	return lines
}

// parsePhWord splits one -x word into phonemes.
func parsePhWord(raw string) phWord {
	var w phWord
	for _, p := range strings.Split(raw, phonemeSep) {
		// ' is primary and , secondary stress, % unstressed, = stress on the previous
		// syllable, ; palatalisation: none changes the mouth shape much.
		stressed := strings.ContainsAny(p, "',")
		name := strings.Map(func(r rune) rune {
			if strings.ContainsRune("',%=;", r) {
				return -1
			}
			return r
		}, p)
		if name == "" || strings.HasPrefix(name, "_") {
			continue
		}
		w = append(w, phoneme{name: name, stressed: stressed})
	}
	return w
}

// isVowel says whether an espeak English phoneme is a vowel (or diphthong, or syllabic
// consonant), from its first character.
func isVowel(name string) bool {
	if name == "" {
		return false
	}
	return strings.ContainsRune("aAeEiIoOuUV@03", rune(name[0]))
}

// weight is a phoneme's typical length in milliseconds at 175 words per minute. Only the
// ratios matter: they share out a word's measured duration among its phonemes.
func weight(p phoneme) float64 {
	n := p.name
	var w float64
	switch {
	case n == "@L" || n == "n-" || n == "m-":
		w = 90 // syllabic l, n, m
	case isVowel(n):
		switch {
		case strings.Contains(n, ":") || len(strings.Trim(n, "#2345")) > 1:
			w = 130 // long vowels and diphthongs
		case n == "@" || n == "@2" || n == "@5" || n == "I2" || n == "I#" || n == "a#":
			w = 55 // reduced vowels
		default:
			w = 85
		}
		if p.stressed {
			w *= 1.35
		}
	case n == "t#" || n == "t2" || n == "d#" || n == "?":
		w = 35 // flaps and glottal stops
	case n == "tS" || n == "dZ":
		w = 100
	case n == "D":
		w = 45
	case n == "s" || n == "z" || n == "S" || n == "Z" || n == "f" || n == "v" || n == "T" || n == "x":
		w = 85
	case n == "m" || n == "n" || n == "N":
		w = 65
	case n == "p" || n == "b" || n == "t" || n == "d" || n == "k" || n == "g":
		w = 70
	default:
		w = 55 // h, l, r, w, j and anything unlisted
	}
	return w
}

// baseName is the phoneme without espeak's allophone marks, for comparing phonemes of the
// same word said in different contexts ("@2" and "@", "t#" and "t", "r-" and "r").
func baseName(n string) string {
	if t := strings.TrimRight(n, "#23456-[:"); t != "" {
		return t
	}
	return n
}
