package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// campfire creates three characters around a campfire and a conversation between them,
// with the given seed, on c's tenant.
func campfire(t *testing.T, c *gen.ClientWithResponses, seed int64, opts ...func(*gen.ConversationCreateRequest)) (gen.Conversation, []gen.Character) {
	t.Helper()
	cast := []gen.Character{
		createCharacter(t, c, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Name: ptr("Bram Ironhand"), Seed: ptr(int64(7))}),
		createCharacter(t, c, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Mira Vell"), Seed: ptr(int64(8))}),
		createCharacter(t, c, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero", Name: ptr("Tove Hale"), Seed: ptr(int64(9))}),
	}
	body := gen.ConversationCreateRequest{
		Participants: []string{cast[0].Id, cast[1].Id, cast[2].Id},
		Scene:        ptr("Night, around a campfire on the moor road."),
		Topic:        ptr("Who took the missing caravan?"),
		Players:      &[]gen.ConversationPlayer{{PlayerId: "p_kestrel", Name: "Kestrel"}},
		Seed:         ptr(seed),
	}
	for _, o := range opts {
		o(&body)
	}
	res, err := c.CreateConversationWithResponse(t.Context(), nil, body)
	if err != nil || res.JSON201 == nil {
		t.Fatalf("create conversation: %v %d %s", err, res.StatusCode(), res.Body)
	}
	return *res.JSON201, cast
}

// advance takes turns and fails the test unless they are taken.
func advance(t *testing.T, c *gen.ClientWithResponses, id string, body gen.ConversationTurnRequest) gen.ConversationTurns {
	t.Helper()
	res, err := c.AdvanceConversationWithResponse(t.Context(), id, nil, body)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("advance: %v %d %s", err, res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

func playerLine(text string) *gen.TurnMessageInput { return &gen.TurnMessageInput{Text: text} }

// TestConversationDirector: in a three-character scene the character the player addresses
// speaks first, every turn explains itself, and what was said reaches every participant's
// memory with the turn as its source.
func TestConversationDirector(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, cast := campfire(t, b.demo, 42)
			if conv.Status != gen.ConversationStatusActive || conv.TurnCount != 0 || conv.MaxTurns != 50 || conv.MaxConsecutiveTurns != 2 {
				t.Fatalf("new conversation %+v", conv)
			}

			got := advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{
				PlayerId: ptr("p_kestrel"), Message: playerLine("Mira, did you see who took the caravan?"), Turns: ptr(3),
			})
			if len(got.Turns) != 3 || got.Conversation.TurnCount != 3 {
				t.Fatalf("%d turns, turn_count %d", len(got.Turns), got.Conversation.TurnCount)
			}
			first := got.Turns[0]
			if first.SpeakerId != cast[1].Id || !strings.Contains(first.ChosenBecause, "addressed by name") {
				t.Fatalf("first turn by %s because %q, want Mira, addressed", first.SpeakerName, first.ChosenBecause)
			}
			if first.Message == nil || first.Message.Speaker != "Kestrel" || first.Message.PlayerId == nil || *first.Message.PlayerId != "p_kestrel" {
				t.Fatalf("the first turn's message %+v, want Kestrel's", first.Message)
			}
			for i, turn := range got.Turns {
				if turn.Index != i+1 || turn.Text == "" || turn.ChosenBecause == "" || len(turn.Decisions) != 3 {
					t.Fatalf("turn %d: %+v", i, turn)
				}
				if i > 0 && turn.Message != nil {
					t.Fatalf("turn %d carries the player's message again", turn.Index)
				}
				for j, d := range turn.Decisions {
					if d.CharacterId != cast[j].Id || d.Reason == "" {
						t.Fatalf("turn %d decision %d: %+v", turn.Index, j, d)
					}
					// The previous speaker cannot answer itself, and says why.
					if i > 0 && d.CharacterId == got.Turns[i-1].SpeakerId && (d.ExcludedBecause == nil || turn.SpeakerId == d.CharacterId) {
						t.Fatalf("turn %d: the previous speaker %s was not excluded: %+v", turn.Index, d.Name, d)
					}
				}
			}
			if got.Conversation.Players[0].Name != "Kestrel" {
				t.Fatalf("players %+v", got.Conversation.Players)
			}

			// Everyone heard the player; the speaker remembers saying its line, the others hearing it.
			for _, c := range cast {
				mem := memoryOf(t, b.demo, c.Id)
				heardPlayer := false
				for _, e := range mem.Items {
					if e.Source.Type != gen.MemorySourceTypeConversation || e.Source.ConversationId == nil || *e.Source.ConversationId != conv.Id {
						t.Fatalf("%s: entry %+v not sourced to the conversation", c.Name, e)
					}
					if e.Text == "Mira, did you see who took the caravan?" {
						heardPlayer = e.Kind == gen.MemoryEntryKindHeard && e.PlayerId != nil && *e.PlayerId == "p_kestrel" && *e.Source.TurnId == first.Id
					}
				}
				if !heardPlayer {
					t.Errorf("%s does not remember the player's line as Kestrel's, from turn 1", c.Name)
				}
				for _, turn := range got.Turns {
					kind := gen.MemoryEntryKindHeard
					if turn.SpeakerId == c.Id {
						kind = gen.MemoryEntryKindSaid
					}
					if !slices.ContainsFunc(mem.Items, func(e gen.MemoryEntry) bool {
						return e.Kind == kind && e.Text == turn.Text && *e.Source.TurnId == turn.Id
					}) {
						t.Errorf("%s has no %s entry of turn %d", c.Name, kind, turn.Index)
					}
				}
			}

			// The transcript is the turns, oldest first.
			tr, err := b.demo.ListConversationTurnsWithResponse(t.Context(), conv.Id, nil)
			if err != nil || tr.JSON200 == nil || tr.JSON200.Total != 3 {
				t.Fatalf("transcript: %v %s", err, tr.Body)
			}
			for i, turn := range tr.JSON200.Items {
				if turn.Id != got.Turns[i].Id || turn.Text != got.Turns[i].Text || turn.ChosenBecause != got.Turns[i].ChosenBecause {
					t.Fatalf("transcript turn %d %+v, advance gave %+v", i, turn, got.Turns[i])
				}
			}
		})
	}
}

