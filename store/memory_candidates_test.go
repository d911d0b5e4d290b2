package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// A prompt answering one player draws on the character's shared memory and on what
// concerns that player, never on what another player told it; pinned entries come first,
// then the player's own, each newest first, and heard lines only when pinned.
func TestMemoryCandidatesPerPlayer(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("candidates", "Wren", base)
			if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
				t.Fatal(err)
			}
			at := func(minute int) time.Time { return base.Add(time.Duration(minute) * time.Minute) }
			about := func(e domain.MemoryEntry, player string) domain.MemoryEntry { e.PlayerID = player; return e }
			kestrelName := about(memoryAt(c, domain.MemoryFact, "player is called Kestrel.", at(1)), "p-kestrel")
			shared := memoryAt(c, domain.MemoryFact, "The bridge is out.", at(2))
			rookName := about(memoryAt(c, domain.MemoryFact, "player is called Rook.", at(3)), "p-rook")
			heard := about(memoryAt(c, domain.MemoryHeard, "Hello there.", at(4)), "p-kestrel")
			pinned := memoryAt(c, domain.MemoryFact, "Wren owes the guild.", at(5))
			pinned.Pinned = true
			newest := memoryAt(c, domain.MemoryFact, "Snow is coming.", at(6))
			if err := db.AddMemory(ctx, []domain.MemoryEntry{kestrelName, shared, rookName, heard, pinned, newest}); err != nil {
				t.Fatal(err)
			}
			ids := func(entries []domain.MemoryEntry) []string {
				var out []string
				for _, e := range entries {
					out = append(out, e.Text)
				}
				return out
			}
			for _, tt := range []struct {
				player string
				n      int
				want   []string
			}{
				{"p-kestrel", 10, []string{pinned.Text, kestrelName.Text, newest.Text, shared.Text}},
				{"p-rook", 10, []string{pinned.Text, rookName.Text, newest.Text, shared.Text}},
				{"", 10, []string{pinned.Text, newest.Text, shared.Text}},
				{"p-stranger", 10, []string{pinned.Text, newest.Text, shared.Text}},
				{"p-kestrel", 2, []string{pinned.Text, kestrelName.Text}},
			} {
				got, err := db.MemoryCandidates(ctx, c.TenantID, c.ID, tt.player, tt.n)
				if err != nil {
					t.Fatal(err)
				}
				if g := ids(got); !slices.Equal(g, tt.want) {
					t.Errorf("candidates for %q (n=%d) = %q, want %q", tt.player, tt.n, g, tt.want)
				}
			}
			if got, err := db.MemoryCandidates(ctx, "another-tenant", c.ID, "p-kestrel", 10); err != nil || len(got) != 0 {
				t.Errorf("another tenant's candidates = %d entries, %v; want none", len(got), err)
			}
		})
	}
}
