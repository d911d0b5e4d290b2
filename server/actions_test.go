package server_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
)

// smithCatalogue is what a game lets its blacksmith do.
func smithCatalogue() *gen.ActionCatalogue {
	object := gen.ActionParametersTypeObject
	return &gen.ActionCatalogue{
		{Name: "give_item", Description: ptr("Hand the player an item from your stock."), Parameters: &gen.ActionParameters{
			Type:       &object,
			Properties: &map[string]gen.ActionParameter{"item": {Type: gen.ActionParameterTypeString, Enum: &[]string{"sword", "axe", "shield"}}},
			Required:   &[]string{"item"},
		}},
		{Name: "open_door", Parameters: &gen.ActionParameters{
			Type: &object, Properties: &map[string]gen.ActionParameter{"door": {Type: gen.ActionParameterTypeString}}, Required: &[]string{"door"},
		}},
	}
}

// TestActionsGoOutToTheGame: a character given coin for a sword hands it over as an
// action from its catalogue, never as words; a request may add actions; a line that
// calls for none carries none; a turn carries the speaker's; on the local engine and both
// databases.
func TestActionsGoOutToTheGame(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			smith := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Name: ptr("Bram Ironhand"), Actions: smithCatalogue()})
			if got := smith.Actions; len(got) != 2 || got[0].Name != "give_item" || (*got[0].Parameters.Required)[0] != "item" {
				t.Fatalf("the stored catalogue %+v", got)
			}

			paid := speak(t, b.demo, smith.Id, gen.SpeakRequest{PlayerId: ptr("p_kestrel"), ContextMessages: []gen.Message{said("Kestrel", "Here are 10 gold for a sword.")}})
			if len(paid.Actions) != 1 || paid.Actions[0].Name != "give_item" || paid.Actions[0].Arguments["item"] != "sword" ||
				!strings.Contains(paid.Actions[0].Reason, "payment") || len(paid.RefusedActions) != 0 {
				t.Fatalf("coin for a sword: actions %+v, refused %+v", paid.Actions, paid.RefusedActions)
			}
			if strings.Contains(paid.Text, "*") || !strings.Contains(paid.Text, "the sword is yours") {
				t.Errorf("the line %q does not agree with handing over the sword, or reads an action aloud", paid.Text)
			}
			if hello := speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Good morning!")}}); len(hello.Actions) != 0 {
				t.Errorf("a greeting made the smith act: %+v", hello.Actions)
			}
			follow := gen.ActionCatalogue{{Name: "follow_player"}}
			res := speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Follow me to the mine.")}, Actions: &follow})
			if len(res.Actions) != 1 || res.Actions[0].Name != "follow_player" {
				t.Errorf("a request's own action: %+v", res.Actions)
			}
			plain := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver"})
			if got := speak(t, b.demo, plain.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Here are 10 gold for a sword.")}}); len(got.Actions) != 0 || got.RefusedActions == nil {
				t.Errorf("a character with no catalogue acted: %+v", got.Actions)
			}

			// Choosing actions is part of what a line costs: two twins say the same line,
			// one with a catalogue.
			twin := gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Oda"), Seed: ptr(int64(5))}
			morning := gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Good morning!")}}
			without := speak(t, b.demo, createCharacter(t, b.demo, twin).Id, morning)
			morning.Actions = &follow
			with := speak(t, b.demo, createCharacter(t, b.demo, twin).Id, morning)
			if with.Usage.PromptTokens <= without.Usage.PromptTokens || with.Usage.TotalTokens <= without.Usage.TotalTokens {
				t.Errorf("usage with a catalogue %+v, without %+v: choosing the actions was not counted", with.Usage, without.Usage)
			}

			conv, err := b.demo.CreateConversationWithResponse(t.Context(), nil, gen.ConversationCreateRequest{
				Participants: []string{smith.Id, plain.Id}, Scene: ptr("The forge at dusk."),
			})
			if err != nil || conv.JSON201 == nil {
				t.Fatalf("conversation: %v %s", err, conv.Body)
			}
			turns := advance(t, b.demo, conv.JSON201.Id, gen.ConversationTurnRequest{Message: playerLine("Bram, here are 10 gold for a sword.")})
			if tr := turns.Turns[0]; tr.SpeakerId != smith.Id || len(tr.Actions) != 1 || tr.Actions[0].Arguments["item"] != "sword" {
				t.Fatalf("the turn: speaker %s, actions %+v", tr.SpeakerName, tr.Actions)
			}
			listed, err := b.demo.ListConversationTurnsWithResponse(t.Context(), conv.JSON201.Id, nil)
			if err != nil || listed.JSON200 == nil || !reflect.DeepEqual(listed.JSON200.Items[0].Actions, turns.Turns[0].Actions) {
				t.Errorf("the transcript's actions differ from the turn's: %v", err)
			}
		})
	}
}

