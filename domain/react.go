package domain

import (
	"context"
	"encoding/json"
	"math"
	"strings"
)

// ReactInput is a message the character may respond to.
type ReactInput struct {
	Message Line
	Context string
	// PlayerID is the game's id of the player who said Message, if a player did.
	PlayerID string
}

// Reaction is whether the character wants to speak.
type Reaction struct {
	CharacterID string
	Decision    string // "WANT" or "PASS"
	Reason      string
	Priority    float64
	Engine      string
	Model       string
	// Proposed are the actions the character would take if it spoke, as the engine
	// proposed them (not yet checked against the catalogue); none without a catalogue.
	// Malformed are proposals not even shaped as actions, already refused.
	Proposed  []Action
	Malformed []RefusedAction
	// Usage is what the reaction's model call cost.
	Usage Usage
}

// reactionAnswer is the model's JSON answer.
type reactionAnswer struct {
	Decision string  `json:"decision"`
	Reason   string  `json:"reason"`
	Priority float64 `json:"priority"`
	// Actions is decoded on its own (proposedActions), so a malformed proposal is refused
	// rather than failing the reaction.
	Actions json.RawMessage `json:"actions"`
}

// React decides whether the character wants to respond to a message, and remembers
// hearing it.
func (s *CharacterService) React(ctx context.Context, tenantID, id string, in ReactInput) (*Reaction, error) {
	bad := checkLine("last_message", in.Message)
	if badControl(in.Context) {
		bad = append(bad, FieldError{Field: "context", Message: "must not contain control characters"})
	}
	if bad = append(bad, checkPlayerID(in.PlayerID)...); len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	r, err := s.reaction(ctx, c, in.Message, nil, in.Context, in.PlayerID, nil)
	if err != nil {
		return nil, err
	}
	now := s.now()
	heard := MemoryEntry{
		ID: NewID(PrefixMemory, now), TenantID: tenantID, CharacterID: id, Kind: MemoryHeard,
		Text: in.Message.Text, Speaker: in.Message.Speaker, Importance: importanceOf(in.Message.Text) / 2, CreatedAt: now,
		PlayerID: in.PlayerID, Source: MemorySource{Type: MemorySourceReact, RequestID: RequestIDFrom(ctx)},
	}
	if err := s.Store.AddMemory(ctx, []MemoryEntry{heard}); err != nil {
		return nil, err
	}
	return r, nil
}

// reaction asks the text engine whether c wants to answer line, said after history, with
// gameContext around it, by the player of playerID ("" when no player said it), and which
// actions of catalogue it would take. It writes nothing.
func (s *CharacterService) reaction(ctx context.Context, c *Character, line Line, history []Line, gameContext, playerID string, catalogue []ActionSpec) (*Reaction, error) {
	facts, err := s.promptMemory(ctx, c, line, playerID, gameContext)
	if err != nil {
		return nil, err
	}
	scene := &Scene{
		Character: s.sheet(c), Speaker: line.Speaker, Line: line.Text, History: history,
		Summary: c.MemorySummary, Facts: facts, GameContext: withGameState(c, gameContext), Actions: catalogue,
	}
	scene.Seed = sceneSeed(c.Seed, scene)
	system, user, err := renderReactionPrompt(c, scene)
	if err != nil {
		return nil, err
	}
	res, err := s.Text.Complete(ctx, TextRequest{
		Task: TaskReaction, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Validation, Temperature: s.Models.ValidationTemperature, MaxTokens: reactionTokens(catalogue), JSON: true, Scene: scene,
	})
	if err != nil {
		return nil, err
	}
	var a reactionAnswer
	if err := decodeModelJSON(res.Text, &a); err != nil {
		return nil, badModelOutput("reaction", res)
	}
	decision := strings.ToUpper(strings.TrimSpace(a.Decision))
	if decision != "WANT" && decision != "PASS" {
		return nil, badModelOutput("reaction", res)
	}
	if math.IsNaN(a.Priority) {
		a.Priority = 0
	}
	r := &Reaction{
		CharacterID: c.ID, Decision: decision, Reason: strings.TrimSpace(a.Reason),
		Priority: math.Round(min(max(a.Priority, 0), 1)*100) / 100, Engine: res.Engine, Model: res.Model, Usage: res.Usage,
	}
	if len(catalogue) > 0 {
		r.Proposed, r.Malformed = proposedActions(a.Actions)
	}
	return r, nil
}
