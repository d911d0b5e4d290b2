package worldgen

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// valueKind says how a placeholder's value is adjusted to its place in a sentence.
type valueKind int

const (
	// kindWord is an ordinary lowercase word or phrase ("mossy", "mining station"): it is
	// capitalised when it starts a sentence.
	kindWord valueKind = iota
	// kindName is a generated proper name: a leading "The" becomes "the" mid-sentence.
	kindName
	// kindVerbatim is inserted exactly as given (a caller-chosen world name, a pre-rendered
	// phrase).
	kindVerbatim
)

// value is what a placeholder expands to.
type value struct {
	text string
	kind valueKind
}

// render expands the {placeholders} of tmpl through lookup. Values are never re-scanned,
// so a name containing braces stays as it is. midSentence says whether tmpl continues a
// sentence begun elsewhere, which decides how a value at its very start is cased.
//
// Besides casing, render picks "a" or "an" for an article written just before a
// placeholder, since the template cannot know which the value needs.
func render(tmpl string, midSentence bool, lookup func(key string) value) string {
	out := make([]byte, 0, len(tmpl)+64)
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, tmpl[:i]...)
		v := lookup(tmpl[i+1 : i+j])
		tmpl = tmpl[i+j+1:]

		text := v.text
		start := atSentenceStart(out, midSentence)
		switch v.kind {
		case kindWord:
			if start {
				text = upperFirst(text)
			}
		case kindName:
			if !start && strings.HasPrefix(text, "The ") {
				text = "the" + text[len("The"):]
			}
		}
		out = fixArticle(out, text)
		out = append(out, text...)
	}
	out = append(out, tmpl...)
	return string(out)
}

// atSentenceStart reports whether text appended to out would begin a sentence.
func atSentenceStart(out []byte, midSentence bool) bool {
	s := strings.TrimRight(string(out), " \"'(")
	if s == "" {
		return !midSentence
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return true
	}
	return false
}

// fixArticle rewrites an "a " or "an " ending out to suit the word that follows.
func fixArticle(out []byte, next string) []byte {
	for _, art := range []string{"a ", "A ", "an ", "An "} {
		if !endsWithWord(out, art) {
			continue
		}
		base := out[:len(out)-len(art)]
		an := takesAn(next)
		switch {
		case an && art == "a ":
			return append(base, "an "...)
		case an && art == "A ":
			return append(base, "An "...)
		case !an && art == "an ":
			return append(base, "a "...)
		case !an && art == "An ":
			return append(base, "A "...)
		}
		return out
	}
	return out
}

// endsWithWord reports whether out ends with word as a whole word.
func endsWithWord(out []byte, word string) bool {
	if !strings.HasSuffix(string(out), word) {
		return false
	}
	rest := out[:len(out)-len(word)]
	if len(rest) == 0 {
		return true
	}
	c := rest[len(rest)-1]
	return c == ' ' || c == '(' || c == '"'
}

// takesAn reports whether the indefinite article before word is "an". It goes by
// spelling with a few common exceptions; the tables avoid the rarer ones.
func takesAn(word string) bool {
	w := strings.ToLower(word)
	for _, p := range []string{"uni", "use", "usu", "uti", "ure", "uto", "one", "once", "eu", "ewe"} {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	for _, p := range []string{"hour", "honest", "honour", "honor", "heir"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return w != "" && strings.IndexByte("aeiou", w[0]) >= 0
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// placeholders returns the keys of tmpl's {placeholders} in order.
func placeholders(tmpl string) ([]string, error) {
	var keys []string
	for {
		i := strings.IndexAny(tmpl, "{}")
		if i < 0 {
			return keys, nil
		}
		if tmpl[i] == '}' {
			return nil, errors.New("unmatched '}'")
		}
		j := strings.IndexAny(tmpl[i+1:], "{}")
		if j < 0 || tmpl[i+1+j] == '{' {
			return nil, errors.New("unclosed '{'")
		}
		key := tmpl[i+1 : i+1+j]
		if key == "" {
			return nil, errors.New("empty placeholder {}")
		}
		keys = append(keys, key)
		tmpl = tmpl[i+1+j+1:]
	}
}

// articleMistake returns the first literal "a"/"an" in tmpl that does not suit the word
// after it, or "" if there is none. Articles before placeholders are fixed at render time
// and are not checked.
func articleMistake(tmpl string) string {
	words := strings.Fields(tmpl)
	for i := 0; i+1 < len(words); i++ {
		art, next := strings.ToLower(words[i]), words[i+1]
		if (art != "a" && art != "an") || strings.HasPrefix(next, "{") {
			continue
		}
		next = strings.TrimLeft(next, "\"'(")
		if next == "" || !unicode.IsLetter(rune(next[0])) {
			continue
		}
		if (art == "an") != takesAn(next) {
			return words[i] + " " + words[i+1]
		}
	}
	return ""
}

// joinList joins items as an English list with the given separator: "a", "a and b",
// "a, b and c" (sep ", ") or "a; b; and c" (sep "; ").
func joinList(items []string, sep string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	last := " and "
	if sep == "; " {
		last = "; and "
	}
	return strings.Join(items[:len(items)-1], sep) + last + items[len(items)-1]
}
