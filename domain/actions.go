package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Actions are what the game lets an NPC do (give an item, open a door, attack, follow the
// player): the game declares them as a catalogue, on the character or per request, and a
// reply or a turn may carry some, chosen by the engine and validated here against the
// catalogue, so an invented action or a bad argument never reaches the game. An engine
// chooses them before the line is written (the local engine by rule, a model with a JSON
// answer), and the line is then written to agree with them.

// Bounds of an action catalogue.
const (
	MaxActions          = 32
	maxActionParams     = 16
	maxActionText       = 300
	maxActionEnum       = 64
	maxActionsChosen    = 3
	maxActionArgRunes   = 200
	maxActionReasonRune = 300
)

var (
	actionNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	paramNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// ActionParamType is the type of an action's parameter.
type ActionParamType string

// The parameter types.
const (
	ParamString  ActionParamType = "string"
	ParamNumber  ActionParamType = "number"
	ParamInteger ActionParamType = "integer"
	ParamBoolean ActionParamType = "boolean"
)

// ActionSpec is one thing the game lets a character do.
type ActionSpec struct {
	Name        string
	Description string
	// Params are the action's parameters, in name order.
	Params []ActionParam
	// Required names the parameters that must be given.
	Required []string
}

// requires reports whether the action needs the parameter.
func (a ActionSpec) requires(param string) bool { return slices.Contains(a.Required, param) }

// ActionParam is one parameter of an action.
type ActionParam struct {
	Name        string
	Type        ActionParamType
	Description string
	// Enum, for a string parameter, lists the only values allowed.
	Enum []string
}

// Action is an action chosen for a line: what the game should make the character do.
type Action struct {
	Name      string
	Arguments map[string]any
	Reason    string
}

// RefusedAction is an action an engine proposed that the catalogue does not allow, kept
// so a designer can see what a model tried; it never reaches the game as an action.
type RefusedAction struct {
	Name      string
	Arguments map[string]any
	Problem   string
}

// checkCatalogue refuses a catalogue no engine could choose from safely: bad or duplicate
// names, overlong descriptions, parameters of unknown types, enums on non-strings.
func checkCatalogue(field string, specs []ActionSpec) []FieldError {
	var bad []FieldError
	if len(specs) > MaxActions {
		return []FieldError{{Field: field, Message: fmt.Sprintf("must hold at most %d actions", MaxActions)}}
	}
	seen := map[string]bool{}
	for i, a := range specs {
		at := fmt.Sprintf("%s.%d", field, i)
		switch {
		case !actionNamePattern.MatchString(a.Name):
			bad = append(bad, FieldError{Field: at + ".name", Message: "must be 1 to 64 lower-case letters, digits or _ starting with a letter"})
		case seen[a.Name]:
			bad = append(bad, FieldError{Field: at + ".name", Message: fmt.Sprintf("%q is declared twice", a.Name)})
		}
		seen[a.Name] = true
		if utf8.RuneCountInString(a.Description) > maxActionText || badControl(a.Description) {
			bad = append(bad, FieldError{Field: at + ".description", Message: fmt.Sprintf("must be at most %d characters, without control characters", maxActionText)})
		}
		if len(a.Params) > maxActionParams {
			bad = append(bad, FieldError{Field: at + ".parameters", Message: fmt.Sprintf("must have at most %d properties", maxActionParams)})
			continue
		}
		names := map[string]bool{}
		for _, p := range a.Params {
			pf := at + ".parameters.properties." + p.Name
			switch {
			case !paramNamePattern.MatchString(p.Name):
				bad = append(bad, FieldError{Field: at + ".parameters", Message: fmt.Sprintf("property %q must be 1 to 64 lower-case letters, digits or _ starting with a letter", p.Name)})
			case names[p.Name]:
				bad = append(bad, FieldError{Field: pf, Message: "is declared twice"})
			}
			names[p.Name] = true
			switch p.Type {
			case ParamString, ParamNumber, ParamInteger, ParamBoolean:
			default:
				bad = append(bad, FieldError{Field: pf + ".type", Message: "must be string, number, integer or boolean"})
			}
			if len(p.Enum) > 0 && p.Type != ParamString {
				bad = append(bad, FieldError{Field: pf + ".enum", Message: "is allowed on string properties only"})
			}
			if len(p.Enum) > maxActionEnum {
				bad = append(bad, FieldError{Field: pf + ".enum", Message: fmt.Sprintf("must hold at most %d values", maxActionEnum)})
			}
			for _, e := range p.Enum {
				if strings.TrimSpace(e) == "" || badControl(e) || utf8.RuneCountInString(e) > maxActionArgRunes {
					bad = append(bad, FieldError{Field: pf + ".enum", Message: fmt.Sprintf("values must be 1 to %d characters, not blank, without control characters", maxActionArgRunes)})
					break
				}
			}
			if utf8.RuneCountInString(p.Description) > maxActionText || badControl(p.Description) {
				bad = append(bad, FieldError{Field: pf + ".description", Message: fmt.Sprintf("must be at most %d characters, without control characters", maxActionText)})
			}
		}
		for _, r := range a.Required {
			if !names[r] {
				bad = append(bad, FieldError{Field: at + ".parameters.required", Message: fmt.Sprintf("names %q, which is not among its properties", r)})
			}
		}
	}
	return bad
}

// catalogueFor is the catalogue of a line: the character's, with the request's added and
// replacing any of the same name.
func catalogueFor(character, request []ActionSpec) []ActionSpec {
	if len(request) == 0 {
		return character
	}
	out := make([]ActionSpec, 0, len(character)+len(request))
	for _, a := range character {
		if !slices.ContainsFunc(request, func(r ActionSpec) bool { return r.Name == a.Name }) {
			out = append(out, a)
		}
	}
	return append(out, request...)
}

// vetActions splits what an engine proposed into the actions the catalogue allows, with
// their arguments checked and normalised (a whole number for an integer), and the
// refused ones with why. At most maxActionsChosen are kept, and each action once.
func vetActions(catalogue []ActionSpec, proposed []Action) ([]Action, []RefusedAction) {
	accepted, refused := []Action{}, []RefusedAction{}
	for _, p := range proposed {
		spec := findAction(catalogue, p.Name)
		problem := ""
		args := map[string]any{}
		switch {
		case spec == nil:
			problem = fmt.Sprintf("%q is not in the action catalogue", p.Name)
		case slices.ContainsFunc(accepted, func(a Action) bool { return a.Name == p.Name }):
			problem = "chosen twice"
		case len(accepted) == maxActionsChosen:
			problem = fmt.Sprintf("more than %d actions for one line", maxActionsChosen)
		default:
			args, problem = checkArguments(*spec, p.Arguments)
		}
		if problem != "" {
			refused = append(refused, RefusedAction{Name: clip(p.Name, 64), Arguments: shownArguments(p.Arguments), Problem: problem})
			continue
		}
		accepted = append(accepted, Action{Name: p.Name, Arguments: args, Reason: clip(strings.TrimSpace(p.Reason), maxActionReasonRune)})
	}
	return accepted, refused
}

func findAction(catalogue []ActionSpec, name string) *ActionSpec {
	for i := range catalogue {
		if catalogue[i].Name == name {
			return &catalogue[i]
		}
	}
	return nil
}

// checkArguments checks args against the action's parameters: every required one
// present, none unknown, each of its type and in its enum.
func checkArguments(spec ActionSpec, args map[string]any) (map[string]any, string) {
	out := map[string]any{}
	for name := range args {
		if !slices.ContainsFunc(spec.Params, func(p ActionParam) bool { return p.Name == name }) {
			return nil, fmt.Sprintf("%s has no parameter %q", spec.Name, name)
		}
	}
	for _, p := range spec.Params {
		v, ok := args[p.Name]
		if !ok || v == nil {
			if spec.requires(p.Name) {
				return nil, fmt.Sprintf("%s needs %q", spec.Name, p.Name)
			}
			continue
		}
		switch p.Type {
		case ParamString:
			s, ok := v.(string)
			if !ok || utf8.RuneCountInString(s) > maxActionArgRunes || badControl(s) {
				return nil, fmt.Sprintf("%q must be a string of at most %d characters", p.Name, maxActionArgRunes)
			}
			if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
				return nil, fmt.Sprintf("%q must be one of %s", p.Name, strings.Join(p.Enum, ", "))
			}
			out[p.Name] = s
		case ParamNumber, ParamInteger:
			f, ok := v.(float64)
			if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Sprintf("%q must be a number", p.Name)
			}
			if p.Type == ParamInteger && f != math.Trunc(f) {
				return nil, fmt.Sprintf("%q must be a whole number", p.Name)
			}
			out[p.Name] = f
		case ParamBoolean:
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Sprintf("%q must be true or false", p.Name)
			}
			out[p.Name] = b
		}
	}
	return out, ""
}

