package server_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain/moderation"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/openaiclient"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
)

// generatedText is what a character returns that Troupe wrote (or was given) as prose.
func generatedText(c gen.Character) map[string]string {
	return map[string]string{"acting_prompt": c.ActingPrompt, "personality": c.Personality, "custom_lore": c.CustomLore}
}

// wantNoTaboo fails when one of the character's taboo words shows in its text: as the
// moderation filter reads it, and as a whole word ignoring case.
func wantNoTaboo(t *testing.T, c gen.Character) {
	t.Helper()
	for field, text := range generatedText(c) {
		for _, m := range moderation.Check(text, c.TabooWords).Matches {
			if m.Category == moderation.CategoryTaboo {
				t.Errorf("%s holds taboo word %q (%q): %s", field, m.Term, m.Text, text)
			}
		}
		for _, w := range c.TabooWords {
			if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(w) + `\b`).MatchString(text) {
				t.Errorf("%s says %q: %s", field, w, text)
			}
		}
	}
}

// dragonWorld creates a fantasy world whose brief mentions dragons.
func dragonWorld(t *testing.T, b *bundle) gen.World {
	t.Helper()
	for seed := range int64(60) {
		w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(seed), Genre: ptr(gen.GenreFantasy), Size: ptr(gen.WorldSizeSmall)})
		if strings.Contains(strings.ToLower(w.Brief), "dragon") {
			return w
		}
	}
	t.Fatal("no fantasy world of the first 60 seeds mentions dragons")
	return gen.World{}
}

func characterCount(t *testing.T, b *bundle) int {
	t.Helper()
	list, err := b.demo.ListCharactersWithResponse(t.Context(), nil)
	if err != nil || list.JSON200 == nil {
		t.Fatalf("list characters: %v", err)
	}
	return list.JSON200.Total
}

// TestTabooWordsNeverFailCreation: on the offline engine, a taboo word that the character
// can avoid never fails creation, whatever the seed, and never shows in what it returns.
func TestTabooWordsNeverFailCreation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dragons := dragonWorld(t, b)
	readme := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(7)), Size: ptr(gen.WorldSizeSmall)})
	cases := []struct {
		name       string
		role, arch string
		world      *string
		taboo      []string
	}{
		{"a common word", "blacksmith", "mentor", nil, []string{"the"}},
		{"a common word in a world", "innkeeper", "caregiver", &dragons.Id, []string{"the"}},
		{"a word the world brief uses", "blacksmith", "mentor", &dragons.Id, []string{"dragon"}},
		{"the README example", "blacksmith", "mentor", &readme.Id, []string{"dragon"}},
		{"words of the role description", "blacksmith", "hero", nil, []string{"forge", "blade"}},
		{"the archetype", "guard", "mentor", &dragons.Id, []string{"mentor"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for seed := range int64(5) {
				c := createCharacter(t, b.demo, gen.CreateCharacterRequest{
					Role: tc.role, Archetype: tc.arch, WorldId: tc.world, TabooWords: &tc.taboo, Seed: ptr(seed),
				})
				wantNoTaboo(t, c)
				if c.ActingPrompt == "" || c.Personality == "" || !strings.Contains(c.ActingPrompt, c.Name) {
					t.Errorf("seed %d: not a playable character: %+v", seed, c)
				}
				got, err := b.demo.GetCharacterWithResponse(t.Context(), c.Id)
				if err != nil || got.JSON200 == nil || got.JSON200.ActingPrompt != c.ActingPrompt || got.JSON200.Personality != c.Personality {
					t.Fatalf("seed %d: stored character differs: %v", seed, err)
				}
			}
		})
	}
	// The README's walkthrough on other worlds too.
	for seed := range int64(6) {
		w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(seed), Size: ptr(gen.WorldSizeSmall)})
		wantNoTaboo(t, createCharacter(t, b.demo, gen.CreateCharacterRequest{
			Role: "blacksmith", Archetype: "mentor", WorldId: &w.Id, TabooWords: &gen.TabooWords{"dragon"},
		}))
	}
}

