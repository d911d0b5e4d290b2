package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
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
	batch, err := b.demo.CreateCharacterBatchWithResponse(ctx, nil, gen.CreateCharacterBatchRequest{Count: 10, WorldId: &w.Id, Seed: ptr(int64(5))})
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
	id   string
	name string
	data map[string]json.RawMessage
}

// readSSE reads a speak stream to its end. Every event must be a SpeakStreamEvent of the
// spec whose type is its SSE event name and whose sequence_number is its SSE id, which is
// what typed clients rely on.
func readSSE(t *testing.T, res *http.Response) []sseEvent {
	t.Helper()
	return readSSEOf(t, res, "SpeakStreamEvent")
}

// readSSEOf reads a stream to its end, every event an instance of the spec's schema.
func readSSEOf(t *testing.T, res *http.Response, schema string) []sseEvent {
	t.Helper()
	var events []sseEvent
	eachSSE(t, res, schema, func(e sseEvent) { events = append(events, e) })
	return events
}

// eachSSE reads a stream to its end, handing each event to seen as it arrives; every
// event must be an instance of the spec's schema.
func eachSSE(t *testing.T, res *http.Response, schema string, seen func(sseEvent)) {
	t.Helper()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // audio.delta lines carry base64 PCM
	var id, name string
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
				if err := servertest.ValidateSchema(schema, data.Bytes()); err != nil {
					t.Fatalf("event %q is not a %s: %v: %s", name, schema, err, data.Bytes())
				}
				var typ string
				json.Unmarshal(m["type"], &typ)
				if typ != name || string(m["sequence_number"]) != id {
					t.Fatalf("event %q (id %q) carries type %q, sequence_number %s", name, id, typ, m["sequence_number"])
				}
				seen(sseEvent{id, name, m})
			}
			id, name = "", ""
			data.Reset()
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(line, "data: "))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
}

