package falclient_test

import (
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// checkWords checks estimated timings: the expected words, in order, non-overlapping,
// within [start, end], each of positive length, with confidence 0.
func checkWords(t *testing.T, words []domain.WordTiming, want []string, start, end time.Duration) {
	t.Helper()
	var got []string
	prev := start
	for _, w := range words {
		got = append(got, w.Word)
		if w.Start < prev || w.End <= w.Start || w.End > end || w.Confidence != 0 {
			t.Errorf("word %+v after %s (span %s–%s)", w, prev, start, end)
		}
		prev = w.End
	}
	if !slices.Equal(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
}
