package domain

import (
	"context"
	"time"
)

// PrefixLorebook and PrefixLoreEntry start lorebook and lorebook entry ids.
const (
	PrefixLorebook  = "lbk_"
	PrefixLoreEntry = "lbe_"
)

// Lorebook is a set of world-info entries: text that reaches a character's prompt when the
// conversation mentions one of an entry's keys. It is the lorebook of Character Card V3 (and
// the character_book of V2), so a card's book imports and exports without loss.
type Lorebook struct {
	ID          string
	TenantID    string
	Name        string
	Description string
	// ScanDepth is how many of the newest lines (the line answered included) are scanned for
	// keys. Default DefaultLoreScanDepth.
	ScanDepth int
	// TokenBudget caps the estimated tokens of the entries one line triggers from this book;
	// entries are taken by priority until it is spent. Default DefaultLoreTokenBudget.
	TokenBudget int
	// RecursiveScanning lets the content of triggered entries trigger further entries.
	RecursiveScanning bool
	// WorldID is the world this book was generated from, empty for a studio's own book.
	WorldID string
	// Extensions are the card's own fields Troupe has no use for, kept for export.
	Extensions map[string]any
	Entries    []LoreEntry
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// The selective logics of an entry's secondary keys (SillyTavern's extension of V2, kept in
// V3 cards as extensions).
const (
	LogicAndAny = "and_any" // a primary key and at least one secondary key
	LogicAndAll = "and_all" // a primary key and every secondary key
	LogicNotAny = "not_any" // a primary key and no secondary key
	LogicNotAll = "not_all" // a primary key and not every secondary key
)

// The positions an entry's content takes in a prompt.
const (
	PositionBeforeChar = "before_char"
	PositionAfterChar  = "after_char"
)

// Lorebook defaults and limits.
const (
	DefaultLoreScanDepth   = 4
	DefaultLoreTokenBudget = 512
	MaxLoreEntries         = 1000
	MaxLoreScanDepth       = 100
	MaxLoreTokenBudget     = 8192
	MaxLoreContent         = 8000
	MaxLoreKeys            = 64
)

// LoreEntry is one entry of a lorebook.
type LoreEntry struct {
	ID string
	// Name is a short title ("The Red War"); Comment is the author's note. Neither reaches
	// a prompt.
	Name    string
	Comment string
	// Keys trigger the entry when one appears in the scanned lines (whole words, case
	// insensitive unless CaseSensitive; regular expressions when UseRegex).
	Keys []string
	// SecondaryKeys, when Selective, must also match as SelectiveLogic says.
	SecondaryKeys  []string
	Selective      bool
	SelectiveLogic string
	Content        string
	// Constant entries are always triggered.
	Constant      bool
	Enabled       bool
	CaseSensitive bool
	UseRegex      bool
	// InsertionOrder orders triggered entries in the prompt, lowest first; Priority decides
	// which are kept when the budget is short, highest first.
	InsertionOrder int
	Priority       int
	Position       string
	// Category says what the entry is about: "place", "faction", "person", "history",
	// "item", "tension" or free text; the local engine uses it to answer and to name who
	// might know.
	Category string
	// Decorators are the CCv3 decorators at the head of Content ("@@depth 4"), each
	// marked supported or not; unsupported ones are kept in Content and reported.
	Decorators []LoreDecorator
	Extensions map[string]any
}

// LoreDecorator is one CCv3 decorator line of an entry's content.
type LoreDecorator struct {
	Name      string
	Value     string
	Supported bool
}

// LoreSnippet is a triggered entry as engines see it, with the ids that say where it
// came from.
type LoreSnippet struct {
	LorebookID string
	EntryID    string
	Name       string
	Category   string
	Keys       []string
	Content    string
}

// LorebookStore persists lorebooks. Which books a character or world uses is stored with
// the character or world (Character.LorebookIDs, World.LorebookIDs), in the same
// transaction. Every method is scoped by tenant.
type LorebookStore interface {
	// CreateLorebook stores a new lorebook with its entries.
	CreateLorebook(ctx context.Context, b *Lorebook) error
	// GetLorebook returns the tenant's lorebook with its entries, or ErrNotFound.
	GetLorebook(ctx context.Context, tenantID, id string) (*Lorebook, error)
	// ListLorebooks returns a page of the tenant's lorebooks (entries included), newest
	// first, and the total.
	ListLorebooks(ctx context.Context, tenantID string, page Page) ([]Lorebook, int, error)
	// UpdateLorebook replaces the book's fields and entries when its stored UpdatedAt is
	// still previous, or returns ErrConflict changing nothing; ErrNotFound if it is gone.
	UpdateLorebook(ctx context.Context, b *Lorebook, previous time.Time) error
	// DeleteLorebook deletes the book and detaches it from every character and world, in
	// one transaction, or returns ErrNotFound.
	DeleteLorebook(ctx context.Context, tenantID, id string) error
	// MissingLorebooks returns those of ids that are not the tenant's lorebooks, in order.
	MissingLorebooks(ctx context.Context, tenantID string, ids []string) ([]string, error)
	// LorebooksOf returns, with their entries, the books attached to the owners
	// (characters and worlds, by id): the first owner's in their order, then each next
	// owner's not already returned.
	LorebooksOf(ctx context.Context, tenantID string, ownerIDs []string) ([]Lorebook, error)
}