// TestTabooConflicts: a taboo word that is the character's name or role, or part of it,
// is refused with 422 TABOO_CONFLICT before anything is generated or stored, on create and
// on update.
func TestTabooConflicts(t *testing.T) {
	t.Parallel()
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, db)
			creates := []struct {
				name, body  string
				word, field string
			}{
				{"the role", `{"role":"blacksmith","archetype":"mentor","taboo_words":["blacksmith"]}`, "blacksmith", "role"},
				{"part of the role", `{"role":"blacksmith","archetype":"mentor","taboo_words":["anvil","smith"]}`, "smith", "role"},
				{"part of the name", `{"role":"guard","archetype":"hero","name":"Dragonheart","taboo_words":["dragon"]}`, "dragon", "name"},
				{"the name disguised", `{"role":"guard","archetype":"hero","name":"Dragonheart","taboo_words":["DR4GON"]}`, "DR4GON", "name"},
				{"a word of the name", `{"role":"guard","archetype":"hero","name":"Old Bram","taboo_words":["bram"]}`, "bram", "name"},
			}
			for _, tc := range creates {
				t.Run(tc.name, func(t *testing.T) {
					res, body := do(t, "POST", b.url+"/v1/characters", strings.NewReader(tc.body), nil)
					e := expectError(t, res, body, 422, "TABOO_CONFLICT")
					if d := e.Details.AdditionalProperties; d["word"] != tc.word || d["field"] != tc.field {
						t.Fatalf("details = %v, want word %q field %q", d, tc.word, tc.field)
					}
				})
			}
			if n := characterCount(t, b); n != 0 {
				t.Fatalf("refused creations stored %d characters", n)
			}

			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{
				Role: "blacksmith", Archetype: "mentor", Name: ptr("Maren"), TabooWords: &gen.TabooWords{"dragon"},
			})
			patches := []struct {
				name, body  string
				word, field string
			}{
				{"a name holding a taboo word", `{"name":"Dragonheart"}`, "dragon", "name"},
				{"the role as a taboo word", `{"taboo_words":["blacksmith"]}`, "blacksmith", "role"},
				{"the name as a taboo word", `{"taboo_words":["dragon","Maren"]}`, "Maren", "name"},
				{"both at once", `{"name":"Wolfsbane","taboo_words":["wolf"]}`, "wolf", "name"},
			}
			for _, tc := range patches {
				t.Run("patch "+tc.name, func(t *testing.T) {
					res, body := do(t, "PATCH", b.url+"/v1/characters/"+c.Id, strings.NewReader(tc.body), nil)
					e := expectError(t, res, body, 422, "TABOO_CONFLICT")
					if d := e.Details.AdditionalProperties; d["word"] != tc.word || d["field"] != tc.field {
						t.Fatalf("details = %v, want word %q field %q", d, tc.word, tc.field)
					}
				})
			}
			got, _ := b.demo.GetCharacterWithResponse(t.Context(), c.Id)
			if g := got.JSON200; g == nil || g.Name != "Maren" || fmt.Sprint(g.TabooWords) != "[dragon]" || !g.UpdatedAt.Equal(c.UpdatedAt) {
				t.Fatalf("refused patches changed the character: %s", got.Body)
			}

			// A word the character can avoid is taken, and the stored acting prompt, which is
			// Troupe's own text, no longer holds it; the personality and lore stay as stored.
			up, err := b.demo.UpdateCharacterWithResponse(t.Context(), c.Id, nil, gen.UpdateCharacterRequest{TabooWords: &gen.TabooWords{"dragon", "the", "stay"}})
			if err != nil || up.JSON200 == nil {
				t.Fatalf("patch: %v %s", err, up.Body)
			}
			after := *up.JSON200
			if after.Personality != c.Personality || after.CustomLore != c.CustomLore {
				t.Fatalf("the patch rewrote the personality or lore: %+v", after)
			}
			after.Personality, after.CustomLore = "", ""
			wantNoTaboo(t, after)
		})
	}
}

// tabooLLM answers fal's router like a model that keeps using the forbidden word it was
// told to avoid, judged by a validator that rejects any draft holding it.
func tabooLLM(word string, approve bool) faltest.HandlerFunc {
	return func(input json.RawMessage) (any, *faltest.Failure) {
		in, fail := faltest.ParseRouterInput(input)
		if fail != nil {
			return nil, fail
		}
		var text string
		switch sys := in.SystemPrompt; {
		case strings.Contains(sys, `"approved"`):
			draft := in.Prompt[strings.Index(in.Prompt, "<draft>"):]
			ok := approve && !strings.Contains(strings.ToLower(draft), word)
			text = fmt.Sprintf(`{"approved": %v, "reason": "The draft is not acceptable."}`, ok)
		case strings.Contains(sys, `"acting_prompt"`):
			text = fmt.Sprintf(`{"personality": "Gruff; hates every %[1]s.", "acting_prompt": "You are the smith. The %[1]s burned your forge, and %[1]ss still haunt you. Stay in character and never say the forbidden words."}`, word)
		default:
			text = "Steel is dear this winter."
		}
		return faltest.RouterAnswer(in, text), nil
	}
}