// TestConversationIsReproducible: the same characters, seed and inputs give the same
// transcript, here in two tenants.
func TestConversationIsReproducible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	transcript := func(c *gen.ClientWithResponses) []string {
		conv, _ := campfire(t, c, 1234)
		var out []string
		for _, line := range []string{"Evening, all. I'm Kestrel.", "Tove, you keep the road. Who passed tonight?", "And the blacksmith?"} {
			for _, turn := range advance(t, c, conv.Id, gen.ConversationTurnRequest{Message: playerLine(line), Turns: ptr(2)}).Turns {
				out = append(out, turn.SpeakerName+": "+turn.Text+" | "+turn.ChosenBecause)
			}
		}
		return out
	}
	first, second := transcript(b.demo), transcript(b.other)
	if !slices.Equal(first, second) {
		t.Fatalf("the same inputs gave two transcripts:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
}

// TestConversationLimits: a conversation stops at max_turns and then refuses to advance;
// no character takes more turns in a row than max_consecutive_turns allows.
func TestConversationLimits(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, _ := campfire(t, b.demo, 5, func(r *gen.ConversationCreateRequest) {
				r.MaxTurns, r.MaxConsecutiveTurns = ptr(6), ptr(1)
			})
			var speakers []string
			for range 3 {
				got := advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{Message: playerLine("Bram Ironhand, what do you say?"), Turns: ptr(2)})
				for _, turn := range got.Turns {
					speakers = append(speakers, turn.SpeakerId)
				}
				conv = got.Conversation
			}
			if len(speakers) != 6 || conv.Status != gen.ConversationStatusEnded || conv.TurnCount != 6 {
				t.Fatalf("%d turns, status %s, turn_count %d", len(speakers), conv.Status, conv.TurnCount)
			}
			// Bram is named each time, so he answers the player; with max 1 in a row nobody
			// answers itself or follows itself.
			for i := 1; i < len(speakers); i++ {
				if speakers[i] == speakers[i-1] && i%2 == 1 {
					t.Fatalf("turn %d: the same speaker twice in a row: %v", i+1, speakers)
				}
			}
			res, err := b.demo.AdvanceConversationWithResponse(t.Context(), conv.Id, nil, gen.ConversationTurnRequest{})
			if err != nil {
				t.Fatal(err)
			}
			expectError(t, res.HTTPResponse, res.Body, http.StatusConflict, "CONVERSATION_ENDED")
		})
	}
}

