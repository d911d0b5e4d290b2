package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

func domainPage() domain.Page { return domain.Page{Limit: 50} }

// TestOfflineTown is the walkthrough with no key: a world, ten characters in it,
// twenty turns with three of them, and their memories.
func TestOfflineTown(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(99)), Genre: ptr(gen.GenreFantasy)})
	batch, err := b.demo.CreateCharacterBatchWithResponse(ctx, gen.CreateCharacterBatchRequest{Count: 10, WorldId: &w.Id, Seed: ptr(int64(5))})
	if err != nil || batch.JSON201 == nil {
		t.Fatalf("batch: %v %d %s", err, batch.StatusCode(), batch.Body)
	}
	chars := batch.JSON201.Items
	names, roles := map[string]bool{}, map[string]bool{}
	for _, c := range chars {
		names[c.Name], roles[c.Role] = true, true
		if c.WorldId == nil || *c.WorldId != w.Id || c.ActingPrompt == "" {
			t.Fatalf("batch character not in the world or not generated: %+v", c)
		}
	}
	if len(chars) != 10 || len(names) != 10 || len(roles) < 8 {
		t.Fatalf("batch: %d characters, %d distinct names, %d roles; want 10, 10, a spread", len(chars), len(names), len(roles))
	}

	player := []string{
		"Hello there!", "What do you sell?", "Any work for a traveller?", "Tell me about " + w.Regions[0].Name + ".",
		"My name is Arin.", "Thanks for your help.", "You are a fool.", "What news from the road?",
		"I promise I will bring the gold tomorrow.", "Farewell, friend.",
	}
	allLines := map[string]int{}
	for _, c := range chars[:3] {
		var history []gen.Message
		for turn := range 20 {
			history = append(history, said("Arin", player[turn%len(player)]))
			if len(history) > 20 {
				history = history[len(history)-20:]
			}
			res := speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: history})
			if strings.TrimSpace(res.Text) == "" || res.Engine != "local" || res.CharacterId != c.Id {
				t.Fatalf("turn %d of %s: %+v", turn, c.Name, res)
			}
			if res.Usage.TotalTokens != res.Usage.PromptTokens+res.Usage.CompletionTokens || res.Usage.PromptTokens == 0 {
				t.Fatalf("usage %+v", res.Usage)
			}
			allLines[res.Text]++
			history = append(history, said(c.Name, res.Text))
		}
		mem, err := b.demo.GetCharacterMemoryWithResponse(ctx, c.Id, &gen.GetCharacterMemoryParams{Limit: ptr(100)})
		if err != nil || mem.JSON200 == nil {
			t.Fatalf("memory: %v", err)
		}
		kinds := map[gen.MemoryEntryKind]int{}
		for _, e := range mem.JSON200.Items {
			kinds[e.Kind]++
		}
		if kinds[gen.MemoryEntryKindHeard] == 0 || kinds[gen.MemoryEntryKindSaid] == 0 || kinds[gen.MemoryEntryKindFact] == 0 || kinds[gen.MemoryEntryKindSummary] == 0 {
			t.Fatalf("%s remembers %v after 20 turns; want heard, said, facts and a summary", c.Name, kinds)
		}
		if mem.JSON200.Summary == "" || !strings.Contains(mem.JSON200.Summary+strings.Join(texts(mem.JSON200.Items), " "), "Arin") {
			t.Fatalf("%s's memory forgot the player's name: %q", c.Name, mem.JSON200.Summary)
		}
	}
	if len(allLines) < 45 {
		t.Fatalf("60 turns gave only %d distinct lines", len(allLines))
	}
}

func texts(entries []gen.MemoryEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Text
	}
	return out
}

