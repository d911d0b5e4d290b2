package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSpokenPiece is the longest piece, in runes, that speech is synthesised in. A longer
// sentence is cut at its last clause mark (, ; : — –) before the limit, so the first
// audio of a long sentence does not wait for all of it; a sentence with no clause mark
// stays whole.
const maxSpokenPiece = 160

// SpeechSentences cuts text into the pieces speech is synthesised and streamed in: its
// sentences, and long sentences at clause marks (maxSpokenPiece). Every engine that
// assembles a whole synthesis from pieces uses these, so a streamed synthesis and a
// whole one are made of the same pieces. Pieces are trimmed and never empty; cutting a
// piece again gives the piece itself.
func SpeechSentences(text string) []string {
	done, rest := cutSentences(text, true)
	if rest != "" {
		done = append(done, rest)
	}
	return done
}

// cutSentences returns the complete pieces at the start of text and what is left. A
// sentence is complete when its end mark (. ! ? … or a line break) is followed by space;
// with final, the text's end completes the last one too and rest is empty. Text still
// being written (final false) keeps an unfinished sentence in rest, since the next delta
// could continue it ("3." then "5 gold").
func cutSentences(text string, final bool) (done []string, rest string) {
	start := 0
	for i, r := range text {
		if i < start {
			continue
		}
		end, ok := sentenceEnd(text, i, r)
		if !ok {
			continue
		}
		if !final && strings.TrimSpace(text[end:]) == "" {
			break // the next delta decides whether the sentence goes on ("Wait... and")
		}
		done = appendPieces(done, text[start:end])
		start = end
	}
	rest = strings.TrimSpace(text[start:])
	if final && rest != "" {
		done, rest = appendPieces(done, rest), ""
	}
	return done, rest
}

// sentenceEnd reports whether the rune r at byte i ends a sentence, and where the
// sentence ends (after any closing quotes and brackets). Abbreviations ("Mr.", "e.g."),
// initials and numbers ("3.5") do not end one; nor does a mark followed by a lower-case
// letter.
func sentenceEnd(text string, i int, r rune) (int, bool) {
	switch r {
	case '\n':
		return i + 1, true
	case '.', '!', '?', '…', '。', '！', '？':
	default:
		return 0, false
	}
	end := i + utf8.RuneLen(r)
	cjk := r == '。' || r == '！' || r == '？'
	for end < len(text) {
		next, size := utf8.DecodeRuneInString(text[end:])
		if !strings.ContainsRune(`.!?…"'”’)]»`, next) {
			break
		}
		end += size
	}
	if end == len(text) || cjk {
		return end, true // CJK text puts no space after its full stops
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	if !unicode.IsSpace(next) {
		return 0, false // "3.5", "e.g.x", "wait!no"
	}
	if r == '.' && abbreviation(text[:i]) {
		return 0, false
	}
	// "…and then" goes on; a capital, a digit or a quote starts the next sentence.
	after := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
	if first, _ := utf8.DecodeRuneInString(after); unicode.IsLower(first) {
		return 0, false
	}
	return end, true
}

// abbreviations end with a full stop that does not end the sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "sr": true, "jr": true, "mt": true,
	"vs": true, "etc": true, "e.g": true, "i.e": true, "vol": true, "capt": true, "lt": true,
	"sgt": true, "gen": true, "col": true, "prof": true, "rev": true, "ft": true,
}

// abbreviation reports whether before ends with a known abbreviation or a single capital
// other than "I" (an initial: "J. R. R. Tolkien"; but "So do I. Then…" ends).
func abbreviation(before string) bool {
	word := before[strings.LastIndexFunc(before, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' })+1:]
	if utf8.RuneCountInString(word) == 1 && unicode.IsUpper([]rune(word)[0]) && word != "I" {
		return true
	}
	return abbreviations[strings.ToLower(word)]
}

// appendPieces appends sentence, cut at clause marks when it is longer than
// maxSpokenPiece, skipping what is blank.
func appendPieces(done []string, sentence string) []string {
	sentence = strings.TrimSpace(sentence)
	for utf8.RuneCountInString(sentence) > maxSpokenPiece {
		cut := clauseCut(sentence)
		if cut <= 0 {
			break
		}
		done = append(done, strings.TrimSpace(sentence[:cut]))
		sentence = strings.TrimSpace(sentence[cut:])
	}
	if sentence != "" {
		done = append(done, sentence)
	}
	return done
}

// clauseCut returns the byte offset just after the last clause mark followed by a space
// within the first maxSpokenPiece runes, or 0 when there is none.
func clauseCut(s string) int {
	cut, n := 0, 0
	for i, r := range s {
		if n >= maxSpokenPiece {
			break
		}
		n++
		if !strings.ContainsRune(",;:—–", r) {
			continue
		}
		j := i + utf8.RuneLen(r)
		if j < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsSpace(next) {
				cut = j
			}
		}
	}
	return cut
}