// TestTabooWordsOnFal: a model draft that holds a taboo word is repaired (written again,
// then redacted), never refused with 502.
func TestTabooWordsOnFal(t *testing.T) {
	t.Parallel()
	b, fake := falSetup(t)
	fake.Handle(faltest.RouterEndpoint, tabooLLM("dragon", true))
	w := dragonWorld(t, b)
	for seed := range int64(3) {
		c := createCharacter(t, b.demo, gen.CreateCharacterRequest{
			Role: "blacksmith", Archetype: "mentor", WorldId: &w.Id, TabooWords: &gen.TabooWords{"dragon"}, Seed: ptr(seed),
		})
		wantNoTaboo(t, c)
		if c.Engine != "fal" || !strings.Contains(c.ActingPrompt, "Stay in character") {
			t.Fatalf("character = %+v", c)
		}
		if strings.Contains(strings.ToLower(c.ActingPrompt+c.Personality), "dragon") {
			t.Fatalf("an inflected taboo word survived: %q / %q", c.ActingPrompt, c.Personality)
		}
	}

	// A validator that rejects everything is fal failing: FAL_SERVICE_ERROR.
	fake.Handle(faltest.RouterEndpoint, tabooLLM("dragon", false))
	before := characterCount(t, b)
	res, body := do(t, "POST", b.url+"/v1/characters", strings.NewReader(`{"role":"guard","archetype":"hero","taboo_words":["dragon"]}`), nil)
	e := expectError(t, res, body, 502, "FAL_SERVICE_ERROR")
	if e.Details.AdditionalProperties["engine"] != "fal" || characterCount(t, b) != before {
		t.Fatalf("details %v; stored after a failure", e.Details.AdditionalProperties)
	}
}

// TestProviderErrorsNameTheEngine: an OpenAI-compatible server's failures are
// PROVIDER_ERROR with details.engine, never FAL_SERVICE_ERROR.
func TestProviderErrorsNameTheEngine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		reply  func(system string) string
		fail   func(*openaitest.Server)
		status int
	}{
		{"the validator rejects twice", func(sys string) string {
			if strings.Contains(sys, `"approved"`) {
				return `{"approved": false, "reason": "Off tone."}`
			}
			return `{"personality": "Kind.", "acting_prompt": "You are a healer. Stay in character."}`
		}, nil, 0},
		{"no JSON in the answer", func(string) string { return "I would rather not." }, nil, 0},
		{"the server fails", nil, func(s *openaitest.Server) { s.FailNext(10, 500, "") }, 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := openaitest.New(t)
			if tc.reply != nil {
				fake.Reply(func(req openaitest.ChatRequest) string {
					sys := ""
					for _, m := range req.Messages {
						if m.Role == "system" {
							sys += m.Content
						}
					}
					return tc.reply(sys)
				})
			}
			if tc.fail != nil {
				tc.fail(fake)
			}
			engine := openaiclient.New(openaiclient.Config{BaseURL: fake.URL(), Model: "llama3", RetryBase: time.Millisecond, RetryMax: time.Millisecond})
			b := setup(t, func(o *setupOptions) { o.text = engine })
			res, body := do(t, "POST", b.url+"/v1/characters", strings.NewReader(`{"role":"healer","archetype":"caregiver"}`), nil)
			e := expectError(t, res, body, 502, "PROVIDER_ERROR")
			d := e.Details.AdditionalProperties
			if d["engine"] != "openai" {
				t.Fatalf("details.engine = %v", d["engine"])
			}
			if tc.status != 0 && d["upstream_status"] != float64(tc.status) {
				t.Fatalf("details.upstream_status = %v", d["upstream_status"])
			}
			if characterCount(t, b) != 0 {
				t.Fatal("a failed creation stored a character")
			}
		})
	}
}

// TestCharacterVoiceMustBeKnown: a voice id no engine knows is refused when the character
// is created or updated, not when it first speaks.
func TestCharacterVoiceMustBeKnown(t *testing.T) {
	t.Parallel()
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, db)
			for _, body := range []string{
				`{"role":"guard","archetype":"hero","voice_id":"no-such-voice"}`,
				`{"role":"guard","archetype":"hero","voice_id":"local-en-us-m3 "}`,
			} {
				res, raw := do(t, "POST", b.url+"/v1/characters", strings.NewReader(body), nil)
				e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
				if f := fieldNames(e); len(f) != 1 || f[0] != "voice_id" {
					t.Fatalf("fields %v, want voice_id", f)
				}
			}
			if n := characterCount(t, b); n != 0 {
				t.Fatalf("refused creations stored %d characters", n)
			}
			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero", VoiceId: ptr("local-en-us-m3")})
			if c.VoiceId != "local-en-us-m3" {
				t.Fatalf("voice = %q", c.VoiceId)
			}
			for _, body := range []string{`{"voice_id":"no-such-voice"}`, `{"voice_id":""}`, `{"voice_id":"nope","mood":"angry"}`} {
				res, raw := do(t, "PATCH", b.url+"/v1/characters/"+c.Id, strings.NewReader(body), nil)
				e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
				if f := fieldNames(e); len(f) != 1 || f[0] != "voice_id" {
					t.Fatalf("fields %v, want voice_id", f)
				}
			}
			up, err := b.demo.UpdateCharacterWithResponse(t.Context(), c.Id, nil, gen.UpdateCharacterRequest{VoiceId: ptr("local-en-gb-f2")})
			if err != nil || up.JSON200 == nil || up.JSON200.VoiceId != "local-en-gb-f2" || up.JSON200.Mood != "calm" {
				t.Fatalf("patch a known voice: %v %s", err, up.Body)
			}
		})
	}
}
