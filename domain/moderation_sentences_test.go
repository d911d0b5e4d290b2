package domain

import (
	"context"
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

// splitModel streams a fixed line in pieces cut at the given points.
type splitModel struct {
	text string
	cuts []int
}

func (m splitModel) Complete(context.Context, TextRequest) (TextResult, error) {
	return TextResult{Text: m.text}, nil
}

func (m splitModel) Stream(_ context.Context, _ TextRequest, onDelta func(string) error) (TextResult, error) {
	prev := 0
	for _, c := range append(m.cuts, len(m.text)) {
		if c <= prev || c > len(m.text) {
			continue
		}
		if err := onDelta(m.text[prev:c]); err != nil {
			return TextResult{}, err
		}
		prev = c
	}
	return TextResult{Text: m.text}, nil
}

func (m splitModel) Status(context.Context) DependencyHealth { return DependencyHealth{} }

// However a model's stream is cut, no taboo word is ever sent and nothing sent is taken
// back: the pieces joined are the final line, and the final line passes moderation.
func TestStreamedModerationNeverSendsATabooWord(t *testing.T) {
	t.Parallel()
	lines := []string{
		"Welcome to the forge, friend. Dragon scales sell well here. Anything else?",
		"Keep to the road. Beyond the ridge the dragon sleeps. Go with care.",
		"The dragon! Run. No, the DRAGON is asleep, friend. Stay.",
		"Far to the north the d r a g o n sleeps under the hill tonight.",
		"All quiet. All quiet? Yes. Dragon.",
	}
	rng := newRand(7)
	for _, line := range lines {
		for round := 0; round < 300; round++ {
			var cuts []int
			for i := 1; i < len(line); i++ {
				if rng.Intn(4) == 0 {
					cuts = append(cuts, i)
				}
			}
			s := &CharacterService{Text: splitModel{text: line, cuts: cuts}}
			var sent strings.Builder
			res, _, err := s.streamModerated(t.Context(), TextRequest{}, []string{"dragon"}, func(d string) error {
				sent.WriteString(d)
				if v := moderation.Check(sent.String(), []string{"dragon"}); v.Flagged {
					t.Fatalf("%q cut at %v sent a taboo word: %q", line, cuts, sent.String())
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if trimRightSpace(sent.String()) != res.Text {
				t.Fatalf("%q cut at %v: sent %q, final %q", line, cuts, sent.String(), res.Text)
			}
		}
	}
}