// TestConversationRefusesBadInput: each bad field gets a clear error and changes nothing.
func TestConversationRefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, cast := campfire(t, b.demo, 3)
			bare, err := b.demo.CreateConversationWithResponse(t.Context(), nil, gen.ConversationCreateRequest{Participants: []string{cast[0].Id, cast[1].Id}})
			if err != nil || bare.JSON201 == nil {
				t.Fatalf("bare conversation: %v %s", err, bare.Body)
			}
			stranger := createCharacter(t, b.other, gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster"})
			a, c := cast[0].Id, cast[1].Id
			creates := []struct {
				name, body, code, field string
				status                  int
			}{
				{"one participant", `{"participants":["` + a + `"]}`, "VALIDATION_ERROR", "participants", 422},
				{"nine participants", `{"participants":["` + strings.Repeat(a+`","`, 8) + a + `"]}`, "VALIDATION_ERROR", "participants", 422},
				{"a participant twice", `{"participants":["` + a + `","` + a + `"]}`, "VALIDATION_ERROR", "participants", 422},
				{"an unknown character", `{"participants":["` + a + `","chr_01jdq3kxw2e5r7t9y1u3i5o7p9"]}`, "CHAR_NOT_FOUND", "", 404},
				{"another tenant's character", `{"participants":["` + a + `","` + stranger.Id + `"]}`, "CHAR_NOT_FOUND", "", 404},
				{"an unknown world", `{"participants":["` + a + `","` + c + `"],"world_id":"wld_01jdq3kq3m8f2v4b6n7p9r0s1t"}`, "WORLD_NOT_FOUND", "", 404},
				{"max_turns 0", `{"participants":["` + a + `","` + c + `"],"max_turns":0}`, "VALIDATION_ERROR", "max_turns", 422},
				{"max_consecutive_turns 11", `{"participants":["` + a + `","` + c + `"],"max_consecutive_turns":11}`, "VALIDATION_ERROR", "max_consecutive_turns", 422},
				{"a control character in the scene", `{"participants":["` + a + `","` + c + `"],"scene":"a\u0000b"}`, "VALIDATION_ERROR", "scene", 422},
				{"a bad player id", `{"participants":["` + a + `","` + c + `"],"players":[{"player_id":"a b","name":"Kestrel"}]}`, "VALIDATION_ERROR", "players", 422},
				{"an unknown field", `{"participants":["` + a + `","` + c + `"],"mood":"calm"}`, "VALIDATION_ERROR", "", 422},
			}
			for _, tt := range creates {
				res, err := b.demo.CreateConversationWithBodyWithResponse(t.Context(), nil, "application/json", strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				expectError(t, res.HTTPResponse, res.Body, tt.status, tt.code)
				if _, fields := errorOf(t, res.Body); tt.field != "" && !slices.ContainsFunc(fields, func(f string) bool { return strings.HasPrefix(f, tt.field) }) {
					t.Errorf("%s: fields %v, want %s", tt.name, fields, tt.field)
				}
			}
			list, _ := b.demo.ListConversationsWithResponse(t.Context(), nil)
			if list.JSON200 == nil || list.JSON200.Total != 2 {
				t.Fatalf("after refused creates: %s", list.Body)
			}

			advances := []struct {
				name, id, body, code, field string
				status                      int
			}{
				{"turns 0", conv.Id, `{"turns":0}`, "VALIDATION_ERROR", "turns", 422},
				{"turns 11", conv.Id, `{"turns":11}`, "VALIDATION_ERROR", "turns", 422},
				{"a blank message", conv.Id, `{"message":{"text":"   "}}`, "VALIDATION_ERROR", "message.text", 422},
				{"a message with NUL", conv.Id, `{"message":{"text":"hi\u0000"}}`, "VALIDATION_ERROR", "message.text", 422},
				{"a bad player id", conv.Id, `{"player_id":"p k"}`, "VALIDATION_ERROR", "player_id", 422},
				{"a first turn with nothing to answer", bare.JSON201.Id, `{}`, "VALIDATION_ERROR", "message", 422},
				{"an unknown conversation", "cnv_01jdq3p0000000000000000000", `{}`, "CONVERSATION_NOT_FOUND", "", 404},
			}
			for _, tt := range advances {
				for _, stream := range []bool{false, true} {
					var res *http.Response
					var body []byte
					if stream {
						r, err := b.demo.StreamConversationTurnsWithBodyWithResponse(t.Context(), tt.id, nil, "application/json", strings.NewReader(tt.body))
						if err != nil {
							t.Fatal(err)
						}
						res, body = r.HTTPResponse, r.Body
					} else {
						r, err := b.demo.AdvanceConversationWithBodyWithResponse(t.Context(), tt.id, nil, "application/json", strings.NewReader(tt.body))
						if err != nil {
							t.Fatal(err)
						}
						res, body = r.HTTPResponse, r.Body
					}
					expectError(t, res, body, tt.status, tt.code)
					if _, fields := errorOf(t, body); tt.field != "" && !slices.Contains(fields, tt.field) {
						t.Errorf("%s (stream %v): fields %v, want %s", tt.name, stream, fields, tt.field)
					}
				}
			}
			for _, id := range []string{conv.Id, bare.JSON201.Id} {
				got, _ := b.demo.GetConversationWithResponse(t.Context(), id)
				if got.JSON200 == nil || got.JSON200.TurnCount != 0 {
					t.Fatalf("after refused advances: %s", got.Body)
				}
			}
			for _, c := range cast {
				if n := len(memoryOf(t, b.demo, c.Id).Items); n != 0 {
					t.Fatalf("%s remembers %d entries of refused advances", c.Name, n)
				}
			}
		})
	}
}

