package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

func sampleCharacter(tenant, name string, at time.Time) *domain.Character {
	return &domain.Character{
		ID: domain.NewID(domain.PrefixCharacter, at), TenantID: tenant, Name: name, Role: "guard", Archetype: "skeptic",
		SkillTier: "expert", Mood: "calm", Personality: "dry", CustomLore: "lore", ActingPrompt: "You are " + name,
		VoiceID: "local-en-us-m1", TabooWords: []string{"dragon"}, Metadata: map[string]any{"slot": json.Number("3")},
		Seed: 42, Engine: "local", Model: "rules-v1", Home: "Dock 9", WorldName: "W", WorldBrief: "B",
		Places: []string{"Rim", "Dock 9"}, CreatedAt: at.UTC().Truncate(time.Microsecond), UpdatedAt: at.UTC().Truncate(time.Microsecond),
	}
}

func memoryAt(c *domain.Character, kind domain.MemoryKind, text string, at time.Time) domain.MemoryEntry {
	return domain.MemoryEntry{
		ID: domain.NewID(domain.PrefixMemory, at), TenantID: c.TenantID, CharacterID: c.ID, Kind: kind,
		Text: text, Speaker: "p", Importance: 0.5, CreatedAt: at.UTC().Truncate(time.Microsecond),
	}
}

func TestCharactersAndMemory(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

			t.Run("a batch is stored whole or not at all", func(t *testing.T) {
				a, b := sampleCharacter("t1", "A", base), sampleCharacter("t1", "B", base.Add(time.Second))
				if err := db.CreateCharacters(ctx, []*domain.Character{a, b}); err != nil {
					t.Fatal(err)
				}
				got, err := db.GetCharacter(ctx, "t1", a.ID)
				if err != nil || !reflect.DeepEqual(got, a) {
					t.Fatalf("read back %+v, %v\nwant %+v", got, err, a)
				}
				dup := sampleCharacter("t1", "C", base)
				if err := db.CreateCharacters(ctx, []*domain.Character{dup, a}); err == nil {
					t.Fatal("a batch with a duplicate id was stored")
				}
				if _, err := db.GetCharacter(ctx, "t1", dup.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("half a failed batch was stored: %v", err)
				}
				list, total, err := db.ListCharacters(ctx, "t1", domain.Page{Limit: 10})
				if err != nil || total != 2 || list[0].ID != b.ID {
					t.Fatalf("list: %d, %v", total, err)
				}
			})

			t.Run("update and tenant scoping", func(t *testing.T) {
				c := sampleCharacter("t2", "D", base)
				if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
					t.Fatal(err)
				}
				c.Mood, c.TabooWords = "angry", []string{}
				if err := db.UpdateCharacter(ctx, c); err != nil {
					t.Fatal(err)
				}
				other := *c
				other.TenantID = "t3"
				if err := db.UpdateCharacter(ctx, &other); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("update as another tenant: %v", err)
				}
				got, _ := db.GetCharacter(ctx, "t2", c.ID)
				if got.Mood != "angry" || len(got.TabooWords) != 0 {
					t.Fatalf("update not stored: %+v", got)
				}
				if _, err := db.GetCharacter(ctx, "t3", c.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("get as another tenant: %v", err)
				}
			})

			t.Run("memory: recent, unsummarized, fold, delete", func(t *testing.T) {
				c := sampleCharacter("t4", "E", base)
				if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
					t.Fatal(err)
				}
				var entries []domain.MemoryEntry
				for i := range 6 {
					kind := domain.MemoryHeard
					if i%2 == 1 {
						kind = domain.MemorySaid
					}
					entries = append(entries, memoryAt(c, kind, string(rune('a'+i)), base.Add(time.Duration(i)*time.Microsecond)))
				}
				entries = append(entries, memoryAt(c, domain.MemoryFact, "fact", base.Add(time.Second)))
				if err := db.AddMemory(ctx, entries); err != nil {
					t.Fatal(err)
				}
				recent, err := db.RecentSaid(ctx, "t4", c.ID, 2)
				if err != nil || !slices.Equal(recent, []string{"f", "d"}) {
					t.Fatalf("recent said: %q %v", recent, err)
				}
				pending, err := db.UnsummarizedMemory(ctx, "t4", c.ID)
				if err != nil || len(pending) != 6 || pending[0].Text != "a" {
					t.Fatalf("unsummarized: %d %v", len(pending), err)
				}
				sum := memoryAt(c, domain.MemorySummary, "summary", base.Add(2*time.Second))
				sum.Summarized = true
				if err := db.FoldMemory(ctx, "t4", c.ID, "", "summary", []string{pending[0].ID, pending[1].ID}, sum); err != nil {
					t.Fatal(err)
				}
				sum.ID = domain.NewID(domain.PrefixMemory, base.Add(3*time.Second))
				if err := db.FoldMemory(ctx, "t4", c.ID, "", "stale", []string{pending[2].ID}, sum); !errors.Is(err, domain.ErrConflict) {
					t.Fatalf("a fold from a stale summary: %v, want ErrConflict", err)
				}
				pending, _ = db.UnsummarizedMemory(ctx, "t4", c.ID)
				got, _ := db.GetCharacter(ctx, "t4", c.ID)
				if len(pending) != 4 || got.MemorySummary != "summary" {
					t.Fatalf("after fold: %d pending, summary %q", len(pending), got.MemorySummary)
				}
				// The count every exchange asks agrees with the entries: the fact and the
				// summary are not counted, nor another character's lines.
				if n, err := db.UnsummarizedCount(ctx, "t4", c.ID); err != nil || n != 4 {
					t.Fatalf("unsummarized count %d, %v; want 4", n, err)
				}
				if n, err := db.UnsummarizedCount(ctx, "t5", c.ID); err != nil || n != 0 {
					t.Fatalf("another tenant's count %d, %v", n, err)
				}
				page, total, err := db.ListMemory(ctx, "t4", c.ID, domain.Page{Limit: 3})
				if err != nil || total != 8 || len(page) != 3 || page[0].Kind != domain.MemorySummary {
					t.Fatalf("list memory: %d %d %v", total, len(page), err)
				}
				if _, total, _ := db.ListMemory(ctx, "t5", c.ID, domain.Page{Limit: 3}); total != 0 {
					t.Fatal("another tenant sees the memory")
				}
				if err := db.DeleteCharacter(ctx, "t5", c.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("delete as another tenant: %v", err)
				}
				if err := db.DeleteCharacter(ctx, "t4", c.ID); err != nil {
					t.Fatal(err)
				}
				if _, total, _ := db.ListMemory(ctx, "t4", c.ID, domain.Page{Limit: 3}); total != 0 {
					t.Fatal("memory survived its character")
				}
			})
		})
	}
}