// stageDirection is an action written into a line between asterisks at the start of the
// line or of a sentence ("*slams tankard* Fine." or "Fine. *nods*"), with the space around
// it; an asterisk inside a sentence is emphasis ("I *never* said that") and stays.
var stageDirection = regexp.MustCompile(`(^|[.!?…]["”']?)\s*\*[^*\n]{1,120}\*\s*`)

// withoutStageDirections removes what a model wrote between asterisks as an action, so it
// is never read aloud: what a character does reaches the game as actions, not as words.
// When final is false (a stream still being written) the text stops before an asterisk
// that may open one, with the space before it, so what is released is always the start of
// what the final text will be. A line that was nothing but a direction becomes "…".
func withoutStageDirections(text string, final bool) string {
	if !strings.Contains(text, "*") {
		return text
	}
	out := stageDirection.ReplaceAllStringFunc(text, func(m string) string {
		end := stageDirection.FindStringSubmatch(m)[1]
		if end == "" {
			return ""
		}
		return end + " "
	})
	if !final {
		if i := strings.LastIndexByte(out, '*'); i >= 0 && opensDirection(out, i) {
			out = strings.TrimRight(out[:i], " \t")
		}
		return out
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return "…"
	}
	return out
}

// opensDirection reports whether the asterisk at i may open a stage direction still being
// written: it stands at the start of the text or of a sentence, and nothing closes it.
func opensDirection(text string, i int) bool {
	if strings.Contains(text[i+1:], "*") {
		return false
	}
	before := strings.TrimRight(text[:i], " \t\n")
	return before == "" || strings.ContainsAny(before[len(before)-1:], ".!?\"”'…")
}