func TestSameRequestGivesTheSameLine(t *testing.T) {
	b := setup(t)
	req := gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster", Seed: ptr(int64(77)), Name: ptr("Vell")}
	first, second := createCharacter(t, b.demo, req), createCharacter(t, b.other, req)
	if first.ActingPrompt != second.ActingPrompt {
		t.Fatal("the same create request gave different acting prompts")
	}
	line := gen.SpeakRequest{ContextMessages: []gen.Message{said("player", "What do you sell?")}, Mood: ptr("cheerful")}
	a, c := speak(t, b.demo, first.Id, line), speak(t, b.other, second.Id, line)
	if a.Text != c.Text {
		t.Fatalf("same request, different lines:\n%q\n%q", a.Text, c.Text)
	}
	// The same character asked again avoids repeating itself.
	again := speak(t, b.demo, first.Id, line)
	if again.Text == a.Text {
		t.Fatalf("the character repeated %q to the same listener", a.Text)
	}
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	name string
	data map[string]json.RawMessage
}

func readSSE(t *testing.T, res *http.Response) []sseEvent {
	t.Helper()
	var events []sseEvent
	sc := bufio.NewScanner(res.Body)
	var name string
	var data bytes.Buffer
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if name != "" || data.Len() > 0 {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(data.Bytes(), &m); err != nil {
					t.Fatalf("event %q data is not JSON: %q", name, data.String())
				}
				events = append(events, sseEvent{name, m})
			}
			name = ""
			data.Reset()
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(line, "data: "))
		}
	}
	return events
}

func TestSpeakStreams(t *testing.T) {
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	for name, mode := range map[string]struct {
		accept string
		body   string
	}{
		"by Accept header": {"text/event-stream", `{"context_messages":[{"speaker":"player","text":"Sing me something!"}],"length":"long"}`},
		"by stream flag":   {"", `{"stream":true,"context_messages":[{"speaker":"player","text":"Any news?"}]}`},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "POST", b.url+"/v1/characters/"+c.Id+"/speak", strings.NewReader(mode.body))
			req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
			req.Header.Set("Content-Type", "application/json")
			if mode.accept != "" {
				req.Header.Set("Accept", mode.accept)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") || res.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("status %d, content type %q, cache %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
			}
			events := readSSE(t, res)
			var text strings.Builder
			for i, ev := range events {
				var seq int
				json.Unmarshal(ev.data["sequence_number"], &seq)
				if seq != i+1 {
					t.Fatalf("event %d has sequence_number %d", i, seq)
				}
				last := i == len(events)-1
				switch {
				case ev.name == "dialogue.delta" && !last:
					var d string
					json.Unmarshal(ev.data["delta"], &d)
					text.WriteString(d)
				case ev.name == "dialogue.completed" && last:
					var r gen.SpeakResponse
					if err := json.Unmarshal(ev.data["response"], &r); err != nil || r.Text != text.String() || r.Text == "" {
						t.Fatalf("completed %q, deltas %q (%v)", r.Text, text.String(), err)
					}
					if err := servertest.ValidateSchema("SpeakResponse", ev.data["response"]); err != nil {
						t.Fatalf("completed response does not match SpeakResponse: %v", err)
					}
				default:
					t.Fatalf("event %d/%d is %q", i+1, len(events), ev.name)
				}
			}
			if len(events) < 3 {
				t.Fatalf("only %d events", len(events))
			}
		})
	}

	t.Run("a missing character is a plain 404", func(t *testing.T) {
		res, body := do(t, "POST", b.url+"/v1/characters/chr_missing/speak", strings.NewReader(`{"stream":true,"context_messages":[{"speaker":"p","text":"hi"}]}`), nil)
		expectError(t, res, body, 404, "CHAR_NOT_FOUND")
	})
}

func TestReact(t *testing.T) {
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "merchant", Archetype: "hero", Name: ptr("Oda")})
	res, err := b.demo.ReactCharacterWithResponse(t.Context(), c.Id, gen.ReactRequest{
		LastMessage: said("Bram", "Oda, what do you sell today?"), Context: ptr("Five villagers sit around the campfire."),
	})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("react: %v %d %s", err, res.StatusCode(), res.Body)
	}
	r := res.JSON200
	if r.Decision != gen.ReactionResponseDecisionWant || r.Priority <= 0 || r.Priority > 1 || r.Reason == "" || r.Engine != "local" {
		t.Fatalf("named and asked about trade, the merchant answered %+v", *r)
	}
	mem, _ := b.demo.GetCharacterMemoryWithResponse(t.Context(), c.Id, nil)
	if mem.JSON200.Total != 1 || mem.JSON200.Items[0].Kind != gen.MemoryEntryKindHeard {
		t.Fatalf("react did not remember the message: %s", mem.Body)
	}
}

