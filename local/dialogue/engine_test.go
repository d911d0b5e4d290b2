package dialogue

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestErrors(t *testing.T) {
	e := newEngine(t)
	for _, req := range []domain.TextRequest{
		{Task: domain.TaskDialogue},
		{Task: "poem", Scene: &domain.Scene{}},
	} {
		_, err := e.Complete(t.Context(), req)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInternal {
			t.Errorf("Complete(%+v) = %v, want a %s *domain.Error", req, err, domain.CodeInternal)
		}
		if _, err := e.Stream(t.Context(), req, func(string) error { return nil }); domain.ErrorCode(err) != domain.CodeInternal {
			t.Errorf("Stream(%+v) = %v, want %s", req, err, domain.CodeInternal)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := domain.TextRequest{Task: domain.TaskDialogue, Scene: &domain.Scene{Line: "hi"}}
	if _, err := e.Complete(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("Complete with a canceled context = %v", err)
	}
}

func TestStream(t *testing.T) {
	e := newEngine(t)
	for i, task := range []domain.TextTask{domain.TaskDialogue, domain.TaskCharacter, domain.TaskReaction, domain.TaskSummarize, domain.TaskValidate} {
		c := sheet(roles[i], archetypes[i], moods[i])
		req := domain.TextRequest{Task: task, Scene: &domain.Scene{Character: c, Speaker: "player", Line: "Hello! Any work?",
			Length: "long", Draft: "ok", Summary: "Aldric owes me 5 gold.", Seed: 3}}
		want, err := e.Complete(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		var deltas []string
		got, err := e.Stream(t.Context(), req, func(d string) error {
			deltas = append(deltas, d)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(deltas, "") != want.Text || got.Text != want.Text {
			t.Errorf("%s: deltas %q join to %q, result %q, want %q", task, deltas, strings.Join(deltas, ""), got.Text, want.Text)
		}
		if len(deltas) != len(strings.Fields(want.Text)) {
			t.Errorf("%s: %d deltas for %d words", task, len(deltas), len(strings.Fields(want.Text)))
		}
		if got.Engine != EngineName || got.Model != ModelName || got.Usage != want.Usage {
			t.Errorf("%s: result %+v, want engine, model and usage as Complete's %+v", task, got, want)
		}
	}
	stop := errors.New("client went away")
	n := 0
	_, err := e.Stream(t.Context(), domain.TextRequest{Task: domain.TaskDialogue, Scene: &domain.Scene{Line: "hello", Length: "long"}},
		func(string) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Stream with a failing onDelta = %v after %d deltas, want %v after 1", err, n, stop)
	}
}

func TestUsage(t *testing.T) {
	e := newEngine(t)
	sc := &domain.Scene{Character: sheet("merchant", "sage", "calm"), Line: "What do you sell?",
		History: []domain.Line{{Speaker: "player", Text: "one two three four five six"}}}
	res, err := e.Complete(t.Context(), domain.TextRequest{Task: domain.TaskDialogue, Scene: sc})
	if err != nil {
		t.Fatal(err)
	}
	if want := estimateTokens(countWords(res.Text)); res.Usage.CompletionTokens != want || want == 0 {
		t.Errorf("completion tokens = %d, want %d", res.Usage.CompletionTokens, want)
	}
	if words := sceneWords(sc); res.Usage.PromptTokens != estimateTokens(words) || words < 20 {
		t.Errorf("prompt tokens = %d for %d words", res.Usage.PromptTokens, words)
	}
	if estimateTokens(3) != 4 || estimateTokens(0) != 0 {
		t.Errorf("estimateTokens(3) = %d, estimateTokens(0) = %d", estimateTokens(3), estimateTokens(0))
	}
	if res.Latency <= 0 {
		t.Errorf("latency %v not measured", res.Latency)
	}
}

func TestStatus(t *testing.T) {
	h := newEngine(t).Status(t.Context())
	if h.Status != domain.StatusOK || h.Engine != "local" || h.Model != ModelName || ModelName != "rules-v2" {
		t.Errorf("Status = %+v", h)
	}
	// The engine is English only and says so, for /health and the server to show.
	if Language != "en" || !strings.Contains(h.Detail, "English only") {
		t.Errorf("Status detail %q does not say the engine is English only (Language %q)", h.Detail, Language)
	}
}

func FuzzDialogue(f *testing.F) {
	f.Add("Hello!", "player", "Aldric owes me 5 gold.", "dragon", uint8(0))
	f.Add("What do you know about {home}?", "#x#", "", "", uint8(1))
	f.Add("about about about", "", "The The The.", "a", uint8(2))
	f.Add("\xff\xfe", "Maren Holt", "Lady", "e", uint8(3))
	e := newEngine(f)
	f.Fuzz(func(t *testing.T, line, speaker, fact, taboo string, pick uint8) {
		c := sheet(roles[int(pick)%len(roles)], archetypes[int(pick)%len(archetypes)], moods[int(pick)%len(moods)])
		c.TabooWords = []string{taboo}
		sc := &domain.Scene{Character: c, Speaker: speaker, Line: line, Facts: []string{fact}, Length: []string{"short", "medium", "long"}[pick%3], Seed: int64(pick)}
		for _, task := range []domain.TextTask{domain.TaskDialogue, domain.TaskReaction} {
			res, err := e.Complete(t.Context(), domain.TextRequest{Task: task, Scene: sc})
			if err != nil {
				t.Fatalf("%s: %v", task, err)
			}
			if task == domain.TaskDialogue && strings.TrimSpace(taboo) != "" {
				if _, bad := newTaboos(c.TabooWords).find(res.Text); bad {
					t.Fatalf("said taboo %q: %q", taboo, res.Text)
				}
			}
		}
	})
}

func BenchmarkDialogue(b *testing.B) {
	e := newEngine(b)
	c := sheet("blacksmith", "mentor", "angry")
	c.TabooWords = []string{"dragon"}
	said := []string{"Mind the sparks, friend — what brings you to my anvil?", "Good steel isn't cheap and cheap steel isn't good, so what's your budget?"}
	req := domain.TextRequest{Task: domain.TaskDialogue, Scene: &domain.Scene{
		Character: c, Speaker: "Aldric", Line: "Good morning! Do you sell swords?", Length: "medium",
		Facts: []string{"Aldric owes me twenty gold.", "Brom the miller is missing."}, Said: said,
		History: make([]domain.Line, 6), Seed: 11,
	}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Complete(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