// chooseActions asks the engine which actions of the line's catalogue the character takes
// as it answers (the reaction task, which proposes them), checks them against the
// catalogue, and returns what the call cost. Without a catalogue it asks nothing.
func (s *CharacterService) chooseActions(ctx context.Context, c *Character, in SpeakInput) ([]Action, []RefusedAction, Usage, error) {
	catalogue := catalogueFor(c.Actions, in.Actions)
	if len(catalogue) == 0 {
		return []Action{}, []RefusedAction{}, Usage{}, nil
	}
	last := in.Messages[len(in.Messages)-1]
	history := in.Messages[:len(in.Messages)-1]
	if len(history) > promptHistory {
		history = history[len(history)-promptHistory:]
	}
	r, err := s.reaction(ctx, c, last, history, in.GameContext, in.PlayerID, catalogue)
	if err != nil {
		return nil, nil, Usage{}, err
	}
	accepted, refused := vetActions(catalogue, r.Proposed)
	return accepted, append(refused, r.Malformed...), r.Usage, nil
}

// actionLines renders a catalogue for a prompt, one action a line:
// "give_item(item: one of sword, axe; required): Hand the player an item.".
func actionLines(specs []ActionSpec) []string {
	out := make([]string, len(specs))
	for i, a := range specs {
		params := make([]string, len(a.Params))
		for j, p := range a.Params {
			kind := string(p.Type)
			if len(p.Enum) > 0 {
				kind = "one of " + strings.Join(p.Enum, ", ")
			}
			if a.requires(p.Name) {
				kind += "; required"
			}
			if p.Description != "" {
				kind += "; " + p.Description
			}
			params[j] = p.Name + ": " + kind
		}
		out[i] = a.Name + "(" + strings.Join(params, " | ") + ")"
		if a.Description != "" {
			out[i] += ": " + a.Description
		}
	}
	return out
}

// doingLines renders chosen actions for the dialogue prompt: "give_item(item: sword)".
func doingLines(actions []Action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		args := make([]string, 0, len(a.Arguments))
		for _, k := range sortedKeys(a.Arguments) {
			args = append(args, fmt.Sprintf("%s: %v", k, a.Arguments[k]))
		}
		out[i] = a.Name + "(" + strings.Join(args, ", ") + ")"
	}
	return out
}

// reactionTokens is the room a reaction's answer gets: a decision alone fits in 120
// tokens; with a catalogue it may also propose up to three actions with their arguments.
func reactionTokens(catalogue []ActionSpec) int {
	if len(catalogue) == 0 {
		return 120
	}
	return 400
}

// proposedActions decodes the "actions" of a reaction answer leniently: what is shaped as
// an action (a name, an object of arguments) is proposed, anything else is refused with
// why, and an answer without actions, or whose actions are not a list, proposes none.
func proposedActions(raw json.RawMessage) ([]Action, []RefusedAction) {
	var items []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil, nil
	}
	var proposed []Action
	var refused []RefusedAction
	for i, item := range items {
		if i == 2*maxActionsChosen {
			refused = append(refused, RefusedAction{Arguments: map[string]any{}, Problem: fmt.Sprintf("%d more proposals were not read", len(items)-i)})
			break
		}
		var p struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
			Reason    string          `json:"reason"`
		}
		if err := json.Unmarshal(item, &p); err != nil {
			refused = append(refused, RefusedAction{Arguments: map[string]any{}, Problem: "not an action: " + clip(string(item), 80)})
			continue
		}
		args := map[string]any{}
		if len(p.Arguments) > 0 && string(p.Arguments) != "null" && json.Unmarshal(p.Arguments, &args) != nil {
			refused = append(refused, RefusedAction{Name: clip(p.Name, 64), Arguments: map[string]any{}, Problem: "arguments must be an object"})
			continue
		}
		proposed = append(proposed, Action{Name: p.Name, Arguments: args, Reason: p.Reason})
	}
	return proposed, refused
}

// shownArguments are a refused proposal's arguments as the API shows them: at most 16,
// nulls left out, so what a model made up stays small and of the declared shape.
func shownArguments(args map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range sortedKeys(args) {
		if len(out) == maxActionParams {
			break
		}
		if args[k] != nil {
			out[clip(k, 64)] = args[k]
		}
	}
	return out
}