// TestConversationTenantIsolation: another tenant cannot see, advance or delete a
// conversation; delete removes it and its transcript but not what the characters
// remember.
func TestConversationTenantIsolation(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, cast := campfire(t, b.demo, 9)
			advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{Message: playerLine("Evening.")})

			ctx := t.Context()
			get, _ := b.other.GetConversationWithResponse(ctx, conv.Id)
			turns, _ := b.other.ListConversationTurnsWithResponse(ctx, conv.Id, nil)
			adv, _ := b.other.AdvanceConversationWithResponse(ctx, conv.Id, nil, gen.ConversationTurnRequest{})
			del, _ := b.other.DeleteConversationWithResponse(ctx, conv.Id)
			for _, res := range []struct {
				r    *http.Response
				body []byte
			}{{get.HTTPResponse, get.Body}, {turns.HTTPResponse, turns.Body}, {adv.HTTPResponse, adv.Body}, {del.HTTPResponse, del.Body}} {
				expectError(t, res.r, res.body, http.StatusNotFound, "CONVERSATION_NOT_FOUND")
			}
			if list, _ := b.other.ListConversationsWithResponse(ctx, nil); list.JSON200 == nil || list.JSON200.Total != 0 {
				t.Fatalf("another tenant lists %s", list.Body)
			}

			if res, _ := b.demo.DeleteConversationWithResponse(ctx, conv.Id); res.StatusCode() != http.StatusNoContent {
				t.Fatalf("delete: %d %s", res.StatusCode(), res.Body)
			}
			again, _ := b.demo.GetConversationWithResponse(ctx, conv.Id)
			expectError(t, again.HTTPResponse, again.Body, http.StatusNotFound, "CONVERSATION_NOT_FOUND")
			tr, _ := b.demo.ListConversationTurnsWithResponse(ctx, conv.Id, nil)
			expectError(t, tr.HTTPResponse, tr.Body, http.StatusNotFound, "CONVERSATION_NOT_FOUND")
			if n := len(memoryOf(t, b.demo, cast[0].Id).Items); n == 0 {
				t.Fatal("deleting the conversation erased what the characters remember")
			}
		})
	}
}

