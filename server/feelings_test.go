package server_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

// characterOf reads a character.
func characterOf(t *testing.T, c *gen.ClientWithResponses, id string) gen.Character {
	t.Helper()
	res, err := c.GetCharacterWithResponse(t.Context(), id)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("get character: %v %s", err, res.Body)
	}
	return *res.JSON200
}

// relationshipsOf lists a character's relationships.
func relationshipsOf(t *testing.T, c *gen.ClientWithResponses, id string) gen.RelationshipList {
	t.Helper()
	res, err := c.ListCharacterRelationshipsWithResponse(t.Context(), id, nil)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("relationships: %v %s", err, res.Body)
	}
	return *res.JSON200
}

// tell posts a game event to a character.
func tell(t *testing.T, c *gen.ClientWithResponses, id string, body gen.GameEventRequest) gen.GameEvent {
	t.Helper()
	res, err := c.RecordCharacterEventWithResponse(t.Context(), id, nil, body)
	if err != nil || res.JSON201 == nil {
		t.Fatalf("event: %v %s", err, res.Body)
	}
	return *res.JSON201
}

// TestAnInsultCoolsACharacterAndAGiftWarmsIt: what a player says and does moves the
// character's feelings and its relationship with them, the next reply shows it, and every
// move is recorded with its cause and source; on the local engine and both databases.
func TestAnInsultCoolsACharacterAndAGiftWarmsIt(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Name: ptr("Bram Ironhand"), Seed: ptr(int64(3))})
			if c.Feelings.Dominant != gen.EmotionNeutral || c.Feelings.UpdatedAt != nil || c.Feelings.Levels.Anger != 0 {
				t.Fatalf("a new calm character feels %+v", c.Feelings)
			}
			hello := gen.SpeakRequest{PlayerId: ptr("p_kestrel"), ContextMessages: []gen.Message{said("Kestrel", "Good morning!")}}
			warm := speak(t, b.demo, c.Id, hello)
			if warm.Mood != "calm" || warm.Relationship == nil || warm.Relationship.Stage != gen.RelationshipStageAcquaintance || warm.Relationship.Trust != 0 {
				t.Fatalf("a first greeting: mood %q, relationship %+v", warm.Mood, warm.Relationship)
			}

			res, err := b.demo.SpeakCharacterWithResponse(t.Context(), c.Id, nil, gen.SpeakRequest{
				PlayerId: ptr("p_kestrel"), ContextMessages: []gen.Message{said("Kestrel", "You're a fool and a liar, Bram.")},
			})
			if err != nil || res.JSON200 == nil {
				t.Fatalf("insult: %v %s", err, res.Body)
			}
			insulted, insultID := *res.JSON200, res.HTTPResponse.Header.Get("X-Request-Id")
			if insulted.Mood != "angry" || insulted.Emotion != string(gen.EmotionAnger) {
				t.Errorf("insulted, Bram answers in mood %q with %s, want angry and anger", insulted.Mood, insulted.Emotion)
			}
			r := insulted.Relationship
			if r == nil || r.Trust >= 0 || r.Affinity >= 0 || r.Target.Id != "p_kestrel" || r.Target.Type != gen.RelationshipTargetTypePlayer {
				t.Fatalf("after the insult: %+v", r)
			}

			// The next reply, to the same friendly words, is colder than the first.
			cold := speak(t, b.demo, c.Id, hello)
			if cold.Mood == "calm" || !slices.Contains([]string{string(gen.EmotionAnger), string(gen.EmotionDisgust)}, cold.Emotion) {
				t.Errorf("the greeting after an insult: mood %q emotion %s (%q), want colder than calm", cold.Mood, cold.Emotion, cold.Text)
			}
			bram := characterOf(t, b.demo, c.Id)
			if bram.Feelings.Dominant != gen.EmotionAnger || bram.Feelings.Levels.Anger < 0.25 || bram.Feelings.UpdatedAt == nil {
				t.Errorf("Bram's feelings after the insult: %+v", bram.Feelings)
			}
			list := relationshipsOf(t, b.demo, c.Id)
			if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Interactions != 3 {
				t.Fatalf("relationships %+v", list)
			}
			changes := list.Items[0].RecentChanges
			if len(changes) != 1 || !strings.HasPrefix(changes[0].Cause, "insult") || changes[0].Source.Type != gen.MemorySourceTypeSpeak ||
				deref(changes[0].Source.RequestId) != insultID || changes[0].TrustAfter != r.Trust {
				t.Errorf("the insult's record %+v, want its cause and the request %s", changes, insultID)
			}

			gift := tell(t, b.demo, c.Id, gen.GameEventRequest{
				PlayerId: ptr("p_kestrel"), Type: "gift", Description: "Kestrel gave Bram a fine whetstone.",
				Data: &map[string]interface{}{"time_of_day": "night"},
			})
			if gift.TrustDelta <= 0 || gift.AffinityDelta <= 0 || gift.Relationship == nil || gift.Relationship.Trust <= r.Trust ||
				gift.Relationship.Affinity <= r.Affinity {
				t.Errorf("the gift: %+v, relationship %+v; want trust and affinity up from %v, %v", gift, gift.Relationship, r.Trust, r.Affinity)
			}
			if src := gift.MemoryEntry.Source; src.Type != gen.MemorySourceTypeEvent || deref(src.EventId) != gift.Id || gift.MemoryEntry.Kind != gen.MemoryEntryKindFact {
				t.Errorf("the gift's memory entry %+v, want a fact sourced to event %s", gift.MemoryEntry, gift.Id)
			}
			if gift.Feelings.Levels.Joy <= 0 || gift.GameState["time_of_day"] != "night" {
				t.Errorf("after the gift: feelings %+v, game state %v", gift.Feelings, gift.GameState)
			}
			if got := characterOf(t, b.demo, c.Id).GameState["time_of_day"]; got != "night" {
				t.Errorf("the character's game state: time_of_day=%q", got)
			}
			changes = relationshipsOf(t, b.demo, c.Id).Items[0].RecentChanges
			if len(changes) != 2 || changes[0].Source.Type != gen.MemorySourceTypeEvent || deref(changes[0].Source.EventId) != gift.Id {
				t.Errorf("the gift's record %+v", changes)
			}
		})
	}
}

