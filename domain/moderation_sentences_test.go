package domain

import (
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain/moderation"
)

func TestFlaggedSentencesAreLeftOut(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, text, want string }{
		{"a clean line stays", "Keep to the road. Go with care.", "Keep to the road. Go with care."},
		{"the flagged sentence goes", "Keep to the road. The dragon sleeps! Go with care.", "Keep to the road. Go with care."},
		{"every sentence flagged is silence", "The dragon. A dragon everywhere?", moderatedSilence},
		{"a decimal is not a sentence end", "It costs 3.5 crowns. The dragon took it.", "It costs 3.5 crowns."},
		{"a quoted ending closes the sentence", `He said "run." The dragon came.`, `He said "run."`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := withoutFlaggedSentences(tc.text, moderation.Check(tc.text, []string{"dragon"}))
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// A stream never takes back what it sent: each answer of the filter extends the last, and
// a flagged sentence already partly sent breaks off with a dash.
func TestSentenceFilterOnlyExtends(t *testing.T) {
	t.Parallel()
	full := []rune("Far to the north, past the pass, the dragon sleeps. Go now.")
	var f sentenceFilter
	var sent string
	released := 0
	for cut := 1; cut <= len(full); cut++ {
		text := string(full[:cut])
		v := moderation.Check(text, []string{"dragon"})
		// Release the text only up to before the last word, as the stream's window does.
		upto := strings.LastIndexByte(text, ' ') + 1
		if cut == len(full) {
			upto = len(text)
		}
		upto = len([]rune(text[:upto]))
		if upto <= released {
			continue
		}
		got := f.clean(full[:cut], upto, released, v)
		if !strings.HasPrefix(got, sent) {
			t.Fatalf("at %d the filter took back sent text: had %q, now %q", cut, sent, got)
		}
		sent, released = got, upto
	}
	if want := "Far to the north, past the pass, the — Go now."; sent != want {
		t.Fatalf("got %q, want %q", sent, want)
	}
}
