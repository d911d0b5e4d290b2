package dialogue

import (
	"strings"
	"unicode"
)

// GrammarProblems is the engine's own proof-reader: it lists what is wrong with a line
// of dialogue as written English, so that the engine can drop a sentence it assembled
// badly and the evaluation can count them. It looks for what assembly from fragments
// gets wrong: an empty line, redaction marks, leftover grammar syntax, doubled words,
// a preposition or article before a verb ("the old mine to is"), unbalanced quotes, a
// sentence starting in lower case, a missing final mark, "a"/"an" before the wrong sound,
// and "I" with a third-person verb ("I keeps").
func GrammarProblems(text string) []string {
	var out []string
	t := strings.TrimSpace(text)
	if t == "" {
		return []string{"empty"}
	}
	if t == silence {
		return nil
	}
	if strings.ContainsAny(t, "█▇■") || strings.Contains(strings.ToLower(t), "[redacted]") {
		out = append(out, "redaction mark")
	}
	if strings.ContainsAny(t, "#{}") {
		out = append(out, "leftover placeholder")
	}
	if strings.Contains(t, "  ") {
		out = append(out, "double space")
	}
	if m := wordProblem(t); m != "" {
		out = append(out, m)
	}
	if m := badPunct(t); m != "" {
		out = append(out, "stray punctuation "+m)
	}
	if strings.Count(t, "\"")%2 != 0 || strings.Count(t, "\u201c") != strings.Count(t, "\u201d") {
		out = append(out, "unbalanced quotes")
	}
	if strings.Count(t, "(") != strings.Count(t, ")") {
		out = append(out, "unbalanced brackets")
	}
	last := strings.TrimRight(t, "\"')\u201d\u2019")
	if last == "" || !strings.ContainsAny(last[len(last)-1:], ".!?…") {
		out = append(out, "no final punctuation")
	}
	for _, s := range splitSentences(t) {
		if r, ok := firstLetter(s); ok && unicode.IsLower(r) {
			out = append(out, "lower-case start: "+clipWords(s, 4))
			break
		}
	}
	return out
}

// afterFunction are finite verbs that cannot follow a preposition, article or
// possessive: "the old mine to is" is the mark of a phrase echoed into a slot it does
// not fit.
var afterFunction = map[string]bool{"is": true, "are": true, "was": true, "were": true, "has": true, "does": true, "am": true}

var functionWords = map[string]bool{"to": true, "of": true, "for": true, "with": true, "about": true, "from": true,
	"the": true, "a": true, "an": true, "my": true, "your": true, "at": true}

// wordProblem scans the words of t pairwise for a doubled word, a function word before
// a verb, "a"/"an" before the wrong sound and "I" with a third-person verb; it returns
// the first problem found, or "". It is a hand-written scan rather than regular
// expressions because the engine proof-reads every sentence it assembles.
func wordProblem(t string) string {
	f := strings.Fields(t)
	for i := 0; i+1 < len(f); i++ {
		if strings.ContainsAny(f[i][len(f[i])-1:], ",.;:!?\"”)") {
			continue
		}
		a := strings.ToLower(strings.TrimFunc(f[i], func(r rune) bool { return !isWordRune(r) }))
		nextCore := strings.TrimFunc(f[i+1], func(r rune) bool { return !isWordRune(r) })
		b := strings.ToLower(nextCore)
		if a == "" || b == "" {
			continue
		}
		switch {
		case a == b && a != "had" && a != "that":
			return "doubled word " + a + " " + b
		case functionWords[a] && afterFunction[b], (a == "say" || a == "says") && (modals[b] || afterFunction[b]):
			// "they say will not fight" lost its subject.
			return "broken phrase " + a + " " + b
		case (a == "a" || a == "an") && len(nextCore) > 1 && strings.ToUpper(nextCore) != nextCore && !strings.HasPrefix(b, "uni") &&
			!strings.HasPrefix(withArticle(nextCore), a+" "):
			return "article " + a + " " + nextCore
		case strings.Trim(f[i], "\"'(“") == "I" && len(b) > 2 && strings.HasSuffix(b, "s") && b == nextCore && isLowerWord(b) && !iVerbOK[b]:
			return "agreement I " + b
		}
	}
	return ""
}

// isLowerWord reports whether w is all lower-case letters.
func isLowerWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// badPunct returns punctuation that assembly doubled or misplaced, or "".
func badPunct(t string) string {
	for i := 0; i+1 < len(t); i++ {
		a, b := t[i], t[i+1]
		switch {
		case (a == ' ' || a == '\t') && strings.IndexByte(",.;:!?", b) >= 0:
			return string([]byte{a, b})
		case strings.IndexByte(",;:", a) >= 0 && strings.IndexByte(".!?", b) >= 0,
			strings.IndexByte(".!?", a) >= 0 && strings.IndexByte(",;", b) >= 0,
			a == ',' && b == ',', a == '?' && b == '.', a == '!' && b == '.':
			return string([]byte{a, b})
		}
	}
	return ""
}

// iVerbOK are words ending in s that may follow "I".
var iVerbOK = map[string]bool{
	"was": true, "guess": true, "miss": true, "pass": true, "kiss": true, "press": true, "bless": true,
	"dress": true, "confess": true, "discuss": true, "cross": true, "toss": true, "focus": true,
	"always": true, "perhaps": true, "sometimes": true, "thus": true, "address": true, "possess": true,
	"express": true, "assess": true, "dismiss": true, "stress": true, "harness": true, "witness": true,
	"nevertheless": true, "bias": true, "canvas": true, "impress": true, "caress": true, "fuss": true,
}

// firstLetter returns the first letter of s, skipping quotes, brackets and digits-free
// punctuation; ok is false when a digit or nothing comes first.
func firstLetter(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return r, true
		}
		if unicode.IsDigit(r) {
			return 0, false
		}
	}
	return 0, false
}

// clipWords returns the first n words of s.
func clipWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}
