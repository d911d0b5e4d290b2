package dialogue

import (
	"math"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func react(t *testing.T, e *Engine, c domain.CharacterSheet, speaker, line string, facts ...string) reactionJSON {
	t.Helper()
	var r reactionJSON
	decode(t, complete(t, e, domain.TaskReaction, &domain.Scene{Character: c, Speaker: speaker, Line: line, Facts: facts, Seed: 5}), &r)
	if r.Priority < 0 || r.Priority > 1 || math.Round(r.Priority*100)/100 != r.Priority {
		t.Errorf("%q: priority %v is not in 0..1 with two decimals", line, r.Priority)
	}
	if r.Reason == "" || r.Reason[len(r.Reason)-1] != '.' {
		t.Errorf("%q: reason %q is not a sentence", line, r.Reason)
	}
	return r
}

func TestReactionFollowsSignals(t *testing.T) {
	e := newEngine(t)
	merchant := sheet("merchant", "everyman", "calm")
	merchant.Name = "Maren Holt"
	healer := sheet("healer", "sage", "calm")
	tests := []struct {
		name  string
		c     domain.CharacterSheet
		line  string
		facts []string
		want  string
	}{
		{"named", merchant, "Maren, what's the weather like?", nil, "WANT"},
		{"full name", merchant, "I came to see maren holt.", nil, "WANT"},
		{"trade to a merchant", merchant, "Who sells rope around here?", nil, "WANT"},
		{"wounds to a healer", healer, "My arm is badly wounded.", nil, "WANT"},
		{"greeting", healer, "Good evening, everyone!", nil, "WANT"},
		{"insult", healer, "You're all useless.", nil, "WANT"},
		{"threat", healer, "Hand over your purse or else!", nil, "WANT"},
		{"remembered name", healer, "Has anyone seen Brom?", []string{"Brom the miller owes me a favor."}, "WANT"},
		{"remembered fact", healer, "The miller came back from the quarry today.", []string{"The miller went to the quarry."}, "WANT"},
		{"trade to a healer", healer, "Who sells rope around here?", nil, "PASS"},
		{"unrelated", healer, "The sky looks odd tonight.", nil, "PASS"},
		{"unrelated to a merchant", merchant, "The river is high this year.", nil, "PASS"},
	}
	for _, tt := range tests {
		if r := react(t, e, tt.c, "player", tt.line, tt.facts...); r.Decision != tt.want {
			t.Errorf("%s: %q → %+v, want %s", tt.name, tt.line, r, tt.want)
		}
	}
	if r := react(t, e, merchant, "Maren Holt", "Maren, buy my rope!"); r.Decision != "PASS" {
		t.Errorf("a character reacting to its own line: %+v, want PASS", r)
	}
}

func TestReactionPriority(t *testing.T) {
	e := newEngine(t)
	priority := func(archetype, mood, line string) float64 {
		c := sheet("farmer", archetype, mood)
		c.Name = "Tamsin Reed"
		return react(t, e, c, "player", line).Priority
	}
	named, greeting := "Tamsin, where is the harvest fair?", "Hello everyone."
	if a, b := priority("everyman", "calm", named), priority("everyman", "calm", greeting); a <= b {
		t.Errorf("being named (%v) should outrank a greeting to all (%v)", a, b)
	}
	if a, b := priority("jester", "calm", greeting), priority("sage", "calm", greeting); a <= b {
		t.Errorf("a jester (%v) should be more eager than a sage (%v)", a, b)
	}
	if a, b := priority("hero", "excited", greeting), priority("hero", "tired", greeting); a <= b {
		t.Errorf("an excited hero (%v) should be more eager than a tired one (%v)", a, b)
	}
	if a, b := priority("jester", "calm", "The river is high."), priority("skeptic", "calm", "The river is high."); a <= b || a > 0.45 {
		t.Errorf("passing: jester %v, skeptic %v; want jester higher and both low", a, b)
	}
}
