package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestGameEventValidation(t *testing.T) {
	ok := GameEventInput{Type: "gift", Description: "The player gave you a healing potion.", PlayerID: "p1",
		Data: map[string]any{"time_of_day": "night", "gold": 12.0, "raining": true, "bridge": nil}}
	if err := ValidateGameEvent(ok); err != nil {
		t.Fatalf("a good event: %v", err)
	}
	for _, tt := range []struct {
		field string
		edit  func(*GameEventInput)
	}{
		{"type", func(in *GameEventInput) { in.Type = "Gift!" }},
		{"type", func(in *GameEventInput) { in.Type = "" }},
		{"description", func(in *GameEventInput) { in.Description = "  " }},
		{"description", func(in *GameEventInput) { in.Description = strings.Repeat("a", 1001) }},
		{"description", func(in *GameEventInput) { in.Description = "nul\x00" }},
		{"player_id", func(in *GameEventInput) { in.PlayerID = "no spaces" }},
		{"importance", func(in *GameEventInput) { v := 1.5; in.Importance = &v }},
		{"data.1bad", func(in *GameEventInput) { in.Data = map[string]any{"1bad": "x"} }},
		{"data.nested", func(in *GameEventInput) { in.Data = map[string]any{"nested": map[string]any{"a": 1}} }},
		{"data.long", func(in *GameEventInput) { in.Data = map[string]any{"long": strings.Repeat("v", 201)} }},
	} {
		in := ok
		tt.edit(&in)
		err := ValidateGameEvent(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeValidation || !hasField(e, tt.field) {
			t.Errorf("%s: %v, want a validation error naming it", tt.field, err)
		}
	}
}

func hasField(e *Error, field string) bool {
	fields, _ := e.Details["fields"].([]FieldError)
	for _, f := range fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestGameEventsMoveByTypeOrWords(t *testing.T) {
	if a := appraiseEvent("gift", "Something happened."); a.Trust <= 0 || a.Affinity <= 0 || a.Feel[EmotionJoy] <= 0 {
		t.Errorf("a gift event: %+v", a)
	}
	if a := appraiseEvent("attack", "x"); a.Trust >= 0 || a.Feel[EmotionFear] <= 0 {
		t.Errorf("an attack event: %+v", a)
	}
	if a := appraiseEvent("rumour", "They say the king is dead."); len(a.Stimuli) != 1 || a.Stimuli[0] != "bad news" {
		t.Errorf("an untyped event judged by its words: %+v", a)
	}
	if a := appraiseEvent("world_state", "Night falls."); !a.Zero() {
		t.Errorf("a change of state moved %+v", a)
	}
}

func TestGameStateMergesAndReachesThePrompt(t *testing.T) {
	state := MergeGameState(map[string]string{"time_of_day": "day", "bridge": "up"}, map[string]string{"time_of_day": "night", "bridge": "", "weather": "rain"})
	if len(state) != 2 || state["time_of_day"] != "night" || state["weather"] != "rain" {
		t.Errorf("merged %v", state)
	}
	c := &Character{GameState: state}
	if got := withGameState(c, "The player is wounded."); got != "World state: time_of_day=night, weather=rain.\nThe player is wounded." {
		t.Errorf("game context %q", got)
	}
	if got := withGameState(&Character{}, "x"); got != "x" {
		t.Errorf("no state: %q", got)
	}
	full := map[string]string{}
	for i := range maxGameState {
		full[strings.Repeat("k", 1)+string(rune('A'+i%26))+string(rune('a'+i/26))] = "v"
	}
	merged := MergeGameState(full, map[string]string{"zz_new": "v", "kAa": "changed"})
	if len(merged) != maxGameState || merged["kAa"] != "changed" || merged["zz_new"] != "" {
		t.Errorf("a full state took a new key or lost an update: %d keys", len(merged))
	}
}
