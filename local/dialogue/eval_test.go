package dialogue_test

import (
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/dialogue/evalset"
)

// TestEvalSet plays the evaluation set and holds the engine to its floors: no reply
// with a grammar problem, the fit and deflection floors of the eval command.
func TestEvalSet(t *testing.T) {
	t.Parallel()
	set, err := evalset.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Cases) < 200 {
		t.Fatalf("the evaluation set has %d lines, want at least 200", len(set.Cases))
	}
	e, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evalset.Run(t.Context(), e, set)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if len(r.Grammar) > 0 {
			t.Errorf("%s to %q: %q has grammar problems %v", r.Character, r.Case.Line, r.Reply, r.Grammar)
		}
	}
	if got := rep.Total.FitRate(); got < evalset.MinFit {
		t.Errorf("fit %.1f %%, want at least %.0f %%", 100*got, 100*evalset.MinFit)
	}
	if got := rep.Total.DeflectionRate(); got > evalset.MaxDeflection {
		t.Errorf("deflections %.1f %%, want at most %.0f %%", 100*got, 100*evalset.MaxDeflection)
	}
}

// BenchmarkEvalLine measures the engine's time per line over the evaluation set, as the
// API calls it: one Complete per line, the scene built beforehand.
func BenchmarkEvalLine(b *testing.B) {
	set, err := evalset.Load()
	if err != nil {
		b.Fatal(err)
	}
	e, err := dialogue.New()
	if err != nil {
		b.Fatal(err)
	}
	chars := map[string]*evalset.Character{}
	for i := range set.Characters {
		chars[set.Characters[i].ID] = &set.Characters[i]
	}
	var reqs []domain.TextRequest
	for i, c := range set.Cases {
		reqs = append(reqs, domain.TextRequest{Task: domain.TaskDialogue, Scene: evalset.Scene(chars[c.Char], c, nil, int64(i))})
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Complete(b.Context(), reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
	}
}
