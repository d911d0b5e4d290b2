package prompts

import (
	"strings"
	"unicode"
)

// angleEscaper turns every angle bracket, and the look-alikes a model may read as one,
// into an HTML-style entity. With no '<' left in untrusted text, no untrusted text can
// open or close a delimited block such as </conversation>. Ampersands are left alone: a
// literal "&lt;/conversation>" typed by a player is harmless, because only a real '<'
// can form a tag.
var angleEscaper = strings.NewReplacer(
	"<", "&lt;", ">", "&gt;",
	"\uFF1C", "&lt;", "\uFF1E", "&gt;", // fullwidth
	"\uFE64", "&lt;", "\uFE65", "&gt;", // small form variants
	"\u2039", "&lt;", "\u203A", "&gt;", // single angle quotation marks
	"\u3008", "&lt;", "\u3009", "&gt;", // CJK angle brackets
	"\u27E8", "&lt;", "\u27E9", "&gt;", // mathematical angle brackets
	"\u2329", "&lt;", "\u232A", "&gt;", // angle brackets (deprecated)
)

// lineBreaks maps the line separators Unicode knows onto '\n'.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n", "\v", "\n", "\f", "\n")

// block cleans untrusted text that may span several lines (game context, lore, memory
// summaries, drafts): invalid UTF-8 is replaced, control and bidirectional-override
// characters are dropped, line breaks are unified and angle brackets escaped.
func block(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = lineBreaks.Replace(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), isBidiControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(angleEscaper.Replace(s))
}

// inline cleans untrusted text that must stay on one line (names, conversation turns,
// taboo words): as block, and every run of white space, line breaks included, becomes one
// space. A player line can then never start a new "Name: …" turn of its own.
func inline(s string) string {
	return strings.Join(strings.Fields(block(s)), " ")
}

// quotable makes cleaned text safe to show between double quotes: its own double quotes
// (straight and curly) become single ones, so it cannot close the quotation early and go
// on as text of the prompt's own.
func quotable(s string) string {
	return quoteFolder.Replace(s)
}

var quoteFolder = strings.NewReplacer(`"`, "'", "\u201C", "'", "\u201D", "'", "\u201E", "'", "\uFF02", "'")

// inlineAll cleans each string with inline and drops the ones left empty.
func inlineAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = inline(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// quotedList renders words as `"a", "b"`, so multi-word phrases stay recognisable.
// Double quotes inside a word are dropped to keep the list unambiguous.
func quotedList(words []string) string {
	var b strings.Builder
	for _, w := range inlineAll(words) {
		w = strings.TrimSpace(strings.ReplaceAll(w, `"`, ""))
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + w + `"`)
	}
	return b.String()
}

// isBidiControl reports the explicit directional formatting characters, which can make
// text read differently from how it is stored.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// sentence ends s with a full stop unless it already ends a sentence, so a description
// can be followed by more text. Empty stays empty.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
