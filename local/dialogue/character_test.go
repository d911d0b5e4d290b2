package dialogue

import (
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestCharacter(t *testing.T) {
	e := newEngine(t)
	for i, r := range append(slices.Clone(roles), "lighthouse keeper") {
		c := sheet(r, archetypes[i%len(archetypes)], moods[i%len(moods)])
		c.Lore = "Lost her brother in the siege of the northern pass."
		c.TabooWords = []string{"dragon", "king"}
		sc := &domain.Scene{Character: c, Seed: int64(i)}
		text := complete(t, e, domain.TaskCharacter, sc)
		var got characterJSON
		decode(t, text, &got)
		traits := strings.Count(got.Personality, ",") + strings.Count(got.Personality, " and ") + 1
		if traits < 2 || traits > 3 {
			t.Errorf("%s: personality %q is not 2–3 traits", r, got.Personality)
		}
		p := got.ActingPrompt
		for _, want := range []string{"You are " + c.Name, r, "Oakvale", "Eldoria", "siege of the northern pass",
			"Stay in character", "Never say these words: dragon, king", c.Archetype} {
			if !strings.Contains(p, want) {
				t.Errorf("%s: acting prompt lacks %q: %s", r, want, p)
			}
		}
		if again := complete(t, e, domain.TaskCharacter, sc); again != text {
			t.Errorf("%s: character answers differ", r)
		}
		// The engine's own drafts pass its own validation.
		var v validateJSON
		decode(t, complete(t, e, domain.TaskValidate, &domain.Scene{Character: c, Draft: text}), &v)
		if !v.Approved {
			t.Errorf("%s: own draft rejected: %s", r, v.Reason)
		}
	}
}

// TestCharacterWithStudioDescriptions uses descriptions like the defaults', which the
// prompt quotes verbatim: a taboo word hidden inside one of their words ("king" in
// "speaking") must not get the engine's own draft rejected.
func TestCharacterWithStudioDescriptions(t *testing.T) {
	e := newEngine(t)
	c := sheet("scholar", "sage", "calm")
	c.RoleDescription = "Collects and studies knowledge, from old books and archives to data cores and ruins."
	c.ArchetypeDescription = "Values truth and understanding above comfort. Thinks before speaking and weighs every claim."
	c.TabooWords = []string{"king"}
	draft := complete(t, e, domain.TaskCharacter, &domain.Scene{Character: c, Seed: 1})
	if !strings.Contains(draft, c.ArchetypeDescription) || !strings.Contains(draft, "Collects and studies knowledge") {
		t.Errorf("the sheet's descriptions are not quoted: %s", draft)
	}
	var v validateJSON
	decode(t, complete(t, e, domain.TaskValidate, &domain.Scene{Character: c, Draft: draft}), &v)
	if !v.Approved {
		t.Errorf("own draft rejected: %s", v.Reason)
	}
}

func TestCharacterKeepsGivenPersonality(t *testing.T) {
	e := newEngine(t)
	c := sheet("bard", "jester", "excited")
	c.Personality = "vain, generous and easily bored"
	var got characterJSON
	decode(t, complete(t, e, domain.TaskCharacter, &domain.Scene{Character: c}), &got)
	if got.Personality != c.Personality || !strings.Contains(got.ActingPrompt, "Vain, generous and easily bored.") {
		t.Errorf("given personality not kept: %+v", got)
	}
	// An empty sheet still gives a usable prompt.
	decode(t, complete(t, e, domain.TaskCharacter, &domain.Scene{}), &got)
	if !strings.HasPrefix(got.ActingPrompt, "You are a skilled local.") || !strings.Contains(got.ActingPrompt, "Stay in character") {
		t.Errorf("empty sheet: %+v", got)
	}
}

func TestValidate(t *testing.T) {
	e := newEngine(t)
	c := sheet("guard", "hero", "calm")
	c.TabooWords = []string{"Dragon"}
	tests := []struct {
		draft    string
		approved bool
		reason   string
	}{
		{`{"personality":"brave","acting_prompt":"You are a guard."}`, true, "vetted packs"},
		{"", false, "empty"},
		{"   \n", false, "empty"},
		{"A DRAGONSLAYER of renown.", false, `"dragon"`},
		{"You are a guard. " + tabooStart + "dragon" + tabooEnd + " Stay in character.", true, "vetted packs"},
		{"Never say these words: dragon but then a dragon appears.", false, `"dragon"`},
		{"Dragons circle the gate.", false, `"dragon"`},
		{"A snapdragon grows by the gate.", true, "vetted packs"},
	}
	for _, tt := range tests {
		var v validateJSON
		decode(t, complete(t, e, domain.TaskValidate, &domain.Scene{Character: c, Draft: tt.draft}), &v)
		if v.Approved != tt.approved || !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("validate %q = %+v, want approved %v with %q", tt.draft, v, tt.approved, tt.reason)
		}
	}
}
