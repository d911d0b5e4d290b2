package domain

import "time"

// MemoryKind is what kind of memory an entry is.
type MemoryKind string

// The memory kinds.
const (
	MemoryHeard   MemoryKind = "heard"
	MemorySaid    MemoryKind = "said"
	MemorySummary MemoryKind = "summary"
	MemoryFact    MemoryKind = "fact"
)

// MemoryEntry is one thing a character remembers.
type MemoryEntry struct {
	ID          string
	TenantID    string
	CharacterID string
	Kind        MemoryKind
	Text        string
	Speaker     string
	// Importance is 0–1; summaries and facts outrank small talk.
	Importance float64
	// Summarized is set once the entry has been folded into the running summary.
	Summarized bool
	CreatedAt  time.Time
}
