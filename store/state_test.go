package store_test

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Feelings and relationships move with the memory entries of the same exchange, add up
// under concurrent exchanges, stay within their bounds, keep a record of every non-zero
// move, and are scoped to the tenant and removed with their character.
func TestCharacterStateMovesWithItsExchange(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("state", "Wren", base)
			other := sampleCharacter("state", "Oda", base.Add(time.Second))
			if err := db.CreateCharacters(ctx, []*domain.Character{c, other}); err != nil {
				t.Fatal(err)
			}
			kestrel := domain.Target{Type: domain.TargetPlayer, ID: "p-kestrel", Name: "Kestrel"}
			insult := domain.StateChange{
				CharacterID: c.ID, Mood: "calm", Feel: map[domain.Emotion]float64{domain.EmotionAnger: 0.4}, At: base.Add(time.Minute),
				Relation: &domain.RelationMove{Target: kestrel, Trust: -0.2, Affinity: -0.3, Cause: `insult: "You fool"`,
					Source: domain.MemorySource{Type: domain.MemorySourceSpeak, RequestID: "req-1"}},
			}
			heard := memoryAt(c, domain.MemoryHeard, "You fool.", base.Add(time.Minute))
			if err := db.RecordExchange(ctx, c.TenantID, []domain.MemoryEntry{heard}, []domain.StateChange{insult}); err != nil {
				t.Fatal(err)
			}

			got, err := db.GetCharacter(ctx, c.TenantID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Feelings.Levels[domain.EmotionAnger] != 0.4 || !got.Feelings.UpdatedAt.Equal(base.Add(time.Minute)) {
				t.Fatalf("feelings after the insult: %+v", got.Feelings)
			}
			if later := got.Feelings.At("calm", base.Add(time.Minute+domain.EmotionHalfLife)); later.Levels[domain.EmotionAnger] != 0.2 {
				t.Errorf("anger a half-life later = %v, want 0.2", later.Levels[domain.EmotionAnger])
			}
			if _, err := db.GetMemoryEntry(ctx, c.TenantID, c.ID, heard.ID); err != nil {
				t.Errorf("the exchange's entry: %v", err)
			}

			// Eight exchanges at once: every move counts, and trust stops at -1.
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ch := insult
					ch.At = base.Add(2 * time.Minute)
					errs[i] = db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{ch})
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			r, err := db.Relationship(ctx, c.TenantID, c.ID, domain.TargetPlayer, "p-kestrel")
			if err != nil {
				t.Fatal(err)
			}
			if r.Interactions != 9 || r.Trust != -1 || math.Abs(r.Affinity-(-1)) > 1e-9 || r.TargetName != "Kestrel" {
				t.Errorf("after nine insults: %+v, want 9 interactions, trust and affinity -1", r)
			}
			if got, _ := db.GetCharacter(ctx, c.TenantID, c.ID); got.Feelings.Levels[domain.EmotionAnger] != 1 {
				t.Errorf("anger after nine insults = %v, want 1 (capped, none lost)", got.Feelings.Levels[domain.EmotionAnger])
			}

			// An interaction that moves nothing counts but leaves no record.
			hello := domain.StateChange{CharacterID: c.ID, Mood: "calm", At: base.Add(3 * time.Minute),
				Relation: &domain.RelationMove{Target: domain.Target{Type: domain.TargetCharacter, ID: other.ID, Name: "Oda"}}}
			if err := db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{hello}); err != nil {
				t.Fatal(err)
			}
			list, total, err := db.ListRelationships(ctx, c.TenantID, c.ID, domain.Page{Limit: 10}, 20)
			if err != nil || total != 2 || len(list) != 2 {
				t.Fatalf("relationships: %d of %d, %v", len(list), total, err)
			}
			if list[0].TargetID != other.ID || list[0].Interactions != 1 || len(list[0].Recent) != 0 || list[0].Stage() != domain.StageAcquaintance {
				t.Errorf("newest relationship %+v, want Oda, one interaction, no change recorded", list[0])
			}
			changes := list[1].Recent
			if len(changes) != 9 || list[1].Stage() != domain.StageEnemy {
				t.Fatalf("Kestrel: %d changes recorded (stage %s), want 9, enemy", len(changes), list[1].Stage())
			}
			// The first insult is the oldest; eight after it took trust from -0.2 to -1.
			if first := changes[8]; first.TrustAfter != -0.2 || first.AffinityAfter != -0.3 || first.Cause != `insult: "You fool"` ||
				first.Source != insult.Relation.Source {
				t.Errorf("the first change %+v", first)
			}
			lowest := 0.0
			for _, ch := range changes[:8] {
				lowest = min(lowest, ch.TrustAfter)
			}
			if lowest != -1 {
				t.Errorf("no change left trust at -1: %+v", changes)
			}

			if _, err := db.Relationship(ctx, "elsewhere", c.ID, domain.TargetPlayer, "p-kestrel"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("another tenant reads the relationship: %v", err)
			}
			if list, total, _ := db.ListRelationships(ctx, "elsewhere", c.ID, domain.Page{Limit: 10}, 3); total != 0 || len(list) != 0 {
				t.Errorf("another tenant lists %d relationships", total)
			}
			// A change for a character since deleted moves nothing and fails nothing.
			if err := db.DeleteCharacter(ctx, c.TenantID, c.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{insult}); err != nil {
				t.Fatalf("a change for a deleted character: %v", err)
			}
			if _, total, _ := db.ListRelationships(ctx, c.TenantID, c.ID, domain.Page{Limit: 10}, 0); total != 0 {
				t.Errorf("a deleted character has %d relationships", total)
			}
		})
	}
}