// TestConversationStreams: a streamed advance sends per turn turn.started, the line as
// dialogue.delta events and turn.completed, then conversation.ended at max_turns, and
// ends with turns.completed; the deltas are the turn's text.
func TestConversationStreams(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conv, _ := campfire(t, b.demo, 11, func(r *gen.ConversationCreateRequest) { r.MaxTurns = ptr(2) })
	req, _ := http.NewRequestWithContext(t.Context(), "POST", b.url+"/v1/conversations/"+conv.Id+"/turns/stream",
		strings.NewReader(`{"message":{"speaker":"Kestrel","text":"Tove Hale, tell me about the road."},"turns":3}`))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := servertest.HTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("status %d", res.StatusCode)
	}
	events := readSSEOf(t, res, "ConversationStreamEvent")
	var names []string
	var text strings.Builder
	var texts []string
	for _, e := range events {
		names = append(names, e.name)
		switch e.name {
		case "dialogue.delta":
			var d string
			json.Unmarshal(e.data["delta"], &d)
			text.WriteString(d)
		case "turn.completed":
			var turn gen.ConversationTurn
			if err := json.Unmarshal(e.data["turn"], &turn); err != nil {
				t.Fatal(err)
			}
			if turn.Text != text.String() {
				t.Fatalf("turn %d text %q, deltas %q", turn.Index, turn.Text, text.String())
			}
			texts = append(texts, turn.Text)
			text.Reset()
		}
	}
	want := []string{"turn.started", "turn.completed", "turn.started", "turn.completed", "conversation.ended", "turns.completed"}
	if got := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "dialogue.delta" }); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v (with deltas)", names, want)
	}
	tr, _ := b.demo.ListConversationTurnsWithResponse(t.Context(), conv.Id, nil)
	if tr.JSON200 == nil || tr.JSON200.Total != 2 || tr.JSON200.Items[1].Text != texts[1] {
		t.Fatalf("transcript after the stream: %s", tr.Body)
	}
}

// TestConcurrentAdvances: advances of one conversation at once either take their turn or
// answer CONVERSATION_BUSY; the transcript has exactly the turns that were answered, each
// index once.
func TestConcurrentAdvances(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, _ := campfire(t, b.demo, 13)
			var mu sync.Mutex
			taken := 0
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					res, err := b.demo.AdvanceConversationWithResponse(t.Context(), conv.Id, nil, gen.ConversationTurnRequest{Message: playerLine("Well?")})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					switch {
					case res.JSON200 != nil:
						taken += len(res.JSON200.Turns)
					case res.StatusCode() == http.StatusConflict && strings.Contains(string(res.Body), "CONVERSATION_BUSY"):
					default:
						t.Errorf("advance: %d %s", res.StatusCode(), res.Body)
					}
				})
			}
			wg.Wait()
			tr, _ := b.demo.ListConversationTurnsWithResponse(t.Context(), conv.Id, nil)
			if taken == 0 || tr.JSON200 == nil || tr.JSON200.Total != taken {
				t.Fatalf("%d turns answered, transcript %s", taken, tr.Body)
			}
			for i, turn := range tr.JSON200.Items {
				if turn.Index != i+1 {
					t.Fatalf("transcript indices %d at %d", turn.Index, i)
				}
			}
		})
	}
}