// TestInventedActionsNeverReachTheGame: on a model engine (the fal fake), what the model
// proposes is checked against the catalogue; an invented action and a bad argument are
// refused with why, and a stage direction the model wrote is not spoken, in JSON and in
// the stream.
func TestInventedActionsNeverReachTheGame(t *testing.T) {
	t.Parallel()
	b, fake := falSetup(t)
	fake.Handle(faltest.RouterEndpoint, func(input json.RawMessage) (any, *faltest.Failure) {
		in, fail := faltest.ParseRouterInput(input)
		if fail != nil {
			return nil, fail
		}
		switch sys := in.SystemPrompt; {
		case strings.Contains(sys, `"approved"`):
			return faltest.RouterAnswer(in, `{"approved": true, "reason": "fine"}`), nil
		case strings.Contains(sys, `"acting_prompt"`):
			return faltest.RouterAnswer(in, `{"personality": "Gruff.", "acting_prompt": "You are the smith."}`), nil
		case strings.Contains(sys, `"decision"`):
			if !strings.Contains(sys, "give_item(item: one of sword, axe, shield; required)") {
				return faltest.RouterAnswer(in, `{"decision": "WANT", "reason": "no catalogue in the prompt", "priority": 0.5}`), nil
			}
			return faltest.RouterAnswer(in, `{"decision": "WANT", "reason": "Paid.", "priority": 0.9, "actions": [
				{"name": "give_item", "arguments": {"item": "sword"}, "reason": "Kestrel paid for it."},
				{"name": "fly_away", "arguments": {}, "reason": "?"},
				{"name": "open_door", "arguments": {"door": 3}, "reason": "?"},
				{"name": "open_door", "arguments": "the gate", "reason": "?"}]}`), nil
		default:
			return faltest.RouterAnswer(in, "*slams tankard* Fine, a sword it is."), nil
		}
	})
	smith := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Actions: smithCatalogue()})
	res := speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Here are 10 gold for a sword.")}})
	if len(res.Actions) != 1 || res.Actions[0].Name != "give_item" || res.Actions[0].Reason != "Kestrel paid for it." {
		t.Errorf("accepted %+v", res.Actions)
	}
	var refused []string
	for _, r := range res.RefusedActions {
		refused = append(refused, r.Name+": "+r.Problem)
	}
	if !slices.Equal(refused, []string{`fly_away: "fly_away" is not in the action catalogue`, `open_door: "door" must be a string of at most 200 characters`,
		`open_door: arguments must be an object`}) {
		t.Errorf("refused %q", refused)
	}
	if res.Text != "Fine, a sword it is." {
		t.Errorf("the spoken line %q still holds the stage direction", res.Text)
	}
	if dialogue := lastDialogue(fake).SystemPrompt; !strings.Contains(dialogue, "- give_item(item: sword)") {
		t.Errorf("the dialogue prompt does not say what the smith does:\n%s", dialogue)
	}

	stream := readSSE(t, postSpeak(t, b.url+"/v1/characters/"+smith.Id+"/speak/stream", "text/event-stream",
		`{"context_messages":[{"speaker":"Kestrel","text":"Here are 10 gold for a sword."}]}`))
	var text string
	for _, ev := range stream {
		if ev.name == "dialogue.delta" {
			var d string
			_ = json.Unmarshal(ev.data["delta"], &d)
			text += d
		}
	}
	if strings.Contains(text, "*") || strings.Contains(text, "slams") || !strings.Contains(text, "a sword it is") {
		t.Errorf("streamed %q", text)
	}
}

