package dialogue

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain/moderation"
)

// isWordRune reports whether r belongs inside a word: letters, digits and the apostrophe
// of contractions ("don't", "smith's").
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
}

// containsWord reports whether needle occurs in hay as whole words: not preceded or
// followed by a letter or digit. Both must already be lower case. A needle of several
// words ("old mill") matches across the single spaces between them.
func containsWord(hay, needle string) bool { return wordAt(hay, needle, nil) }

// wordAt reports whether needle occurs in hay as whole words at an index i for which at(i)
// holds (any index when at is nil).
func wordAt(hay, needle string, at func(i int) bool) bool {
	if needle == "" {
		return false
	}
	for from := 0; from <= len(hay)-len(needle); {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(hay[:i])
		after, _ := utf8.DecodeRuneInString(hay[i+len(needle):])
		if (i == 0 || !isAlnum(before)) && (i+len(needle) == len(hay) || !isAlnum(after)) && (at == nil || at(i)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(hay[i:])
		from = i + size
	}
	return false
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// taboos is a character's taboo words, lower-cased. Entries without a letter or digit
// are dropped: punctuation is not a word, and forbidding "." would forbid every sentence.
type taboos []string

func newTaboos(words []string) taboos {
	var t taboos
	for _, w := range words {
		if w = strings.ToLower(strings.TrimSpace(w)); strings.ContainsFunc(w, isAlnum) {
			t = append(t, w)
		}
	}
	return t
}

// find returns the first taboo word s contains, matching case-insensitively and inside
// longer words too: "dragon" also rules out "dragons" and "snapdragon", "king" rules out
// "asking". That is stricter than needed, on purpose, for the lines the engine writes
// itself: a line skipped costs nothing, a taboo word said aloud breaks a studio's promise
// to its players.
func (t taboos) find(s string) (string, bool) {
	if len(t) == 0 {
		return "", false
	}
	low := strings.ToLower(s)
	for _, w := range t {
		if strings.Contains(low, w) {
			return w, true
		}
	}
	return "", false
}

// findWord returns the first taboo word that starts a word of s ("dragon" in "Dragons"
// or "dragonslayer", not in "snapdragon"; "king" in "kingdom", not in "speaking"). It
// judges text the engine did not write but quotes, such as the studio's lore and
// descriptions, where matching inside words would drop innocent prose.
func (t taboos) findWord(s string) (string, bool) {
	if len(t) == 0 {
		return "", false
	}
	low := strings.ToLower(s)
	for _, w := range t {
		for from := 0; from < len(low); {
			i := strings.Index(low[from:], w)
			if i < 0 {
				break
			}
			i += from
			if before, _ := utf8.DecodeLastRuneInString(low[:i]); i == 0 || !isAlnum(before) {
				return w, true
			}
			_, size := utf8.DecodeRuneInString(low[i:])
			from = i + size
		}
	}
	return "", false
}

// match returns the first taboo word of s as the moderation filter finds them: whole words
// and phrases, through case, accents, leetspeak and other disguises. It is the filter
// dialogue moderation uses and the character service checks drafts with (the service also
// rules out longer words that start with a taboo word); find and findWord are the engine's
// stricter tests for what it writes or quotes.
func (t taboos) match(s string) (moderation.Match, bool) {
	if len(t) == 0 {
		return moderation.Match{}, false
	}
	for _, m := range moderation.Check(s, t).Matches {
		if m.Category == moderation.CategoryTaboo {
			return m, true
		}
	}
	return moderation.Match{}, false
}

// flagged reports whether the moderation filter finds a taboo word in s.
func (t taboos) flagged(s string) bool {
	_, bad := t.match(s)
	return bad
}

// redact replaces every taboo word the moderation filter finds in s, leaving the safety
// terms it may also find to whoever judges those.
func (t taboos) redact(s string) string {
	if len(t) == 0 {
		return s
	}
	r := moderation.Check(s, t)
	var taboo moderation.Result
	for _, m := range r.Matches {
		if m.Category == moderation.CategoryTaboo {
			taboo.Matches = append(taboo.Matches, m)
		}
	}
	return moderation.Redact(s, taboo)
}

// normalize lower-cases s and collapses its whitespace, for comparing lines.
func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// tidy collapses whitespace, drops spaces before punctuation and capitalises the first
// letter, so that joined fragments read as one written sentence.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{" ,", " .", " !", " ?", " ;", " :"} {
		s = strings.ReplaceAll(s, p, p[1:])
	}
	return capitalize(s)
}

// capitalize upper-cases the first letter of s, skipping leading quotes or brackets.
func capitalize(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			if unicode.IsUpper(r) {
				return s
			}
			return s[:i] + string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
		}
		if unicode.IsDigit(r) {
			return s
		}
	}
	return s
}

// withArticle prefixes s with "a" or "an". English chooses by sound, not spelling; the
// exceptions below cover the words Troupe's roles and tiers use ("an hour", "a unicorn").
func withArticle(s string) string {
	low := strings.ToLower(strings.TrimSpace(s))
	if low == "" {
		return s
	}
	an := strings.ContainsRune("aeiou", rune(low[0]))
	for _, p := range []string{"uni", "use", "usu", "eu", "one", "once"} {
		if strings.HasPrefix(low, p) {
			an = false
		}
	}
	for _, p := range []string{"hour", "honest", "honor", "heir"} {
		if strings.HasPrefix(low, p) {
			an = true
		}
	}
	if an {
		return "an " + s
	}
	return "a " + s
}

// splitSentences splits text after each run of sentence-ending punctuation that is
// followed by a space or the end, and at line breaks. Sentences keep their punctuation.
func splitSentences(text string) []string {
	var out []string
	for _, para := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		start := 0
		for i := 0; i < len(para); i++ {
			if !strings.ContainsRune(".!?", rune(para[i])) {
				continue
			}
			j := i
			for j+1 < len(para) && strings.ContainsRune(".!?\"')", rune(para[j+1])) {
				j++
			}
			if j+1 == len(para) || para[j+1] == ' ' || para[j+1] == '\t' {
				if s := strings.TrimSpace(para[start : j+1]); s != "" {
					out = append(out, s)
				}
				start = j + 1
			}
			i = j
		}
		if s := strings.TrimSpace(para[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// countWords counts whitespace-separated words.
func countWords(s string) int { return len(strings.Fields(s)) }

// estimateTokens approximates a tokenizer: about four tokens for every three English
// words, the usual rule of thumb for BPE vocabularies.
func estimateTokens(words int) int { return (words*4 + 2) / 3 }
