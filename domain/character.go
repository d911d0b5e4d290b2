package domain

import (
	"context"
	"time"
)

// Character is a stored character.
type Character struct {
	ID          string
	TenantID    string
	Name        string
	Role        string
	Archetype   string
	SkillTier   string
	WorldID     string
	Mood        string
	Personality string
	CustomLore  string
	// ActingPrompt is the second-person prompt that makes a model play the character.
	ActingPrompt string
	VoiceID      string
	// AvatarFileID is the media file of the character's avatar, once one was generated.
	AvatarFileID string
	// Sprites are the character's portraits by emotion (file ids), from its sprites jobs.
	Sprites    map[Emotion]string
	TabooWords []string
	// Metadata is the studio's own JSON object, stored and returned as is.
	Metadata map[string]any
	Seed     int64
	// Engine and Model produced the acting prompt.
	Engine string
	Model  string
	// Home, WorldName, WorldBrief and Places are the character's copy of its world's
	// context, taken at creation so the character outlives a deleted world.
	Home       string
	WorldName  string
	WorldBrief string
	Places     []string
	// MemorySummary is the running summary of the memory entries folded so far.
	MemorySummary string
	// Feelings are as last moved; Feelings.At(Mood, now) gives them as they are now.
	Feelings Feelings
	// Actions is what the game lets the character do; empty when it declared nothing.
	Actions []ActionSpec
	// GameState is what game events told the character of the game's state
	// ("time_of_day": "night"); its lines are told of it.
	GameState map[string]string
	// Profile holds the Character Card fields that have no other home.
	Profile CharacterProfile
	// LorebookIDs are the lorebooks the character knows, in order, before its world's.
	LorebookIDs []string
	// Book, when set, is a new lorebook (a card's character_book) that CreateCharacters
	// stores in the same transaction as the character and attaches first. It is never
	// read back: the stored character lists it in LorebookIDs.
	Book *Lorebook
	// Avatar, when set, is the file row of a new avatar whose bytes are already in the
	// media store (an imported card's image); CreateCharacters stores it in the same
	// transaction as the character. It is never read back.
	Avatar    *File
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CharacterProfile is what a Character Card says of a character beyond Troupe's own
// fields. Every field is optional; engines use the ones they can (model engines all of
// them, the local engine the description and the first message).
type CharacterProfile struct {
	Description             string
	Scenario                string
	FirstMessage            string
	AlternateGreetings      []string
	ExampleMessages         string
	SystemPrompt            string
	PostHistoryInstructions string
	Tags                    []string
	Creator                 string
	CreatorNotes            string
	CharacterVersion        string
	Nickname                string
}

// CharacterStore persists characters and their memory. Every method is scoped by tenant.
type CharacterStore interface {
	// CreateCharacters stores all the characters or none of them.
	CreateCharacters(ctx context.Context, cs []*Character) error
	// GetCharacter returns the tenant's character, or ErrNotFound.
	GetCharacter(ctx context.Context, tenantID, id string) (*Character, error)
	// ListCharacters returns a page of the tenant's characters, newest first, and the total.
	ListCharacters(ctx context.Context, tenantID string, page Page) ([]Character, int, error)
	// UpdateCharacter replaces the stored character's mutable fields, and its lorebook
	// links when LorebookIDs is not nil (nil leaves them as they are), or returns
	// ErrNotFound.
	UpdateCharacter(ctx context.Context, c *Character) error
	// DeleteCharacter deletes the character and its memory, or returns ErrNotFound.
	DeleteCharacter(ctx context.Context, tenantID, id string) error

	// AddMemory appends entries to characters' memory.
	AddMemory(ctx context.Context, entries []MemoryEntry) error
	// ListMemory returns a page of a character's entries, newest first, and the total.
	ListMemory(ctx context.Context, tenantID, characterID string, page Page) ([]MemoryEntry, int, error)
	// RecentSaid returns the texts of up to n of the character's newest said entries,
	// newest first.
	RecentSaid(ctx context.Context, tenantID, characterID string, n int) ([]string, error)
	// UnsummarizedMemory returns the heard and said entries not yet folded into the
	// summary, oldest first.
	UnsummarizedMemory(ctx context.Context, tenantID, characterID string) ([]MemoryEntry, error)
	// UnsummarizedCount is how many entries UnsummarizedMemory would return: what every
	// exchange asks to know whether a fold is due, without reading the entries.
	UnsummarizedCount(ctx context.Context, tenantID, characterID string) (int, error)
	// FoldMemory replaces the character's running summary, when it still is previous, marks
	// the folded entries as summarized and records the summary as an entry, all in one
	// transaction. It returns ErrConflict, changing nothing, when another fold got there
	// first.
	FoldMemory(ctx context.Context, tenantID, characterID, previous, summary string, folded []string, entry MemoryEntry) error
	MemoryEntryStore
	StateStore
}