// TestActionCataloguesRefuseBadInput: a catalogue no engine could choose from safely is
// refused field by field wherever one is given, and nothing changes.
func TestActionCataloguesRefuseBadInput(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			smith := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Actions: smithCatalogue()})
			conv, err := b.demo.CreateConversationWithResponse(ctx, nil, gen.ConversationCreateRequest{
				Participants: []string{smith.Id, createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"}).Id},
				Scene:        ptr("A gate."),
			})
			if err != nil || conv.JSON201 == nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name, actions, field string
				status               int
			}{
				{"bad name", `[{"name": "Give Item"}]`, "actions.0.name", 422},
				{"name twice", `[{"name": "give"}, {"name": "give"}]`, "actions.1.name", 422},
				{"unknown type", `[{"name": "give", "parameters": {"properties": {"n": {"type": "object"}}}}]`, "", 422},
				{"enum on a number", `[{"name": "give", "parameters": {"properties": {"n": {"type": "number", "enum": ["1"]}}}}]`, "actions.0.parameters.properties.n.enum", 422},
				{"required unknown", `[{"name": "give", "parameters": {"properties": {}, "required": ["item"]}}]`, "actions.0.parameters.required", 422},
				{"bad property name", `[{"name": "give", "parameters": {"properties": {"Item": {"type": "string"}}}}]`, "actions.0.parameters", 422},
				{"nested", `[{"name": "give", "parameters": {"properties": {"n": {"type": "string", "properties": {}}}}}]`, "", 422},
			} {
				t.Run(tc.name, func(t *testing.T) {
					bodies := map[string]func() (int, []byte){
						"create": func() (int, []byte) {
							r, err := b.demo.CreateCharacterWithBodyWithResponse(ctx, nil, "application/json",
								strings.NewReader(`{"role": "blacksmith", "archetype": "mentor", "actions": `+tc.actions+`}`))
							if err != nil {
								t.Fatal(err)
							}
							return r.StatusCode(), r.Body
						},
						"update": func() (int, []byte) {
							r, err := b.demo.UpdateCharacterWithBodyWithResponse(ctx, smith.Id, nil, "application/json", strings.NewReader(`{"actions": `+tc.actions+`}`))
							if err != nil {
								t.Fatal(err)
							}
							return r.StatusCode(), r.Body
						},
						"speak": func() (int, []byte) {
							r, err := b.demo.SpeakCharacterWithBodyWithResponse(ctx, smith.Id, nil, "application/json",
								strings.NewReader(`{"context_messages": [{"speaker": "p", "text": "Hi"}], "actions": `+tc.actions+`}`))
							if err != nil {
								t.Fatal(err)
							}
							return r.StatusCode(), r.Body
						},
						"turn": func() (int, []byte) {
							r, err := b.demo.AdvanceConversationWithBodyWithResponse(ctx, conv.JSON201.Id, nil, "application/json",
								strings.NewReader(`{"message": {"text": "Hi"}, "actions": `+tc.actions+`}`))
							if err != nil {
								t.Fatal(err)
							}
							return r.StatusCode(), r.Body
						},
					}
					for what, post := range bodies {
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
			if after := characterOf(t, b.demo, smith.Id); !reflect.DeepEqual(after.Actions, smith.Actions) {
				t.Errorf("refused updates changed the catalogue: %+v", after.Actions)
			}
			turns, err := b.demo.ListConversationTurnsWithResponse(ctx, conv.JSON201.Id, nil)
			if err != nil || turns.JSON200 == nil || turns.JSON200.Total != 0 {
				t.Errorf("refused turns were taken: %v", err)
			}
			// Another tenant's request cannot change the catalogue.
			if r, err := b.other.UpdateCharacterWithResponse(ctx, smith.Id, nil, gen.UpdateCharacterRequest{Actions: &gen.ActionCatalogue{}}); err != nil || r.StatusCode() != http.StatusNotFound {
				t.Errorf("another tenant's update: %v %d", err, r.StatusCode())
			}
		})
	}
}
