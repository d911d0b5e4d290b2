package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Single entries are found, changed and deleted only under their tenant and character; a
// pinned entry is never pending for a fold, and a fold that read an entry before it was
// pinned gives way rather than folding it.
func TestMemoryEntriesAndPins(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("pins", "Wren", base)
			other := sampleCharacter("pins", "Oda", base.Add(time.Second))
			if err := db.CreateCharacters(ctx, []*domain.Character{c, other}); err != nil {
				t.Fatal(err)
			}
			heard := memoryAt(c, domain.MemoryHeard, "Bring the ore.", base.Add(time.Minute))
			heard.Source = domain.MemorySource{Type: domain.MemorySourceSpeak, RequestID: "req-1"}
			pinned := memoryAt(c, domain.MemoryFact, "Wren's father is the smith.", base.Add(2*time.Minute))
			pinned.Pinned = true
			newer := memoryAt(c, domain.MemoryFact, "The road is closed.", base.Add(3*time.Minute))
			if err := db.AddMemory(ctx, []domain.MemoryEntry{heard, pinned, newer}); err != nil {
				t.Fatal(err)
			}

			got, err := db.GetMemoryEntry(ctx, c.TenantID, c.ID, heard.ID)
			if err != nil || got.Source != heard.Source || got.Pinned {
				t.Fatalf("get: %+v, %v", got, err)
			}
			if got, _ := db.GetMemoryEntry(ctx, c.TenantID, c.ID, newer.ID); got.Source.Type != domain.MemorySourceUnknown || got.Source.RequestID != "" {
				t.Fatalf("an entry written without a source reads %+v", got.Source)
			}
			for _, scope := range [][2]string{{"elsewhere", c.ID}, {c.TenantID, other.ID}} {
				if _, err := db.GetMemoryEntry(ctx, scope[0], scope[1], heard.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Errorf("get under %v: %v", scope, err)
				}
				moved := *got
				moved.TenantID, moved.CharacterID = scope[0], scope[1]
				if err := db.UpdateMemoryEntry(ctx, &moved); !errors.Is(err, domain.ErrNotFound) {
					t.Errorf("update under %v: %v", scope, err)
				}
				if err := db.DeleteMemoryEntry(ctx, scope[0], scope[1], heard.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Errorf("delete under %v: %v", scope, err)
				}
			}

			facts, err := db.MemoryCandidates(ctx, c.TenantID, c.ID, "", 2)
			if err != nil || len(facts) != 2 || facts[0].ID != pinned.ID || facts[1].ID != newer.ID {
				t.Fatalf("prompt facts %+v, %v; want the pinned one first", facts, err)
			}

			// A fold reads the heard line, then it is pinned: the fold conflicts and
			// changes nothing, and the line is no longer pending.
			pending, err := db.UnsummarizedMemory(ctx, c.TenantID, c.ID)
			if err != nil || len(pending) != 1 || pending[0].ID != heard.ID {
				t.Fatalf("pending %+v, %v", pending, err)
			}
			pin := pending[0]
			pin.Pinned = true
			if err := db.UpdateMemoryEntry(ctx, &pin); err != nil {
				t.Fatal(err)
			}
			summary := memoryAt(c, domain.MemorySummary, "Someone wanted ore.", base.Add(time.Hour))
			if err := db.FoldMemory(ctx, c.TenantID, c.ID, "", "Someone wanted ore.", []string{heard.ID}, summary); !errors.Is(err, domain.ErrConflict) {
				t.Fatalf("fold over a pinned entry: %v", err)
			}
			if got, _ := db.GetMemoryEntry(ctx, c.TenantID, c.ID, heard.ID); got.Summarized {
				t.Fatal("the pinned entry was folded")
			}
			if pending, _ := db.UnsummarizedMemory(ctx, c.TenantID, c.ID); len(pending) != 0 {
				t.Fatalf("a pinned entry is pending: %+v", pending)
			}
			if n, _ := db.UnsummarizedCount(ctx, c.TenantID, c.ID); n != 0 {
				t.Fatalf("a pinned entry is counted as pending: %d", n)
			}
			if err := db.DeleteMemoryEntry(ctx, c.TenantID, c.ID, heard.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteMemoryEntry(ctx, c.TenantID, c.ID, heard.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}
