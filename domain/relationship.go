package domain

import (
	"context"
	"time"
)

// PrefixRelationshipChange begins the id of a recorded change of a relationship.
const PrefixRelationshipChange = "rch_"

// TargetType is what a relationship is with: a player of the game or another character.
type TargetType string

// The targets of relationships.
const (
	TargetPlayer    TargetType = "player"
	TargetCharacter TargetType = "character"
)

// Relationship is how one character sees a player or another character: trust (will they
// keep their word, are they safe) and affinity (do I like them), each −1…1 and 0 for a
// stranger, moved by what they say and do, each move recorded with its cause.
type Relationship struct {
	TenantID    string
	CharacterID string
	TargetType  TargetType
	// TargetID is the player's id in the game, or the character's id.
	TargetID string
	// TargetName is what the target was last called: the player's speaker label or the
	// character's name.
	TargetName string
	Trust      float64
	Affinity   float64
	// Interactions counts the lines and events between them.
	Interactions int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Recent are the latest changes, newest first, when the read asked for them.
	Recent []RelationshipChange
}

// RelationshipChange is one recorded move of a relationship and what caused it.
type RelationshipChange struct {
	ID            string
	TrustDelta    float64
	AffinityDelta float64
	// TrustAfter and AffinityAfter are the relationship's values once the change was made.
	TrustAfter    float64
	AffinityAfter float64
	// Cause says what happened: the stimuli recognised and the words or event behind them.
	Cause     string
	Source    MemorySource
	CreatedAt time.Time
}

// RelationshipStage names where a relationship stands, for designers and prompts alike.
type RelationshipStage string

// The stages, from the worst to the best. A relationship with no interaction is a
// stranger's; one with interactions but little feeling either way an acquaintance's.
const (
	StageEnemy        RelationshipStage = "enemy"
	StageRival        RelationshipStage = "rival"
	StageWary         RelationshipStage = "wary"
	StageStranger     RelationshipStage = "stranger"
	StageAcquaintance RelationshipStage = "acquaintance"
	StageFriendly     RelationshipStage = "friendly"
	StageFriend       RelationshipStage = "friend"
	StageCloseFriend  RelationshipStage = "close_friend"
)

// Stage is where the relationship stands: enemy when both trust and affinity are deeply
// negative, rival when they are disliked but not distrusted, wary when distrusted, then
// by affinity and trust together friendly, friend and close friend; stranger before any
// interaction and acquaintance otherwise.
func (r Relationship) Stage() RelationshipStage {
	switch t, a := r.Trust, r.Affinity; {
	case r.Interactions == 0 && t == 0 && a == 0:
		return StageStranger
	case a <= -0.5 && t <= -0.3:
		return StageEnemy
	case a <= -0.3 && t > -0.3:
		return StageRival
	case t <= -0.3 || a <= -0.3:
		return StageWary
	case a >= 0.7 && t >= 0.6:
		return StageCloseFriend
	case a >= 0.4 && t >= 0.3:
		return StageFriend
	case a >= 0.15:
		return StageFriendly
	}
	return StageAcquaintance
}

// cold reports whether the character holds the target at arm's length: it answers them
// curtly and warily.
func (r *Relationship) cold() bool { return r != nil && (r.Trust <= -0.3 || r.Affinity <= -0.3) }

// StateChange is what one exchange, turn or event does to one character: its feelings
// move by Feel, and its relationship with a target by Relation.
type StateChange struct {
	CharacterID string
	// Mood is the character's usual mood, the baseline its feelings decay toward.
	Mood string
	Feel map[Emotion]float64
	// Relation, when set, moves the character's relationship with the cause.
	Relation *RelationMove
	// GameState, when set, is merged into the character's game state (see MergeGameState).
	GameState map[string]string
	At        time.Time
}

// Target is who a relationship is with.
type Target struct {
	Type TargetType
	// ID is the player's id in the game, or the character's id.
	ID string
	// Name is what they are called now.
	Name string
}

// known reports whether the target is someone a relationship can be kept with.
func (t Target) known() bool { return t.Type != "" && t.ID != "" }

// RelationMove moves one relationship: an interaction, with deltas when the appraisal
// found any.
type RelationMove struct {
	Target   Target
	Trust    float64
	Affinity float64
	Cause    string
	Source   MemorySource
}

// StateStore keeps characters' feelings and relationships. Every method is scoped by
// tenant.
type StateStore interface {
	// RecordExchange writes memory entries and state changes in one transaction, with the
	// pending metered use of ctx: feelings moved from what they are at the change's time,
	// each relationship moved within −1…1 and its interactions counted, every non-zero
	// move recorded with its cause. A change for a character that no longer exists moves
	// nothing.
	RecordExchange(ctx context.Context, tenantID string, entries []MemoryEntry, changes []StateChange) error
	// Relationship returns the character's relationship with the target with its five
	// latest changes in Recent, or ErrNotFound.
	Relationship(ctx context.Context, tenantID, characterID string, targetType TargetType, targetID string) (*Relationship, error)
	// ListRelationships returns a page of the character's relationships, the most
	// recently changed first, each with its latest recent changes, and the total.
	ListRelationships(ctx context.Context, tenantID, characterID string, page Page, recent int) ([]Relationship, int, error)
}
