package store

import (
	"encoding/json"
	"fmt"

	"github.com/troupe-ai/troupe/domain"
)

// The JSON shapes of the action columns, kept apart from the domain types as the other
// JSON columns are, so renaming a domain field never changes what is stored.
type (
	actionSpecJSON struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		Params      []actionParamJSON `json:"params"`
		Required    []string          `json:"required"`
	}
	actionParamJSON struct {
		Name        string   `json:"name"`
		Type        string   `json:"type"`
		Description string   `json:"description"`
		Enum        []string `json:"enum"`
	}
	actionJSON struct {
		Name      string         `json:"name"`
		Arguments map[string]any `json:"arguments"`
		Reason    string         `json:"reason"`
	}
	refusedActionJSON struct {
		Name      string         `json:"name"`
		Arguments map[string]any `json:"arguments"`
		Problem   string         `json:"problem"`
	}
	turnActionsJSON struct {
		Actions []actionJSON        `json:"actions"`
		Refused []refusedActionJSON `json:"refused"`
	}
)

func encodeCatalogue(specs []domain.ActionSpec) (string, error) {
	out := make([]actionSpecJSON, len(specs))
	for i, a := range specs {
		params := make([]actionParamJSON, len(a.Params))
		for j, p := range a.Params {
			params[j] = actionParamJSON{Name: p.Name, Type: string(p.Type), Description: p.Description, Enum: nonNil(p.Enum)}
		}
		out[i] = actionSpecJSON{Name: a.Name, Description: a.Description, Params: params, Required: nonNil(a.Required)}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("store: encode actions: %w", err)
	}
	return string(b), nil
}

func decodeCatalogue(raw string) ([]domain.ActionSpec, error) {
	var in []actionSpecJSON
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, fmt.Errorf("store: decode actions: %w", err)
	}
	// No catalogue reads as nil, as the domain writes it.
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]domain.ActionSpec, len(in))
	for i, a := range in {
		var params []domain.ActionParam
		for _, p := range a.Params {
			params = append(params, domain.ActionParam{Name: p.Name, Type: domain.ActionParamType(p.Type), Description: p.Description, Enum: nilIfEmpty(p.Enum)})
		}
		out[i] = domain.ActionSpec{Name: a.Name, Description: a.Description, Params: params, Required: nilIfEmpty(a.Required)}
	}
	return out, nil
}

func encodeTurnActions(t *domain.Turn) (string, error) {
	v := turnActionsJSON{Actions: make([]actionJSON, len(t.Actions)), Refused: make([]refusedActionJSON, len(t.RefusedActions))}
	for i, a := range t.Actions {
		v.Actions[i] = actionJSON{Name: a.Name, Arguments: nonNilMap(a.Arguments), Reason: a.Reason}
	}
	for i, r := range t.RefusedActions {
		v.Refused[i] = refusedActionJSON{Name: r.Name, Arguments: nonNilMap(r.Arguments), Problem: r.Problem}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode turn actions: %w", err)
	}
	return string(b), nil
}

func decodeTurnActions(raw string, t *domain.Turn) error {
	var v turnActionsJSON
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return fmt.Errorf("store: decode turn %s actions: %w", t.ID, err)
	}
	// None reads as nil, as a turn without actions is written.
	for _, a := range v.Actions {
		t.Actions = append(t.Actions, domain.Action{Name: a.Name, Arguments: nonNilMap(a.Arguments), Reason: a.Reason})
	}
	for _, r := range v.Refused {
		t.RefusedActions = append(t.RefusedActions, domain.RefusedAction{Name: r.Name, Arguments: nonNilMap(r.Arguments), Problem: r.Problem})
	}
	return nil
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
