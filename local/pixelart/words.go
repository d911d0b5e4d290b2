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

// negations are the words that, just before a phrase, deny it: "no beard", "without a
// hood" ("a" and "an" in between are skipped).
var negations = []string{"no", "not", "without", "never", "nor", "lacking"}

// has reports whether the phrase (one or more words) occurs as whole words, and not
// denied by a negation right before it.
func (w words) has(phrase string) bool {
	p := " " + phrase + " "
	return occurs(w.text, p) || occurs(w.split, p)
}

// denies reports whether the phrase occurs only negated ("no beard", "without a hood"),
// so a role that would bring it ("dwarf", "thief") can leave it out.
func (w words) denies(phrases ...string) bool {
	for _, phrase := range phrases {
		p := " " + phrase + " "
		if (strings.Contains(w.text, p) || strings.Contains(w.split, p)) && !w.has(phrase) {
			return true
		}
	}
	return false
}

// occurs reports whether p occurs in text other than right after a negation.
func occurs(text, p string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], p)
		if i < 0 {
			return false
		}
		i += from
		if !negated(text[:i+1]) {
			return true
		}
		from = i + 1
	}
}

// negated reports whether before (text up to and including the space before a phrase)
// ends with a negation, skipping one article.
func negated(before string) bool {
	ws := strings.Fields(before)
	if n := len(ws); n > 0 && (ws[n-1] == "a" || ws[n-1] == "an" || ws[n-1] == "any") {
		ws = ws[:n-1]
	}
	if len(ws) == 0 {
		return false
	}
	last := ws[len(ws)-1]
	for _, n := range negations {
		if last == n {
			return true
		}
	}
	return false
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