// Game state from events merges key by key, concurrent merges keep every key, a null
// value removes one, and an event's memory entry names the event.
func TestGameStateMerges(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("gamestate", "Wren", base)
			if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
				t.Fatal(err)
			}
			entry := memoryAt(c, domain.MemoryFact, "The bridge collapsed.", base.Add(time.Minute))
			entry.Source = domain.MemorySource{Type: domain.MemorySourceEvent, RequestID: "req-9", EventID: "gev_1"}
			set := func(state map[string]string) domain.StateChange {
				return domain.StateChange{CharacterID: c.ID, Mood: "calm", GameState: state, At: base.Add(time.Minute)}
			}
			if err := db.RecordExchange(ctx, c.TenantID, []domain.MemoryEntry{entry}, []domain.StateChange{set(map[string]string{"time_of_day": "day", "bridge": "up"})}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 6)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{set(map[string]string{"k" + string(rune('a'+i)): "v"})})
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if err := db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{set(map[string]string{"time_of_day": "night", "bridge": ""})}); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetCharacter(ctx, c.TenantID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.GameState) != 7 || got.GameState["time_of_day"] != "night" || got.GameState["ka"] != "v" || got.GameState["kf"] != "v" {
				t.Errorf("game state %v, want time_of_day=night and six keys from concurrent events, no bridge", got.GameState)
			}
			if _, ok := got.GameState["bridge"]; ok {
				t.Errorf("a null value left its key: %v", got.GameState)
			}
			stored, err := db.GetMemoryEntry(ctx, c.TenantID, c.ID, entry.ID)
			if err != nil || stored.Source != entry.Source {
				t.Errorf("the event's entry reads %+v, %v; want source %+v", stored, err, entry.Source)
			}
		})
	}
}

// A player's relationships are exported with their whole history and erased with the
// player's other data; another player's and another tenant's stay.
func TestPlayerRelationshipsAreExportedAndErased(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("gdpr", "Wren", base)
			elsewhere := sampleCharacter("gdpr-other", "Wren", base)
			if err := db.CreateCharacters(ctx, []*domain.Character{c, elsewhere}); err != nil {
				t.Fatal(err)
			}
			move := func(ch *domain.Character, player string, trust float64, minute int) domain.StateChange {
				return domain.StateChange{CharacterID: ch.ID, Mood: "calm", At: base.Add(time.Duration(minute) * time.Minute),
					Relation: &domain.RelationMove{Target: domain.Target{Type: domain.TargetPlayer, ID: player, Name: "K"}, Trust: trust, Cause: "thanks"}}
			}
			for _, ch := range []domain.StateChange{move(c, "p1", 0.1, 1), move(c, "p1", 0.2, 2), move(c, "p2", 0.1, 3)} {
				if err := db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{ch}); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.RecordExchange(ctx, elsewhere.TenantID, nil, []domain.StateChange{move(elsewhere, "p1", 0.1, 1)}); err != nil {
				t.Fatal(err)
			}
			var out exported
			if err := db.ExportPlayer(ctx, c.TenantID, "p1", &out); err != nil {
				t.Fatal(err)
			}
			if len(out.relationships) != 1 || out.relationships[0].Trust != 0.3 || len(out.relationships[0].Recent) != 2 || out.relationships[0].Recent[0].TrustAfter != 0.3 {
				t.Fatalf("exported relationships %+v", out.relationships)
			}
			erased, err := db.ErasePlayer(ctx, c.TenantID, "p1")
			if err != nil || erased.RelationshipsDeleted != 1 {
				t.Fatalf("erasure %+v, %v", erased, err)
			}
			if _, err := db.Relationship(ctx, c.TenantID, c.ID, domain.TargetPlayer, "p1"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("the erased player's relationship reads %v", err)
			}
			for _, tt := range []struct{ tenant, character, player string }{{c.TenantID, c.ID, "p2"}, {elsewhere.TenantID, elsewhere.ID, "p1"}} {
				if _, err := db.Relationship(ctx, tt.tenant, tt.character, domain.TargetPlayer, tt.player); err != nil {
					t.Errorf("%+v was erased too: %v", tt, err)
				}
			}
			if list, _, _ := db.ListRelationships(ctx, c.TenantID, c.ID, domain.Page{Limit: 10}, 10); len(list) != 1 || len(list[0].Recent) != 1 {
				t.Errorf("left after erasure: %+v (p2 with its one change)", list)
			}
		})
	}
}

// A retention deletes the recorded causes of relationship changes toward players (they
// quote the players' words) older than its cutoff, and keeps the relationships' values.
func TestRetentionTakesOldRelationshipCauses(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			c := sampleCharacter("retain", "Wren", base)
			if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
				t.Fatal(err)
			}
			for _, at := range []time.Time{base, base.Add(48 * time.Hour)} {
				ch := domain.StateChange{CharacterID: c.ID, Mood: "calm", At: at, Relation: &domain.RelationMove{
					Target: domain.Target{Type: domain.TargetPlayer, ID: "p1", Name: "K"}, Trust: -0.1, Cause: `insult: "you fool"`}}
				if err := db.RecordExchange(ctx, c.TenantID, nil, []domain.StateChange{ch}); err != nil {
					t.Fatal(err)
				}
			}
			n, err := db.DeletePlayerMemoriesBefore(ctx, c.TenantID, base.Add(24*time.Hour), 100)
			if err != nil || n != 1 {
				t.Fatalf("deleted %d, %v; want the one old change", n, err)
			}
			r, err := db.Relationship(ctx, c.TenantID, c.ID, domain.TargetPlayer, "p1")
			if err != nil || r.Trust != -0.2 || len(r.Recent) != 1 || !r.Recent[0].CreatedAt.Equal(base.Add(48*time.Hour)) {
				t.Errorf("after the retention: %+v, %v; want trust -0.2 and the newer change only", r, err)
			}
		})
	}
}
