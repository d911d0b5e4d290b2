package domain

import (
	"context"
	"time"
)

// Prefixes of conversation resources.
const (
	PrefixConversation = "cnv_"
	PrefixTurn         = "trn_"
)

// Bounds of a conversation.
const (
	MinParticipants = 2
	MaxParticipants = 8
	// MaxPlayers bounds the players a conversation lists.
	MaxPlayers = 8
	// DefaultMaxTurns and MaxMaxTurns bound the character turns of one conversation.
	DefaultMaxTurns = 50
	MaxMaxTurns     = 1000
	// DefaultMaxConsecutive is how many character turns in a row one character may take
	// (player lines between them do not break the run) before the director passes over
	// it, when another participant can speak.
	DefaultMaxConsecutive = 2
	MaxMaxConsecutive     = 10
	// MaxTurnsPerRequest bounds how many turns one advance produces.
	MaxTurnsPerRequest = 10
	maxSceneText       = 2000
	maxTopicText       = 500
	maxPlayerID        = 100
)

// ConversationStatus says whether a conversation can go on.
type ConversationStatus string

// The conversation statuses.
const (
	ConversationActive ConversationStatus = "active"
	// ConversationEnded: it reached its max_turns; advancing it answers
	// CodeConversationEnded.
	ConversationEnded ConversationStatus = "ended"
)

// Player is a person of the game taking part in a conversation: the game's own id and the
// name characters hear them by.
type Player struct {
	ID   string
	Name string
}

// Conversation is a scene in which several of a tenant's characters talk, with or without
// players, one turn at a time, each speaker chosen by the director.
type Conversation struct {
	ID       string
	TenantID string
	// Participants are character ids, in the order given at creation; the order breaks
	// no ties (the seed does).
	Participants []string
	WorldID      *string
	Scene        string
	Topic        string
	Players      []Player
	// MaxTurns ends the conversation once that many character turns were taken.
	MaxTurns int
	// MaxConsecutive bounds the character turns one character takes in a row.
	MaxConsecutive int
	// Seed makes the director's tie-breaks and the local engine's lines reproducible.
	Seed      int64
	TurnCount int
	Status    ConversationStatus
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Decision is one participant's answer to the director's question "do you want to speak
// now?", as the turn's decision record keeps it.
type Decision struct {
	CharacterID string
	Name        string
	// Decision is "WANT" or "PASS".
	Decision string
	Priority float64
	Reason   string
	// ExcludedBecause says why the director could not pick this participant at all (it
	// said the line being answered, or took its allowed turns in a row); empty when it
	// could.
	ExcludedBecause string
}

// TurnMessage is the player's line a turn answers, sent with the advance request.
type TurnMessage struct {
	Speaker  string
	Text     string
	PlayerID string
}

// Turn is one character's line in a conversation, with the director's record of why that
// character spoke.
type Turn struct {
	ID             string
	TenantID       string
	ConversationID string
	// Index counts the conversation's character turns from 1.
	Index int
	// Message is the player's line heard just before this turn, when the advance carried
	// one.
	Message     *TurnMessage
	SpeakerID   string
	SpeakerName string
	Text        string
	Emotion     Emotion
	// ChosenBecause is the director's rule that picked the speaker, in words.
	ChosenBecause string
	Decisions     []Decision
	Engine        string
	Model         string
	Usage         Usage
	Moderation    ModerationOutcome
	// Actions are what the speaker does as it says the line; RefusedActions what was
	// proposed for it that its catalogue does not allow.
	Actions        []Action
	RefusedActions []RefusedAction
	CreatedAt      time.Time
	// SpriteFileID is the speaker's sprite for the turn's emotion, set on the turns an
	// advance returns (never stored: a transcript read later has none).
	SpriteFileID string
}

// ConversationStore keeps conversations and their turns. Every method is scoped by tenant,
// so another tenant's conversation is not found.
type ConversationStore interface {
	// CreateConversation stores a new conversation.
	CreateConversation(ctx context.Context, c *Conversation) error
	// GetConversation returns the tenant's conversation, or ErrNotFound.
	GetConversation(ctx context.Context, tenantID, id string) (*Conversation, error)
	// ListConversations returns a page of the tenant's conversations, newest first, and
	// the total.
	ListConversations(ctx context.Context, tenantID string, page Page) ([]Conversation, int, error)
	// DeleteConversation deletes the conversation and its turns (not the memories its
	// turns wrote, which belong to the characters), or returns ErrNotFound.
	DeleteConversation(ctx context.Context, tenantID, id string) error
	// ListTurns returns a page of the conversation's turns, oldest first, and the total.
	ListTurns(ctx context.Context, tenantID, conversationID string, page Page) ([]Turn, int, error)
	// RecentTurns returns up to n of the conversation's newest turns, oldest first.
	RecentTurns(ctx context.Context, tenantID, conversationID string, n int) ([]Turn, error)
	// AppendTurn records a turn in one transaction with the memory entries it wrote and
	// the pending metered use of ctx: it inserts the turn, raises the conversation's
	// turn_count from turn.Index-1 to turn.Index (ending it when that reaches max_turns,
	// adding players it does not list yet), appends the entries and applies the state
	// changes as StateStore.RecordExchange does. It returns
	// ErrConflict, changing nothing, when turn_count is no longer turn.Index-1 or the
	// conversation has ended (another advance got there first), and ErrNotFound when the
	// conversation is gone. It returns the conversation as it is after the turn.
	AppendTurn(ctx context.Context, turn *Turn, players []Player, entries []MemoryEntry, changes []StateChange) (*Conversation, error)
}