func TestCharacterTenantIsolation(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "skeptic"})
	speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("p", "Open the gate.")}})

	get, _ := b.other.GetCharacterWithResponse(ctx, c.Id)
	expectError(t, get.HTTPResponse, get.Body, 404, "CHAR_NOT_FOUND")
	patch, _ := b.other.UpdateCharacterWithResponse(ctx, c.Id, gen.UpdateCharacterRequest{Mood: ptr("sad")})
	expectError(t, patch.HTTPResponse, patch.Body, 404, "CHAR_NOT_FOUND")
	sp, _ := b.other.SpeakCharacterWithResponse(ctx, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("p", "hi")}})
	expectError(t, sp.HTTPResponse, sp.Body, 404, "CHAR_NOT_FOUND")
	re, _ := b.other.ReactCharacterWithResponse(ctx, c.Id, gen.ReactRequest{LastMessage: said("p", "hi")})
	expectError(t, re.HTTPResponse, re.Body, 404, "CHAR_NOT_FOUND")
	mem, _ := b.other.GetCharacterMemoryWithResponse(ctx, c.Id, nil)
	expectError(t, mem.HTTPResponse, mem.Body, 404, "CHAR_NOT_FOUND")
	del, _ := b.other.DeleteCharacterWithResponse(ctx, c.Id)
	expectError(t, del.HTTPResponse, del.Body, 404, "CHAR_NOT_FOUND")
	list, _ := b.other.ListCharactersWithResponse(ctx, nil)
	if list.JSON200.Total != 0 {
		t.Fatal("tenant_test lists tenant_demo's characters")
	}
	batch, _ := b.other.CreateCharacterBatchWithResponse(ctx, gen.CreateCharacterBatchRequest{Count: 2, WorldId: ptr("wld_of_demo")})
	expectError(t, batch.HTTPResponse, batch.Body, 404, "WORLD_NOT_FOUND")

	mine, _ := b.demo.GetCharacterWithResponse(ctx, c.Id)
	memMine, _ := b.demo.GetCharacterMemoryWithResponse(ctx, c.Id, nil)
	if mine.JSON200 == nil || mine.JSON200.Mood != c.Mood || memMine.JSON200.Total != 3 && memMine.JSON200.Total != 2 {
		t.Fatalf("the owner's character changed: %s / %s", mine.Body, memMine.Body)
	}
}

func TestModerationEndpoint(t *testing.T) {
	b := setup(t)
	res, err := b.demo.CreateModerationWithResponse(t.Context(), gen.ModerationRequest{
		Text: "That dr4gon is a l1ar.", TabooWords: &gen.TabooWords{"dragon"},
	})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("moderation: %v %d", err, res.StatusCode())
	}
	m := res.JSON200
	if !m.Flagged || len(m.Matches) != 1 || m.Matches[0].Term != "dragon" || m.Matches[0].Text != "dr4gon" {
		t.Fatalf("moderation = %+v", *m)
	}
	clean, _ := b.demo.CreateModerationWithResponse(t.Context(), gen.ModerationRequest{Text: "A fine day for a walk.", TabooWords: &gen.TabooWords{"dragon"}})
	if clean.JSON200.Flagged || len(clean.JSON200.Matches) != 0 {
		t.Fatalf("clean text flagged: %s", clean.Body)
	}
}

func TestDefaults(t *testing.T) {
	b := setup(t)
	res, err := b.demo.GetDefaultsWithResponse(t.Context())
	if err != nil || res.JSON200 == nil {
		t.Fatal(err)
	}
	d := res.JSON200
	if len(d.Roles) < 12 || len(d.Archetypes) < 12 || len(d.SkillTiers) != 4 || len(d.Moods) == 0 {
		t.Fatalf("defaults: %d roles, %d archetypes, %d tiers", len(d.Roles), len(d.Archetypes), len(d.SkillTiers))
	}
	for _, r := range d.Roles {
		if r.Description == "" {
			t.Fatalf("role %s has no description", r.Id)
		}
	}
}
