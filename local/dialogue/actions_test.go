package dialogue

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// TestTheLocalEngineChoosesActionsByRule: an action is proposed when the line calls for
// it, with its arguments taken from the line, and never otherwise.
func TestTheLocalEngineChoosesActionsByRule(t *testing.T) {
	e := newEngine(t)
	catalogue := []domain.ActionSpec{
		{Name: "give_item", Params: []domain.ActionParam{{Name: "item", Type: domain.ParamString, Enum: []string{"sword", "axe", "shield"}}}, Required: []string{"item"}},
		{Name: "open_door", Params: []domain.ActionParam{{Name: "door", Type: domain.ParamString}}, Required: []string{"door"}},
		{Name: "follow_player"},
		{Name: "attack", Params: []domain.ActionParam{{Name: "target", Type: domain.ParamString}}, Required: []string{"target"}},
	}
	for _, tt := range []struct {
		line string
		want string // the one action expected, "" for none
		arg  any
	}{
		{"Here are 10 gold for a sword.", "give_item", "sword"},
		{"I'll pay you well for an axe.", "give_item", "axe"},
		{"Open the gate, please.", "open_door", "gate"},
		{"Follow me, quickly!", "follow_player", nil},
		{"Good morning!", "", nil},
		{"Do you have any bread?", "", nil},
		{"Here are 10 gold for a bow.", "", nil},
		{"Did you kill the wolf?", "", nil},
		{"The fight last night was awful.", "", nil},
		{"Are you angry with me? I don't follow.", "", nil},
		{"Is the shop open?", "", nil},
		{"Keep an open mind.", "", nil},
		{"I don't want a sword, here's 5 gold for nothing.", "", nil},
		{"I need help with the wolves.", "", nil},
		{"Take care.", "", nil},
		{"Could you open the north gate?", "open_door", "north gate"},
		{"Bram, give me an axe.", "give_item", "axe"},
	} {
		sc := &domain.Scene{Character: sheet("blacksmith", "mentor", "calm"), Speaker: "Kestrel", Line: tt.line, Actions: catalogue}
		var r reactionJSON
		if err := json.Unmarshal([]byte(complete(t, e, domain.TaskReaction, sc)), &r); err != nil {
			t.Fatal(err)
		}
		switch {
		case tt.want == "" && len(r.Actions) != 0:
			t.Errorf("%q proposed %+v, want nothing", tt.line, r.Actions)
		case tt.want != "" && (len(r.Actions) != 1 || r.Actions[0].Name != tt.want || r.Actions[0].Reason == ""):
			t.Errorf("%q proposed %+v, want %s", tt.line, r.Actions, tt.want)
		case tt.arg != nil && r.Actions[0].Arguments["item"] != tt.arg && r.Actions[0].Arguments["door"] != tt.arg:
			t.Errorf("%q: arguments %v, want %v", tt.line, r.Actions[0].Arguments, tt.arg)
		}
	}
	sc := &domain.Scene{Character: sheet("blacksmith", "mentor", "calm"), Speaker: "Kestrel", Line: "Here are 10 gold for a sword."}
	if out := complete(t, e, domain.TaskReaction, sc); json.Valid([]byte(out)) && containsKey(out, "actions") {
		t.Errorf("a reaction without a catalogue proposes actions: %s", out)
	}
}

func containsKey(raw, key string) bool {
	var m map[string]any
	_ = json.Unmarshal([]byte(raw), &m)
	_, ok := m[key]
	return ok
}

// TestTheLineAgreesWithTheAction: a character handing over a sword says so.
func TestTheLineAgreesWithTheAction(t *testing.T) {
	e := newEngine(t)
	sc := &domain.Scene{Character: sheet("blacksmith", "mentor", "calm"), Speaker: "Kestrel", Line: "Here are 10 gold for a sword.",
		Doing: []domain.Action{{Name: "give_item", Arguments: map[string]any{"item": "sword"}}}}
	if got := complete(t, e, domain.TaskDialogue, sc); !strings.HasPrefix(got, "Here, the sword is yours. ") {
		t.Errorf("the line %q does not say the sword is handed over", got)
	}
	sc.Doing = []domain.Action{{Name: "wave_flag"}}
	if got := complete(t, e, domain.TaskDialogue, sc); strings.HasPrefix(got, "Here, the") {
		t.Errorf("an action without words was acknowledged: %q", got)
	}
}
