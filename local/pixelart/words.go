package pixelart

import "strings"

// words is a prompt reduced for keyword matching: lower case, with every run of
// characters other than letters, digits and hyphens turned into one space, and padded
// with spaces so a phrase matches only whole words. A second copy has its hyphens as
// spaces too, so "red-haired" matches "red" and "sci-fi" matches "sci-fi".
type words struct{ text, split string }

func wordsOf(s string) words {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		ok := r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != 0xa0
		if ok {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	t := b.String()
	return words{text: t, split: strings.ReplaceAll(t, "-", " ")}
}

// has reports whether the phrase (one or more words) occurs as whole words.
func (w words) has(phrase string) bool {
	p := " " + phrase + " "
	return strings.Contains(w.text, p) || strings.Contains(w.split, p)
}

// any reports whether any of the phrases occurs.
func (w words) any(phrases ...string) bool {
	for _, p := range phrases {
		if w.has(p) {
			return true
		}
	}
	return false
}

// index returns the byte offset of the phrase's first whole-word occurrence in the
// hyphen-split text, or -1.
func (w words) index(phrase string) int {
	return strings.Index(w.split, " "+phrase+" ")
}

// list returns the hyphen-split words in order.
func (w words) list() []string { return strings.Fields(w.split) }
