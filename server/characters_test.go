package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

func createCharacter(t *testing.T, c *gen.ClientWithResponses, body gen.CreateCharacterRequest) gen.Character {
	t.Helper()
	res, err := c.CreateCharacterWithResponse(t.Context(), nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON201 == nil {
		t.Fatalf("create character: %d %s", res.StatusCode(), res.Body)
	}
	return *res.JSON201
}

func speak(t *testing.T, c *gen.ClientWithResponses, id string, body gen.SpeakRequest) gen.SpeakResponse {
	t.Helper()
	res, err := c.SpeakCharacterWithResponse(t.Context(), id, nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("speak: %d %s", res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

func said(speaker, text string) gen.Message { return gen.Message{Speaker: speaker, Text: text} }

func TestCreateCharacter(t *testing.T) {
	b := setup(t)
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(3)), Size: ptr(gen.WorldSizeSmall)})
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{
		Role: "blacksmith", Archetype: "mentor", WorldId: &w.Id, SkillTier: ptr(gen.SkillTierExpert),
		CustomLore: ptr("Lost her brother in the siege."), TabooWords: &gen.TabooWords{"dragon"},
		Metadata: &gen.Metadata{"npc_slot": float64(12)}, Seed: ptr(int64(11)),
	})
	if !strings.HasPrefix(c.Id, "chr_") || c.Name == "" || c.Role != "blacksmith" || c.Archetype != "mentor" ||
		c.SkillTier != gen.SkillTierExpert || c.WorldId == nil || *c.WorldId != w.Id || c.Seed != 11 {
		t.Fatalf("character = %+v", c)
	}
	if c.ActingPrompt == "" || !strings.Contains(c.ActingPrompt, c.Name) || c.Personality == "" || c.VoiceId == "" {
		t.Fatalf("character not generated: acting prompt %q, personality %q, voice %q", c.ActingPrompt, c.Personality, c.VoiceId)
	}
	if c.Engine != "local" || c.Mood != "calm" || c.Metadata["npc_slot"] != float64(12) || !slices.Equal(c.TabooWords, []string{"dragon"}) {
		t.Fatalf("engine %q, mood %q, metadata %v, taboo %v", c.Engine, c.Mood, c.Metadata, c.TabooWords)
	}
	got, _ := b.demo.GetCharacterWithResponse(t.Context(), c.Id)
	if got.JSON200 == nil || got.JSON200.ActingPrompt != c.ActingPrompt || !got.JSON200.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("read back: %d", got.StatusCode())
	}
}

func TestCreateCharacterRefusesBadInput(t *testing.T) {
	b := setup(t)
	cases := []struct {
		name, body string
		status     int
		code       string
		fields     []string
	}{
		{"unknown role", `{"role":"astronaut","archetype":"mentor"}`, 422, "INVALID_ROLE", nil},
		{"unknown archetype", `{"role":"guard","archetype":"wizard"}`, 422, "INVALID_ARCHETYPE", nil},
		{"unknown world", `{"role":"guard","archetype":"mentor","world_id":"wld_nope"}`, 404, "WORLD_NOT_FOUND", nil},
		{"missing role and archetype", `{}`, 422, "VALIDATION_ERROR", []string{"archetype", "role"}},
		{"bad tier, seed and taboo list", `{"role":"guard","archetype":"mentor","skill_tier":"god","seed":-3,"taboo_words":[""]}`, 422, "VALIDATION_ERROR", []string{"seed", "skill_tier", "taboo_words.0"}},
		{"read-only field", `{"role":"guard","archetype":"mentor","tenant_id":"tenant_test"}`, 422, "VALIDATION_ERROR", []string{"tenant_id"}},
		{"metadata over 16 KiB", `{"role":"guard","archetype":"mentor","metadata":{"x":"` + strings.Repeat("a", 17000) + `"}}`, 422, "VALIDATION_ERROR", []string{"metadata"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := do(t, "POST", b.url+"/v1/characters", strings.NewReader(c.body), map[string]string{})
			e := expectError(t, res, body, c.status, c.code)
			if c.fields != nil && strings.Join(sorted(fieldNames(e)), ",") != strings.Join(c.fields, ",") {
				t.Fatalf("fields %v, want %v", fieldNames(e), c.fields)
			}
			if c.code == "INVALID_ROLE" || c.code == "INVALID_ARCHETYPE" {
				allowed, _ := e.Details.AdditionalProperties["allowed"].([]any)
				if len(allowed) < 12 {
					t.Fatalf("details.allowed = %v, want the allowed values", e.Details.AdditionalProperties["allowed"])
				}
			}
		})
	}
	list, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
	if list.JSON200 == nil || list.JSON200.Total != 0 {
		t.Fatalf("rejected requests stored characters: %s", list.Body)
	}
}

func TestUpdateAndDeleteCharacter(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver"})

	up, err := b.demo.UpdateCharacterWithResponse(ctx, c.Id, nil, gen.UpdateCharacterRequest{
		Mood: ptr("angry"), CustomLore: ptr("Knows the player stole a ham."), TabooWords: &gen.TabooWords{"ham"},
	})
	if err != nil || up.JSON200 == nil {
		t.Fatalf("patch: %v %d %s", err, up.StatusCode(), up.Body)
	}
	if up.JSON200.Mood != "angry" || up.JSON200.CustomLore != "Knows the player stole a ham." || up.JSON200.Name != c.Name ||
		!up.JSON200.UpdatedAt.After(c.UpdatedAt) && !up.JSON200.UpdatedAt.Equal(c.UpdatedAt) {
		t.Fatalf("patched = %+v", *up.JSON200)
	}

	for _, body := range []string{`{"id":"chr_x"}`, `{"created_at":"2020-01-01T00:00:00Z"}`, `{"tenant_id":"t"}`, `{}`, `{"role":"guard"}`} {
		res, raw := do(t, "PATCH", b.url+"/v1/characters/"+c.Id, strings.NewReader(body), nil)
		expectError(t, res, raw, 422, "VALIDATION_ERROR")
	}
	after, _ := b.demo.GetCharacterWithResponse(ctx, c.Id)
	if after.JSON200.Id != c.Id || after.JSON200.Role != "innkeeper" || after.JSON200.Mood != "angry" {
		t.Fatalf("refused patches changed the character: %+v", *after.JSON200)
	}

	speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("player", "Hello there!")}})
	del, _ := b.demo.DeleteCharacterWithResponse(ctx, c.Id)
	if del.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete: %d", del.StatusCode())
	}
	mem, _ := b.demo.GetCharacterMemoryWithResponse(ctx, c.Id, nil)
	expectError(t, mem.HTTPResponse, mem.Body, 404, "CHAR_NOT_FOUND")
	if _, total, err := b.db.ListMemory(ctx, "tenant_demo", c.Id, domainPage()); err != nil || total != 0 {
		t.Fatalf("memory survived its character: %d entries, %v", total, err)
	}
}