// TestFeelingsAndEventsReachThePrompt: on a model engine (the fal fake), the prompt
// carries the mood the feelings give, the character's regard for the player and the game
// state events set.
func TestFeelingsAndEventsReachThePrompt(t *testing.T) {
	t.Parallel()
	b, fake := falSetup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Oda Marsh")})
	tell(t, b.demo, c.Id, gen.GameEventRequest{PlayerId: ptr("p_rook"), Type: "theft", Description: "Rook stole the inn's silver spoons.",
		Data: &map[string]interface{}{"time_of_day": "night", "weather": "rain"}})
	speak(t, b.demo, c.Id, gen.SpeakRequest{PlayerId: ptr("p_rook"), ContextMessages: []gen.Message{said("Rook", "Evening. A room, please.")}})
	in := lastDialogue(fake)
	prompt := in.SystemPrompt + "\n" + in.Prompt
	for _, want := range []string{
		"World state: time_of_day=night, weather=rain.",
		"Rook stole the inn's silver spoons.",
		"How you see the one speaking to you, Rook: wary",
		"Your mood right now: angry.",
	} {
		if !strings.Contains(prompt, want) {
			t.Errorf("the dialogue prompt lacks %q:\n%s", want, prompt)
		}
	}
}

// TestConversationsMoveRelationships: in a scene, the participant a player insults by
// name takes it hardest, the others overhear it, the characters come to regard each
// other, and an event reaches every participant at once.
func TestConversationsMoveRelationships(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			conv, cast := campfire(t, b.demo, 5)
			advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{PlayerId: ptr("p_kestrel"), Message: playerLine("Mira, you're a liar and a coward."), Turns: ptr(3)})
			trustOf := func(charID string) float64 {
				for _, r := range relationshipsOf(t, b.demo, charID).Items {
					if r.Target.Type == gen.RelationshipTargetTypePlayer && r.Target.Id == "p_kestrel" {
						return r.Trust
					}
				}
				t.Fatalf("%s has no relationship with Kestrel", charID)
				return 0
			}
			mira, bram := trustOf(cast[1].Id), trustOf(cast[0].Id)
			if !(mira < bram && bram < 0) {
				t.Errorf("trust in Kestrel: Mira (insulted) %v, Bram (overheard) %v; want Mira's lower, both below 0", mira, bram)
			}
			characters := 0
			for _, c := range cast {
				for _, r := range relationshipsOf(t, b.demo, c.Id).Items {
					if r.Target.Type == gen.RelationshipTargetTypeCharacter {
						characters++
						if r.Target.Id == c.Id {
							t.Errorf("%s has a relationship with itself", c.Name)
						}
					}
				}
			}
			if characters == 0 {
				t.Error("three turns between characters left no relationship between them")
			}

			res, err := b.demo.RecordConversationEventWithResponse(t.Context(), conv.Id, nil, gen.GameEventRequest{
				Type: "danger", Description: "Wolves howl just beyond the firelight.",
			})
			if err != nil || res.JSON201 == nil {
				t.Fatalf("conversation event: %v %s", err, res.Body)
			}
			evs := res.JSON201.Events
			if len(evs) != 3 || res.JSON201.ConversationId != conv.Id {
				t.Fatalf("%d events for a three-character scene", len(evs))
			}
			for i, ev := range evs {
				src := ev.MemoryEntry.Source
				if ev.Id != evs[0].Id || ev.CharacterId != cast[i].Id || deref(src.EventId) != ev.Id || deref(src.ConversationId) != conv.Id || ev.Feelings.Levels.Fear <= 0 {
					t.Errorf("participant %d took in %+v", i, ev)
				}
			}
		})
	}
}

