package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

// TestTextTheStoreCannotHoldIsRefused sends strings holding NUL or an unpaired surrogate
// in every kind of body field, on every database: each is a 422 naming the field (with
// any the validator finds), the same on SQLite and PostgreSQL (which answered 500 to NUL),
// and nothing changes.
func TestTextTheStoreCannotHoldIsRefused(t *testing.T) {
	t.Parallel()
	const char = "{character}" // replaced by the id of a character the test made
	cases := []struct {
		name, method, path, body string
		fields                   []string
	}{
		{"character custom_lore", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","custom_lore":"a\u0000b"}`, []string{"custom_lore"}},
		{"character personality", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","personality":"\u0000"}`, []string{"personality"}},
		{"character voice_id", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","voice_id":"local\u0000"}`, []string{"voice_id"}},
		{"character name", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","name":"Mei\u0000"}`, []string{"name"}},
		{"character role", "POST", "/v1/characters", `{"role":"guard\u0000","archetype":"mentor"}`, []string{"role"}},
		{"character world_id", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","world_id":"wld_\u0000"}`, []string{"world_id"}},
		{"a taboo word", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","taboo_words":["dragon","or\u0000c"]}`, []string{"taboo_words.1"}},
		{"a metadata string", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","metadata":{"note":"\u0000"}}`, []string{"metadata.note"}},
		{"a nested metadata string", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","metadata":{"a":[{"b":"\u0000"}]}}`, []string{"metadata.a.0.b"}},
		{"a metadata key", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","metadata":{"k\u0000":1}}`, []string{"metadata.k\x00"}},
		{"a lone surrogate", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","custom_lore":"\udc00"}`, []string{"custom_lore"}},
		{"every bad field is named", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","custom_lore":"\u0000","personality":"\ud800x"}`, []string{"custom_lore", "personality"}},
		{"with the validator's own field errors", "POST", "/v1/characters", `{"role":"guard","archetype":"mentor","custom_lore":"\u0000","skill_tier":"god","seed":-1}`, []string{"custom_lore", "seed", "skill_tier"}},
		{"batch roles", "POST", "/v1/characters/batch", `{"count":2,"roles":["guard\u0000"]}`, []string{"roles.0"}},

		{"update custom_lore", "PATCH", "/v1/characters/" + char, `{"custom_lore":"\u0000"}`, []string{"custom_lore"}},
		{"update personality", "PATCH", "/v1/characters/" + char, `{"personality":"x\u0000"}`, []string{"personality"}},
		{"update voice_id", "PATCH", "/v1/characters/" + char, `{"voice_id":"\u0000"}`, []string{"voice_id"}},
		{"update mood", "PATCH", "/v1/characters/" + char, `{"mood":"\u0000"}`, []string{"mood"}},
		{"update name", "PATCH", "/v1/characters/" + char, `{"name":"\u0000"}`, []string{"name"}},
		{"update taboo words", "PATCH", "/v1/characters/" + char, `{"taboo_words":["\u0000"]}`, []string{"taboo_words.0"}},
		{"update metadata", "PATCH", "/v1/characters/" + char, `{"metadata":{"note":"\u0000"}}`, []string{"metadata.note"}},

		{"world name", "POST", "/v1/worlds", `{"name":"Elithis\u0000"}`, []string{"name"}},
		{"speak text", "POST", "/v1/characters/" + char + "/speak", `{"context_messages":[{"speaker":"Arin","text":"hi\u0000"}]}`, []string{"context_messages.0.text"}},
		{"speak speaker", "POST", "/v1/characters/" + char + "/speak", `{"context_messages":[{"speaker":"\u0000","text":"hi"}]}`, []string{"context_messages.0.speaker"}},
		{"speak game context", "POST", "/v1/characters/" + char + "/speak", `{"context_messages":[{"speaker":"Arin","text":"hi"}],"game_context":"\u0000"}`, []string{"game_context"}},
		{"streamed speak", "POST", "/v1/characters/" + char + "/speak", `{"context_messages":[{"speaker":"Arin","text":"hi\u0000"}],"stream":true}`, []string{"context_messages.0.text"}},
		{"react message", "POST", "/v1/characters/" + char + "/react", `{"last_message":{"speaker":"Arin","text":"\u0000"}}`, []string{"last_message.text"}},
		{"react context", "POST", "/v1/characters/" + char + "/react", `{"last_message":{"speaker":"Arin","text":"hi"},"context":"\u0000"}`, []string{"context"}},
		{"moderation text", "POST", "/v1/moderations", `{"text":"\u0000"}`, []string{"text"}},
		{"speech text", "POST", "/v1/voice/tts", `{"text":"open the gate\u0000"}`, []string{"text"}},
		{"transcription prompt", "POST", "/v1/voice/stt", `{"audio_url":"https://example.com/a.wav","prompt":"\u0000"}`, []string{"prompt"}},
		{"avatar description", "POST", "/v1/images/avatar", `{"description":"a dwarf\u0000"}`, []string{"description"}},
		{"background prompt", "POST", "/v1/images/background", `{"prompt":"a pass\u0000"}`, []string{"prompt"}},
	}
	for name, opt := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, opt, func(o *setupOptions) { o.noWorkers = true })
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor"})
			before, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)

			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					res, raw := do(t, c.method, b.url+strings.ReplaceAll(c.path, char, ch.Id), strings.NewReader(c.body), nil)
					e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
					if got := sorted(fieldNames(e)); strings.Join(got, ",") != strings.Join(c.fields, ",") {
						t.Fatalf("fields %q, want %q; body %s", got, c.fields, raw)
					}
				})
			}

			t.Run("a bad key is still a 401", func(t *testing.T) {
				res, raw := do(t, "POST", b.url+"/v1/characters", strings.NewReader(`{"role":"guard","archetype":"mentor","custom_lore":"\u0000"}`),
					map[string]string{"Authorization": "Bearer nope"})
				expectError(t, res, raw, 401, "INVALID_API_KEY")
			})

			t.Run("nothing changed", func(t *testing.T) {
				chars, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
				if chars.JSON200 == nil || chars.JSON200.Total != 1 {
					t.Fatalf("characters after refused requests: %s", chars.Body)
				}
				after, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)
				if !bytes.Equal(before.Body, after.Body) {
					t.Fatalf("a refused PATCH changed the character:\n%s\n%s", before.Body, after.Body)
				}
				mem, _ := b.demo.GetCharacterMemoryWithResponse(t.Context(), ch.Id, nil)
				if mem.JSON200 == nil || mem.JSON200.Total != 0 {
					t.Fatalf("a refused speak or react left memories: %s", mem.Body)
				}
				worlds, _ := b.demo.ListWorldsWithResponse(t.Context(), nil)
				if worlds.JSON200 == nil || worlds.JSON200.Total != 0 {
					t.Fatalf("worlds after refused requests: %s", worlds.Body)
				}
				jobs, _ := b.demo.ListJobsWithResponse(t.Context(), nil)
				if jobs.JSON200 == nil || jobs.JSON200.Total != 0 {
					t.Fatalf("jobs after refused requests: %s", jobs.Body)
				}
			})
		})
	}
}
