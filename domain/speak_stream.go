package domain

import (
	"context"
	"strings"
	"unicode"

	"github.com/troupe-ai/troupe/domain/moderation"
)

// streamModerated streams the line through a moderation window. Text is released only up
// to the last word boundary that no taboo word or phrase can still extend, and released
// text leaves out the sentences that hold a match (sentenceFilter), so nothing
// unmoderated, and no blanked word, reaches the client; stage directions between
// asterisks are dropped (withoutStageDirections). A streamed line cannot be regenerated:
// a flagged sentence already partly sent breaks off with a dash.
func (s *CharacterService) streamModerated(ctx context.Context, req TextRequest, taboo []string, onDelta func(string) error) (TextResult, ModerationOutcome, error) {
	outcome := ModerationOutcome{Action: "none", Categories: []string{}}
	hold := moderation.MaxPhraseWords(taboo)
	var raw, out strings.Builder
	var filter sentenceFilter
	released := 0 // runes of the unfiltered text the client has
	sent := 0     // runes of the filtered text sent

	release := func(final bool) error {
		// What is written between asterisks is an action, never spoken: it is held back
		// until it closes, then dropped.
		text := withoutStageDirections(raw.String(), final)
		runes := []rune(text)
		cut := len(runes)
		if !final {
			cut = safeCut(text, hold)
		}
		if cut <= released {
			return nil
		}
		verdict := moderation.Check(text, taboo)
		if verdict.Flagged {
			outcome.Flagged = true
			outcome.Action = "redacted"
			outcome.Categories = verdict.Categories
		}
		clean := []rune(filter.clean(runes, cut, released, verdict))
		released = cut
		if len(clean) <= sent {
			return nil
		}
		piece := string(clean[sent:])
		sent = len(clean)
		out.WriteString(piece)
		return onDelta(piece)
	}

	res, err := s.Text.Stream(ctx, req, func(delta string) error {
		raw.WriteString(delta)
		return release(false)
	})
	if err != nil {
		return res, outcome, err
	}
	// The engine's final text is authoritative; stream what it adds beyond the deltas.
	if res.Text != raw.String() && strings.HasPrefix(res.Text, raw.String()) {
		raw.WriteString(strings.TrimPrefix(res.Text, raw.String()))
	}
	if err := release(true); err != nil {
		return res, outcome, err
	}
	if strings.TrimSpace(out.String()) == "" {
		// Every sentence broke a rule: the character falls silent rather than show nothing.
		out.WriteString(moderatedSilence)
		if err := onDelta(moderatedSilence); err != nil {
			return res, outcome, err
		}
	}
	res.Text = trimRightSpace(out.String())
	return res, outcome, nil
}

// safeCut returns how many runes of text can be released: everything before the last
// `hold` complete words, any word still being written, and any run of one-letter words
// just before them, which could be a term being spelt out.
func safeCut(text string, hold int) int {
	runes := []rune(text)
	i := len(runes)
	// Drop a word in progress.
	for i > 0 && !unicode.IsSpace(runes[i-1]) {
		i--
	}
	// backWord moves i to the start of the previous word and returns its length in letters.
	backWord := func() int {
		for i > 0 && unicode.IsSpace(runes[i-1]) {
			i--
		}
		letters := 0
		for i > 0 && !unicode.IsSpace(runes[i-1]) {
			if unicode.IsLetter(runes[i-1]) || unicode.IsDigit(runes[i-1]) {
				letters++
			}
			i--
		}
		return letters
	}
	// Keep back the words a multi-word phrase could still complete.
	for w := 0; w < hold-1 && i > 0; w++ {
		backWord()
	}
	for i > 0 {
		save := i
		if backWord() > 1 {
			i = save
			break
		}
	}
	return i
}
