package domain

import (
	"unicode"

	"github.com/troupe-ai/troupe/domain/moderation"
)

// A line that breaks a rule is never shown with blanked words (players read "██████" as a
// bug): the sentences that hold a match are left out instead, so what remains reads as
// something the character chose to say. A streamed sentence already partly shown breaks
// off with a dash, as a speaker stopping short does.

// sentenceDash ends a sentence cut short because the rest of it broke a rule.
const sentenceDash = "—"

// sentenceSpan is one sentence of a text, as rune offsets, with the spaces after it.
type sentenceSpan struct{ start, end int }

// sentenceSpans splits runes into sentences: each ends after a run of terminal
// punctuation (. ! ? …) and any closing quotes or brackets, and takes the spaces that
// follow. The last span runs to the end of the text.
func sentenceSpans(runes []rune) []sentenceSpan {
	var spans []sentenceSpan
	start := 0
	for i := 0; i < len(runes); i++ {
		if !isTerminal(runes[i]) {
			continue
		}
		j := i + 1
		for j < len(runes) && (isTerminal(runes[j]) || isCloser(runes[j])) {
			j++
		}
		if j < len(runes) && !unicode.IsSpace(runes[j]) {
			i = j - 1
			continue
		}
		for j < len(runes) && unicode.IsSpace(runes[j]) {
			j++
		}
		spans = append(spans, sentenceSpan{start, j})
		start, i = j, j-1
	}
	if start < len(runes) {
		spans = append(spans, sentenceSpan{start, len(runes)})
	}
	return spans
}

func isTerminal(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

func isCloser(r rune) bool {
	return r == '"' || r == '\'' || r == ')' || r == ']' || r == '”' || r == '’' || r == '»'
}

// overlaps reports whether a match of v falls in the span.
func (s sentenceSpan) overlaps(v moderation.Result) bool {
	for _, m := range v.Matches {
		if m.Start < s.end && m.End > s.start {
			return true
		}
	}
	return false
}

// sentenceFilter leaves flagged sentences out of a text that may still be growing. It
// remembers where it cut sentences it had already partly released, so every answer it
// gives extends the one before: what a stream has sent is never taken back.
type sentenceFilter struct {
	// cuts maps the start of a partly released sentence that turned out flagged to how
	// much of it was released.
	cuts map[int]int
	// dropped holds the starts of flagged sentences left out before any of them was
	// sent: they stay out, whatever the release point has moved past since.
	dropped map[int]bool
}

// clean returns runes[:upto] without the sentences v flags; released is how many runes of
// the text a client already has. A flagged sentence that began before released keeps its
// released part, ended by a dash.
func (f *sentenceFilter) clean(runes []rune, upto, released int, v moderation.Result) string {
	out := make([]rune, 0, upto)
	for _, s := range sentenceSpans(runes[:upto]) {
		if k, ok := f.cuts[s.start]; ok {
			out = appendCut(out, runes[s.start:k])
			continue
		}
		if f.dropped[s.start] {
			continue
		}
		if !s.overlaps(v) {
			if len(out) > 0 && string(out[len(out)-1:]) == sentenceDash {
				out = append(out, ' ')
			}
			out = append(out, runes[s.start:s.end]...)
			continue
		}
		if s.start < released {
			if f.cuts == nil {
				f.cuts = map[int]int{}
			}
			k := min(released, s.end)
			f.cuts[s.start] = k
			out = appendCut(out, runes[s.start:k])
			continue
		}
		if f.dropped == nil {
			f.dropped = map[int]bool{}
		}
		f.dropped[s.start] = true
	}
	return string(out)
}

// appendCut appends the released part of a sentence cut short, as it was sent (a space
// already sent stays), and the dash.
func appendCut(out, part []rune) []rune {
	out = append(out, part...)
	return append(out, []rune(sentenceDash)...)
}

// withoutFlaggedSentences is text without the sentences v flags, or silence when nothing
// is left.
func withoutFlaggedSentences(text string, v moderation.Result) string {
	var f sentenceFilter
	runes := []rune(text)
	out := trimRightSpace(f.clean(runes, len(runes), 0, v))
	if out == "" {
		return moderatedSilence
	}
	return out
}

// moderatedSilence is the line when every sentence broke a rule.
const moderatedSilence = "..."

func trimRightSpace(s string) string {
	r := []rune(s)
	for len(r) > 0 && unicode.IsSpace(r[len(r)-1]) {
		r = r[:len(r)-1]
	}
	return string(r)
}
