package domain

import (
	"slices"
	"strings"
	"testing"
)

// smithActions is a blacksmith's catalogue: give an item from stock, open the forge door,
// follow the player.
var smithActions = []ActionSpec{
	{Name: "give_item", Description: "Hand over an item.", Params: []ActionParam{{Name: "item", Type: ParamString, Enum: []string{"sword", "axe"}}}, Required: []string{"item"}},
	{Name: "open_door", Params: []ActionParam{{Name: "door", Type: ParamString}}, Required: []string{"door"}},
	{Name: "set_price", Params: []ActionParam{{Name: "gold", Type: ParamInteger}, {Name: "haggle", Type: ParamBoolean}}},
}

func TestCataloguesAreChecked(t *testing.T) {
	if bad := checkCatalogue("actions", smithActions); len(bad) != 0 {
		t.Fatalf("a good catalogue: %v", bad)
	}
	for _, tt := range []struct {
		field string
		specs []ActionSpec
	}{
		{"actions.0.name", []ActionSpec{{Name: "Give Item"}}},
		{"actions.1.name", []ActionSpec{{Name: "give"}, {Name: "give"}}},
		{"actions.0.description", []ActionSpec{{Name: "give", Description: strings.Repeat("x", 301)}}},
		{"actions.0.parameters.properties.n.type", []ActionSpec{{Name: "give", Params: []ActionParam{{Name: "n", Type: "object"}}}}},
		{"actions.0.parameters.properties.n.enum", []ActionSpec{{Name: "give", Params: []ActionParam{{Name: "n", Type: ParamNumber, Enum: []string{"1"}}}}}},
		{"actions.0.parameters.required", []ActionSpec{{Name: "give", Required: []string{"item"}}}},
		{"actions", make([]ActionSpec, MaxActions+1)},
	} {
		bad := checkCatalogue("actions", tt.specs)
		if !slices.ContainsFunc(bad, func(f FieldError) bool { return f.Field == tt.field }) {
			t.Errorf("%s: %v, want an error on it", tt.field, bad)
		}
	}
}

func TestOnlyActionsOfTheCatalogueReachTheGame(t *testing.T) {
	proposed := []Action{
		{Name: "give_item", Arguments: map[string]any{"item": "sword"}, Reason: "Paid for."},
		{Name: "fly_away", Arguments: map[string]any{}},
		{Name: "open_door", Arguments: map[string]any{}},
		{Name: "set_price", Arguments: map[string]any{"gold": 12.5}},
		{Name: "give_item", Arguments: map[string]any{"item": "sword"}},
		{Name: "set_price", Arguments: map[string]any{"gold": "ten"}},
		{Name: "set_price", Arguments: map[string]any{"gold": 12.0, "haggle": true, "extra": 1.0}},
		{Name: "set_price", Arguments: map[string]any{"gold": 12.0, "haggle": true}},
	}
	accepted, refused := vetActions(smithActions, proposed)
	if len(accepted) != 2 || accepted[0].Name != "give_item" || accepted[0].Reason != "Paid for." ||
		accepted[1].Name != "set_price" || accepted[1].Arguments["gold"] != 12.0 || accepted[1].Arguments["haggle"] != true {
		t.Fatalf("accepted %+v", accepted)
	}
	var problems []string
	for _, r := range refused {
		problems = append(problems, r.Name+": "+r.Problem)
	}
	want := []string{
		`fly_away: "fly_away" is not in the action catalogue`,
		`open_door: open_door needs "door"`,
		`set_price: "gold" must be a whole number`,
		`give_item: chosen twice`,
		`set_price: "gold" must be a number`,
		`set_price: set_price has no parameter "extra"`,
	}
	if !slices.Equal(problems, want) {
		t.Errorf("refused:\n%q\nwant\n%q", problems, want)
	}
	if _, refused := vetActions(smithActions, []Action{{Name: "give_item", Arguments: map[string]any{"item": "bow"}}}); len(refused) != 1 ||
		!strings.Contains(refused[0].Problem, "one of sword, axe") {
		t.Errorf("an item outside the enum: %+v", refused)
	}
}

func TestARequestsCatalogueAddsToTheCharacters(t *testing.T) {
	own := []ActionSpec{{Name: "give_item"}, {Name: "open_door", Description: "old"}}
	got := catalogueFor(own, []ActionSpec{{Name: "open_door", Description: "new"}, {Name: "follow_player"}})
	var names []string
	for _, a := range got {
		names = append(names, a.Name+"/"+a.Description)
	}
	if !slices.Equal(names, []string{"give_item/", "open_door/new", "follow_player/"}) {
		t.Errorf("catalogue %q", names)
	}
}

func TestStageDirectionsAreNeverSpoken(t *testing.T) {
	for _, tt := range []struct {
		text  string
		final bool
		want  string
	}{
		{"*slams tankard* Fine, a sword it is.", true, "Fine, a sword it is."},
		{"Fine. *slams tankard* A sword it is.", true, "Fine. A sword it is."},
		{"Fine. *nods*", true, "Fine."},
		{"*nods*", true, "…"},
		{"Fine. *slams tan", false, "Fine."},
		{"Aye.\n\nThe forge is hot. *wipes", false, "Aye.\n\nThe forge is hot."},
		{"Aye.\n\nThe forge is hot. *wipes brow* Come back.", true, "Aye.\n\nThe forge is hot. Come back."},
		{"I *never* said that.", true, "I *never* said that."},
		{"I *nev", false, "I *nev"},
		{"Two * three", true, "Two * three"},
		{"No stars here.", false, "No stars here."},
	} {
		if got := withoutStageDirections(tt.text, tt.final); got != tt.want {
			t.Errorf("withoutStageDirections(%q, %v) = %q, want %q", tt.text, tt.final, got, tt.want)
		}
	}
	// While streaming, what is released is always the start of the final text.
	line := "Aye.\n\nThe forge is hot. *wipes brow* Come back. *nods* Or not."
	final := withoutStageDirections(line, true)
	for n := range len(line) {
		if part := withoutStageDirections(line[:n], false); !strings.HasPrefix(final, part) {
			t.Fatalf("after %d bytes %q is not the start of %q", n, part, final)
		}
	}
}