// TestStateEndpointsRefuseBadInputAndOtherTenants: bad events are refused field by field
// and change nothing; another tenant finds none of it.
func TestStateEndpointsRefuseBadInputAndOtherTenants(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			conv, cast := campfire(t, b.demo, 9)
			c := cast[0]
			beforeMemory, beforeChar := memoryOf(t, b.demo, c.Id), characterOf(t, b.demo, c.Id)
			for _, tc := range []struct {
				name, body string
				status     int
				field      string
			}{
				{"malformed JSON", `{"type":`, 400, ""},
				{"no type", `{"description": "x"}`, 422, "type"},
				{"bad type", `{"type": "Gift!", "description": "x"}`, 422, "type"},
				{"no description", `{"type": "gift"}`, 422, "description"},
				{"blank description", `{"type": "gift", "description": "   "}`, 422, "description"},
				{"control character", `{"type": "gift", "description": "a\u0000b"}`, 422, "description"},
				{"long description", `{"type": "gift", "description": "` + strings.Repeat("a", 1001) + `"}`, 422, "description"},
				{"bad player", `{"type": "gift", "description": "x", "player_id": "no spaces"}`, 422, "player_id"},
				{"importance", `{"type": "gift", "description": "x", "importance": 2}`, 422, "importance"},
				{"nested data", `{"type": "gift", "description": "x", "data": {"a": {"b": 1}}}`, 422, "data.a"},
				{"bad data key", `{"type": "gift", "description": "x", "data": {"1a": "x"}}`, 422, "data.1a"},
				{"unknown field", `{"type": "gift", "description": "x", "mood": "sad"}`, 422, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					for what, post := range map[string]func() (int, []byte){
						"character": func() (int, []byte) {
							res, err := b.demo.RecordCharacterEventWithBodyWithResponse(ctx, c.Id, nil, "application/json", strings.NewReader(tc.body))
							if err != nil {
								t.Fatal(err)
							}
							return res.StatusCode(), res.Body
						},
						"conversation": func() (int, []byte) {
							res, err := b.demo.RecordConversationEventWithBodyWithResponse(ctx, conv.Id, nil, "application/json", strings.NewReader(tc.body))
							if err != nil {
								t.Fatal(err)
							}
							return res.StatusCode(), res.Body
						},
					} {
						status, body := post()
						if status != tc.status {
							t.Fatalf("%s: %d %s, want %d", what, status, body, tc.status)
						}
						if code, fields := errorOf(t, body); tc.field != "" && (code != "VALIDATION_ERROR" || !slices.Contains(fields, tc.field)) {
							t.Errorf("%s: %s naming %v, want VALIDATION_ERROR naming %q", what, code, fields, tc.field)
						}
					}
				})
			}
			if after := memoryOf(t, b.demo, c.Id); !reflect.DeepEqual(after, beforeMemory) {
				t.Errorf("refused events changed memory")
			}
			if after := characterOf(t, b.demo, c.Id); !reflect.DeepEqual(after.Feelings, beforeChar.Feelings) || len(after.GameState) != 0 {
				t.Errorf("refused events changed the character: %+v %v", after.Feelings, after.GameState)
			}
			if res, err := b.demo.ListCharacterRelationshipsWithResponse(ctx, c.Id, &gen.ListCharacterRelationshipsParams{Limit: ptr(0)}); err != nil || res.StatusCode() != 400 {
				t.Errorf("limit 0: %v %d", err, res.StatusCode())
			}

			// Another tenant: nothing of this tenant's is found, and nothing changes.
			event := gen.GameEventRequest{Type: "gift", Description: "A gift."}
			if res, err := b.other.ListCharacterRelationshipsWithResponse(ctx, c.Id, nil); err != nil || res.StatusCode() != 404 {
				t.Errorf("another tenant lists relationships: %v %d", err, res.StatusCode())
			}
			if res, err := b.other.RecordCharacterEventWithResponse(ctx, c.Id, nil, event); err != nil || res.StatusCode() != 404 {
				t.Errorf("another tenant tells a character: %v %d", err, res.StatusCode())
			}
			if res, err := b.other.RecordConversationEventWithResponse(ctx, conv.Id, nil, event); err != nil || res.StatusCode() != 404 {
				t.Errorf("another tenant tells a conversation: %v %d", err, res.StatusCode())
			}
			if after := memoryOf(t, b.demo, c.Id); !reflect.DeepEqual(after, beforeMemory) {
				t.Errorf("another tenant's events changed memory")
			}

			// An ended conversation takes no more events.
			ended, _ := campfire(t, b.demo, 10, func(r *gen.ConversationCreateRequest) { r.MaxTurns = ptr(1) })
			advance(t, b.demo, ended.Id, gen.ConversationTurnRequest{Message: playerLine("Hello.")})
			res, err := b.demo.RecordConversationEventWithResponse(ctx, ended.Id, nil, event)
			if err != nil || res.StatusCode() != 409 {
				t.Fatalf("event to an ended conversation: %v %d %s", err, res.StatusCode(), res.Body)
			}
			if code, _ := errorOf(t, res.Body); code != "CONVERSATION_ENDED" {
				t.Errorf("event to an ended conversation: %s", code)
			}
		})
	}
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}