// postSpeak sends a speak request as a client would, with the Accept header it names.
func postSpeak(t *testing.T, url, accept, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := servertest.HTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestSpeakStreams(t *testing.T) {
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	speak := b.url + "/v1/characters/" + c.Id + "/speak"
	for name, mode := range map[string]struct {
		url, accept, body string
	}{
		"speak/stream":                        {speak + "/stream", "", `{"context_messages":[{"speaker":"player","text":"Sing me something!"}],"length":"long"}`},
		"speak/stream ignores stream: false":  {speak + "/stream", "application/json", `{"stream":false,"context_messages":[{"speaker":"player","text":"Sing!"}]}`},
		"speak by Accept header (older form)": {speak, "text/event-stream", `{"context_messages":[{"speaker":"player","text":"Sing me something!"}],"length":"long"}`},
		"speak by stream flag (older form)":   {speak, "", `{"stream":true,"context_messages":[{"speaker":"player","text":"Any news?"}]}`},
		"speak by stream flag, Accept */*":    {speak, "*/*", `{"stream":true,"context_messages":[{"speaker":"player","text":"Any news?"}]}`},
	} {
		t.Run(name, func(t *testing.T) {
			res := postSpeak(t, mode.url, mode.accept, mode.body)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") || res.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("status %d, content type %q, cache %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
			}
			events := readSSE(t, res)
			var text strings.Builder
			for i, ev := range events {
				if ev.id != strconv.Itoa(i+1) {
					t.Fatalf("event %d has id %q", i+1, ev.id)
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
				default:
					t.Fatalf("event %d/%d is %q", i+1, len(events), ev.name)
				}
			}
			if len(events) < 3 {
				t.Fatalf("only %d events", len(events))
			}
		})
	}

	// A generated JSON client must get the type it was generated for, whatever the body says.
	t.Run("stream flag with Accept: application/json answers JSON", func(t *testing.T) {
		res := postSpeak(t, speak, "application/json", `{"stream":true,"context_messages":[{"speaker":"player","text":"Any news?"}]}`)
		var r gen.SpeakResponse
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || json.NewDecoder(res.Body).Decode(&r) != nil || r.Text == "" {
			t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
	t.Run("the typed client's speak is JSON", func(t *testing.T) {
		res, err := b.demo.SpeakCharacterWithResponse(t.Context(), c.Id, nil, gen.SpeakRequest{Stream: ptr(true), ContextMessages: []gen.Message{said("player", "Any news?")}},
			func(_ context.Context, req *http.Request) error {
				req.Header.Set("Accept", "application/json")
				return nil
			})
		if err != nil || res.JSON200 == nil || res.JSON200.Text == "" {
			t.Fatalf("speak: %v %d %s", err, res.StatusCode(), res.Body)
		}
	})

	t.Run("failures known before the stream are plain JSON errors", func(t *testing.T) {
		for _, url := range []string{speak + "/stream", b.url + "/v1/characters/chr_missing/speak/stream", b.url + "/v1/characters/chr_missing/speak"} {
			body := `{"stream":true,"context_messages":[{"speaker":"p","text":"hi"}]}`
			status, code := 404, "CHAR_NOT_FOUND"
			if url == speak+"/stream" {
				body, status, code = `{"context_messages":[]}`, 422, "VALIDATION_ERROR"
			}
			res, raw := do(t, "POST", url, strings.NewReader(body), nil)
			expectError(t, res, raw, status, code)
		}
	})
}

func TestReact(t *testing.T) {
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "merchant", Archetype: "hero", Name: ptr("Oda")})
	res, err := b.demo.ReactCharacterWithResponse(t.Context(), c.Id, nil, gen.ReactRequest{
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
	patch, _ := b.other.UpdateCharacterWithResponse(ctx, c.Id, nil, gen.UpdateCharacterRequest{Mood: ptr("sad")})
	expectError(t, patch.HTTPResponse, patch.Body, 404, "CHAR_NOT_FOUND")
	sp, _ := b.other.SpeakCharacterWithResponse(ctx, c.Id, nil, gen.SpeakRequest{ContextMessages: []gen.Message{said("p", "hi")}})
	expectError(t, sp.HTTPResponse, sp.Body, 404, "CHAR_NOT_FOUND")
	re, _ := b.other.ReactCharacterWithResponse(ctx, c.Id, nil, gen.ReactRequest{LastMessage: said("p", "hi")})
	expectError(t, re.HTTPResponse, re.Body, 404, "CHAR_NOT_FOUND")
	mem, _ := b.other.GetCharacterMemoryWithResponse(ctx, c.Id, nil)
	expectError(t, mem.HTTPResponse, mem.Body, 404, "CHAR_NOT_FOUND")
	del, _ := b.other.DeleteCharacterWithResponse(ctx, c.Id)
	expectError(t, del.HTTPResponse, del.Body, 404, "CHAR_NOT_FOUND")
	list, _ := b.other.ListCharactersWithResponse(ctx, nil)
	if list.JSON200.Total != 0 {
		t.Fatal("tenant_test lists tenant_demo's characters")
	}
	batch, _ := b.other.CreateCharacterBatchWithResponse(ctx, nil, gen.CreateCharacterBatchRequest{Count: 2, WorldId: ptr("wld_of_demo")})
	expectError(t, batch.HTTPResponse, batch.Body, 404, "WORLD_NOT_FOUND")

	mine, _ := b.demo.GetCharacterWithResponse(ctx, c.Id)
	memMine, _ := b.demo.GetCharacterMemoryWithResponse(ctx, c.Id, nil)
	if mine.JSON200 == nil || mine.JSON200.Mood != c.Mood || memMine.JSON200.Total != 3 && memMine.JSON200.Total != 2 {
		t.Fatalf("the owner's character changed: %s / %s", mine.Body, memMine.Body)
	}
}

func TestModerationEndpoint(t *testing.T) {
	b := setup(t)
	res, err := b.demo.CreateModerationWithResponse(t.Context(), nil, gen.ModerationRequest{
		Text: "That dr4gon is a l1ar.", TabooWords: &gen.TabooWords{"dragon"},
	})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("moderation: %v %d", err, res.StatusCode())
	}
	m := res.JSON200
	if !m.Flagged || len(m.Matches) != 1 || m.Matches[0].Term != "dragon" || m.Matches[0].Text != "dr4gon" {
		t.Fatalf("moderation = %+v", *m)
	}
	clean, _ := b.demo.CreateModerationWithResponse(t.Context(), nil, gen.ModerationRequest{Text: "A fine day for a walk.", TabooWords: &gen.TabooWords{"dragon"}})
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
