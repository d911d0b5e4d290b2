package dialogue

import (
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/moderation"
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
			"Stay in character", "Never say any of your forbidden words", c.Archetype} {
			if !strings.Contains(p, want) {
				t.Errorf("%s: acting prompt lacks %q: %s", r, want, p)
			}
		}
		// The taboo words are not listed: the dialogue prompt names them when it speaks.
		if low := strings.ToLower(text); strings.Contains(low, "dragon") || strings.Contains(low, "king") {
			t.Errorf("%s: the draft names a taboo word: %s", r, text)
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
	given := c
	given.Personality = "Dreams of slaying a dragon."
	tests := []struct {
		name     string
		sheet    domain.CharacterSheet
		draft    string
		approved bool
		reason   string
	}{
		{"clean", c, `{"personality":"brave","acting_prompt":"You are a guard."}`, true, "vetted packs"},
		{"empty", c, "", false, "empty"},
		{"blank", c, "   \n", false, "empty"},
		{"empty acting prompt", c, `{"personality":"brave","acting_prompt":" "}`, false, "acting prompt is empty"},
		{"in the acting prompt", c, `{"personality":"brave","acting_prompt":"You fear the dragon."}`, false, `"dragon"`},
		{"in a generated personality", c, `{"personality":"hates every dragon","acting_prompt":"You are a guard."}`, false, `"dragon"`},
		{"in the sheet's own personality", given, `{"personality":"Dreams of slaying a dragon.","acting_prompt":"You are a guard."}`, true, "vetted packs"},
		{"disguised", c, "A DR4G0N of renown.", false, `"dragon"`},
		{"compound with a hyphen", c, "A dragon-slayer of renown.", false, `"dragon"`},
		// The filter matches whole words, as dialogue moderation does.
		{"inside a longer word", c, "A snapdragon grows by the gate.", true, "vetted packs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v validateJSON
			decode(t, complete(t, e, domain.TaskValidate, &domain.Scene{Character: tt.sheet, Draft: tt.draft}), &v)
			if v.Approved != tt.approved || !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("validate %q = %+v, want approved %v with %q", tt.draft, v, tt.approved, tt.reason)
			}
		})
	}
}

// TestCharacterAvoidsTabooWords: the engine phrases its own sentences around the taboo
// words and leaves out the sheet's sentences that use them, so its draft always passes
// validation, whatever the words.
func TestCharacterAvoidsTabooWords(t *testing.T) {
	e := newEngine(t)
	base := sheet("blacksmith", "mentor", "calm")
	base.RoleDescription = "Shapes metal into tools and weapons at a forge. Knows what every blade is worth."
	base.ArchetypeDescription = "Guides others with hard-won experience. Patient, but expects effort in return."
	base.WorldBrief = "Eldoria is a realm where dragons are remembered. The roads are watched and the harvest failed."
	base.Lore = "Lost her brother in the siege. Keeps the old forge running."
	cases := []struct {
		name  string
		taboo []string
		// strict: no word of the draft starts with a taboo word; otherwise only the
		// moderation filter's reading is promised (a list that rules out every phrasing).
		strict bool
	}{
		{"a common word", []string{"the"}, true},
		{"a word of the world brief", []string{"dragon"}, true},
		{"words of the descriptions and lore", []string{"forge", "blade", "siege"}, true},
		{"the archetype and mood", []string{"mentor", "calm"}, true},
		{"the home and world", []string{"Oakvale", "Eldoria"}, true},
		{"the rules' own words", []string{"stay", "character", "forbidden"}, true},
		{"more of the rules' own words", []string{"archetype", "role", "never", "forbidden", "first"}, true},
		{"in disguise", []string{"DRÁGON"}, true},
		{"every common word", []string{"you", "are", "a", "the", "never", "stay", "in", "and", "of"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.TabooWords = tc.taboo
			for seed := range int64(4) {
				text := complete(t, e, domain.TaskCharacter, &domain.Scene{Character: c, Seed: seed})
				var got characterJSON
				decode(t, text, &got)
				tb := newTaboos(tc.taboo)
				for _, field := range []string{got.ActingPrompt, got.Personality} {
					if m, bad := tb.match(field); bad {
						t.Errorf("seed %d: %q in %q", seed, m.Term, field)
					}
					if w, bad := tb.findWord(field); tc.strict && bad {
						t.Errorf("seed %d: a word starts with %q: %q", seed, w, field)
					}
				}
				if tc.strict && strings.ContainsRune(got.ActingPrompt, moderation.RedactRune) {
					t.Errorf("seed %d: redacted rather than rephrased: %q", seed, got.ActingPrompt)
				}
				if !strings.Contains(got.ActingPrompt, c.Name) || got.Personality == "" {
					t.Errorf("seed %d: not a usable draft: %+v", seed, got)
				}
				var v validateJSON
				decode(t, complete(t, e, domain.TaskValidate, &domain.Scene{Character: c, Draft: text}), &v)
				if !v.Approved {
					t.Errorf("seed %d: own draft rejected: %s", seed, v.Reason)
				}
			}
		})
	}
}
