package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// A character's action catalogue and a turn's actions are stored and read back as they
// were written, and an update replaces the catalogue.
func TestActionsAreStored(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("actions", "Wren", base)
			c.Actions = []domain.ActionSpec{
				{Name: "give_item", Description: "Hand over an item.", Params: []domain.ActionParam{
					{Name: "count", Type: domain.ParamInteger}, {Name: "item", Type: domain.ParamString, Enum: []string{"sword", "axe"}, Description: "What."},
				}, Required: []string{"item"}},
				{Name: "follow_player"},
			}
			if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetCharacter(ctx, c.TenantID, c.ID)
			if err != nil || !reflect.DeepEqual(got.Actions, c.Actions) {
				t.Fatalf("catalogue read back %+v, %v; want %+v", got.Actions, err, c.Actions)
			}
			got.Actions = got.Actions[1:]
			if err := db.UpdateCharacter(ctx, got); err != nil {
				t.Fatal(err)
			}
			if again, _ := db.GetCharacter(ctx, c.TenantID, c.ID); !reflect.DeepEqual(again.Actions, got.Actions) {
				t.Errorf("after an update: %+v", again.Actions)
			}

			conv := sampleConversation(c.TenantID, base, 10)
			if err := db.CreateConversation(ctx, conv); err != nil {
				t.Fatal(err)
			}
			turn := sampleTurn(conv, 1, base.Add(time.Minute))
			turn.Actions = []domain.Action{{Name: "give_item", Arguments: map[string]any{"item": "sword", "count": 2.0}, Reason: "Paid."}}
			turn.RefusedActions = []domain.RefusedAction{{Name: "fly_away", Arguments: map[string]any{}, Problem: "not in the catalogue"}}
			if _, err := db.AppendTurn(ctx, turn, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			turns, _, err := db.ListTurns(ctx, conv.TenantID, conv.ID, domain.Page{Limit: 10})
			if err != nil || len(turns) != 1 || !reflect.DeepEqual(turns[0].Actions, turn.Actions) || !reflect.DeepEqual(turns[0].RefusedActions, turn.RefusedActions) {
				t.Fatalf("turn read back %+v %+v, %v", turns[0].Actions, turns[0].RefusedActions, err)
			}
		})
	}
}
