package domain

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PrefixGameEvent begins the id of a game event.
const PrefixGameEvent = "gev_"

// MemorySourceEvent marks entries a game event wrote; the source names the event.
const MemorySourceEvent MemorySourceType = "event"

// Bounds of a game event.
const (
	maxEventDescription = 1000
	maxEventDataKeys    = 32
	maxEventValue       = 200
	// defaultEventImportance is what an event matters when the game does not say: more
	// than small talk, since the game chose to tell.
	defaultEventImportance = 0.7
	// maxGameState bounds the keys a character keeps of the game's state.
	maxGameState = 64
)

var (
	eventTypePattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,63}$`)
	stateKeyPattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)
)

// GameEventInput is what the game tells a character happened.
type GameEventInput struct {
	// PlayerID is the player who did it, if one did; the character's relationship with
	// them moves.
	PlayerID string
	// Type names what happened: one of eventAppraisals' keys moves feelings and
	// relationship by a fixed rule; any other is judged by its description's words.
	Type        string
	Description string
	// Importance is 0–1; nil means defaultEventImportance.
	Importance *float64
	// Data is key/value state of the game ("time_of_day": "night") merged into what the
	// character knows of it: strings, numbers and booleans; null removes a key.
	Data map[string]any
}

// GameEvent is an event as a character took it in.
type GameEvent struct {
	ID          string
	CharacterID string
	PlayerID    string
	Type        string
	Description string
	Data        map[string]any
	// Appraisal is what the event did to the character.
	Appraisal Appraisal
	Memory    MemoryEntry
	// Feelings and GameState are the character's after the event.
	Feelings  Feelings
	GameState map[string]string
	// Relationship is the character's relationship with the player after it, when a
	// player did it.
	Relationship *Relationship
	CreatedAt    time.Time
}

// eventAppraisals are the event types with a fixed effect, for what words describe
// poorly ("the player gave you a healing potion" is a gift however it is phrased). The
// effects are an event's, stronger than a line's: a deed weighs more than a word.
var eventAppraisals = map[string]Appraisal{
	"gift":            {Stimuli: []string{"gift"}, Feel: map[Emotion]float64{EmotionJoy: 0.35, EmotionSurprise: 0.15, EmotionTrust: 0.2}, Trust: 0.2, Affinity: 0.3},
	"help":            {Stimuli: []string{"help"}, Feel: map[Emotion]float64{EmotionJoy: 0.2, EmotionTrust: 0.25}, Trust: 0.25, Affinity: 0.2},
	"quest_completed": {Stimuli: []string{"quest completed"}, Feel: map[Emotion]float64{EmotionJoy: 0.35, EmotionTrust: 0.2}, Trust: 0.3, Affinity: 0.2},
	"quest_failed":    {Stimuli: []string{"quest failed"}, Feel: map[Emotion]float64{EmotionSadness: 0.25, EmotionAnger: 0.1}, Trust: -0.15, Affinity: -0.05},
	"attack":          {Stimuli: []string{"attack"}, Feel: map[Emotion]float64{EmotionFear: 0.4, EmotionAnger: 0.4, EmotionTrust: -0.3}, Trust: -0.5, Affinity: -0.4},
	"theft":           {Stimuli: []string{"theft"}, Feel: map[Emotion]float64{EmotionAnger: 0.35, EmotionDisgust: 0.25}, Trust: -0.4, Affinity: -0.25},
	"insult":          {Stimuli: []string{"insult"}, Feel: map[Emotion]float64{EmotionAnger: 0.35, EmotionDisgust: 0.2}, Trust: -0.15, Affinity: -0.25},
	"threat":          {Stimuli: []string{"threat"}, Feel: map[Emotion]float64{EmotionFear: 0.35, EmotionAnger: 0.2}, Trust: -0.3, Affinity: -0.2},
	"praise":          {Stimuli: []string{"praise"}, Feel: map[Emotion]float64{EmotionJoy: 0.25}, Trust: 0.05, Affinity: 0.2},
	"death":           {Stimuli: []string{"death"}, Feel: map[Emotion]float64{EmotionSadness: 0.5, EmotionFear: 0.2}},
	"danger":          {Stimuli: []string{"danger"}, Feel: map[Emotion]float64{EmotionFear: 0.4, EmotionAnticipation: 0.15}},
	"celebration":     {Stimuli: []string{"celebration"}, Feel: map[Emotion]float64{EmotionJoy: 0.4, EmotionAnticipation: 0.1}},
	// A change of the world's state moves nothing by itself.
	"world_state": {},
}

// appraiseEvent is what an event does: its type's fixed effect, else its description's.
func appraiseEvent(typ, description string) Appraisal {
	if a, ok := eventAppraisals[typ]; ok {
		return a
	}
	return Appraise(description)
}

// ValidateGameEvent refuses what no character can take in: a bad type, a blank or
// overlong description, a bad player id, an importance out of 0–1, and data with too
// many keys, bad keys or values that are not short strings, numbers, booleans or null.
func ValidateGameEvent(in GameEventInput) error {
	var bad []FieldError
	if !eventTypePattern.MatchString(in.Type) {
		bad = append(bad, FieldError{Field: "type", Message: "must be 1 to 64 lower-case letters, digits or _.- starting with a letter"})
	}
	switch d := strings.TrimSpace(in.Description); {
	case d == "":
		bad = append(bad, FieldError{Field: "description", Message: "must not be blank"})
	case utf8.RuneCountInString(in.Description) > maxEventDescription:
		bad = append(bad, FieldError{Field: "description", Message: fmt.Sprintf("must be at most %d characters", maxEventDescription)})
	case badControl(in.Description):
		bad = append(bad, FieldError{Field: "description", Message: "must not contain control characters"})
	}
	bad = append(bad, checkPlayerID(in.PlayerID)...)
	if in.Importance != nil {
		bad = append(bad, checkImportance(*in.Importance)...)
	}
	if len(in.Data) > maxEventDataKeys {
		bad = append(bad, FieldError{Field: "data", Message: fmt.Sprintf("must have at most %d keys", maxEventDataKeys)})
	}
	for _, k := range sortedKeys(in.Data) {
		if !stateKeyPattern.MatchString(k) {
			bad = append(bad, FieldError{Field: "data." + k, Message: "key must be 1 to 64 letters, digits or _.- starting with a letter"})
			continue
		}
		switch v := in.Data[k].(type) {
		case nil, bool:
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad = append(bad, FieldError{Field: "data." + k, Message: "must be a finite number"})
			}
		case string:
			if utf8.RuneCountInString(v) > maxEventValue || badControl(v) {
				bad = append(bad, FieldError{Field: "data." + k, Message: fmt.Sprintf("must be at most %d characters, without control characters", maxEventValue)})
			}
		default:
			bad = append(bad, FieldError{Field: "data." + k, Message: "must be a string, a number, a boolean or null"})
		}
	}
	if len(bad) > 0 {
		return ValidationError(bad...)
	}
	return nil
}

// RecordEvent tells the character what happened in the game: the event becomes a memory
// entry (a fact, sourced to the event), moves its feelings and its relationship with the
// player who did it, and merges the event's data into the game state its next lines are
// told of, all in one transaction. It returns VALIDATION_ERROR for bad input and
// CHAR_NOT_FOUND when the tenant has no such character; nothing changes on either.
func (s *CharacterService) RecordEvent(ctx context.Context, tenantID, id string, in GameEventInput) (*GameEvent, error) {
	if err := ValidateGameEvent(in); err != nil {
		return nil, err
	}
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ev, ch := s.takeIn(c, in, NewID(PrefixGameEvent, now), now, MemorySource{Type: MemorySourceEvent, RequestID: RequestIDFrom(ctx)})
	if err := s.Store.RecordExchange(ctx, tenantID, []MemoryEntry{ev.Memory}, []StateChange{ch}); err != nil {
		return nil, err
	}
	return s.afterEvent(ctx, c, ev, ch)
}

// takeIn is event id as c takes it in at now, and the state change it makes.
func (s *CharacterService) takeIn(c *Character, in GameEventInput, id string, now time.Time, src MemorySource) (*GameEvent, StateChange) {
	ev := &GameEvent{
		ID: id, CharacterID: c.ID, PlayerID: in.PlayerID, Type: in.Type,
		Description: strings.TrimSpace(in.Description), Data: in.Data, Appraisal: appraiseEvent(in.Type, in.Description), CreatedAt: now,
	}
	if ev.Data == nil {
		ev.Data = map[string]any{}
	}
	src.EventID = ev.ID
	importance := defaultEventImportance
	if in.Importance != nil {
		importance = *in.Importance
	}
	ev.Memory = MemoryEntry{
		ID: NewID(PrefixMemory, now), TenantID: c.TenantID, CharacterID: c.ID, Kind: MemoryFact,
		Text: ev.Description, Speaker: "event:" + in.Type, Importance: importance, PlayerID: in.PlayerID, Source: src, CreatedAt: now,
	}
	ch := StateChange{CharacterID: c.ID, Mood: c.Mood, Feel: ev.Appraisal.Feel, GameState: gameStateOf(in.Data), At: now}
	if in.PlayerID != "" {
		ch.Relation = &RelationMove{
			// No name: the relationship keeps the one the player's lines gave it.
			Target: Target{Type: TargetPlayer, ID: in.PlayerID},
			Trust:  ev.Appraisal.Trust, Affinity: ev.Appraisal.Affinity, Source: src,
		}
		if !ev.Appraisal.Zero() {
			ch.Relation.Cause = ev.Appraisal.Cause(ev.Description)
		}
	}
	return ev, ch
}

// afterEvent fills in the character's state once the event was recorded.
func (s *CharacterService) afterEvent(ctx context.Context, c *Character, ev *GameEvent, ch StateChange) (*GameEvent, error) {
	after, err := s.Get(ctx, c.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	ev.Feelings, ev.GameState = after.Feelings.At(after.Mood, s.now()), after.GameState
	if ch.Relation != nil {
		r, err := s.Store.Relationship(ctx, c.TenantID, c.ID, TargetPlayer, ev.PlayerID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		ev.Relationship = r
	}
	return ev, nil
}

// gameStateOf renders event data as the game state it sets: every value as text, null
// as "" (which removes the key).
func gameStateOf(data map[string]any) map[string]string {
	if len(data) == 0 {
		return nil
	}
	out := make(map[string]string, len(data))
	for k, v := range data {
		switch v := v.(type) {
		case nil:
			out[k] = ""
		case string:
			out[k] = v
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// MergeGameState returns state with set applied: "" removes a key. At most maxGameState
// keys are kept; past that, new keys are dropped and the ones known stay current.
func MergeGameState(state, set map[string]string) map[string]string {
	out := make(map[string]string, len(state)+len(set))
	for k, v := range state {
		out[k] = v
	}
	for _, k := range sortedKeys(set) {
		v := set[k]
		_, known := out[k]
		switch {
		case v == "":
			delete(out, k)
		case known || len(out) < maxGameState:
			out[k] = v
		}
	}
	return out
}

// gameStateContext renders a character's game state for a prompt's game context, keys in
// order: "World state: time_of_day=night, weather=rain.".
func gameStateContext(state map[string]string) string {
	if len(state) == 0 {
		return ""
	}
	parts := make([]string, 0, len(state))
	for _, k := range sortedKeys(state) {
		parts = append(parts, k+"="+state[k])
	}
	return "World state: " + strings.Join(parts, ", ") + "."
}

// withGameState prefixes a prompt's game context with what c knows of the game's state.
func withGameState(c *Character, gameContext string) string {
	state := gameStateContext(c.GameState)
	switch {
	case state == "":
		return gameContext
	case gameContext == "":
		return state
	}
	return state + "\n" + gameContext
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
