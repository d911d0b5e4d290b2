package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/media"
	"github.com/troupe-ai/troupe/store"
)

// exported collects what ExportPlayer hands its sink.
type exported struct {
	memories      []domain.MemoryEntry
	conversations []domain.PlayerConversation
	relationships []domain.Relationship
}

func (e *exported) Begin(string, time.Time) error { return nil }
func (e *exported) Memory(m domain.MemoryEntry) error {
	if len(e.conversations) > 0 {
		return errors.New("a memory entry after the conversations")
	}
	e.memories = append(e.memories, m)
	return nil
}
func (e *exported) Conversation(c domain.PlayerConversation) error {
	e.conversations = append(e.conversations, c)
	return nil
}
func (e *exported) Relationship(r domain.Relationship) error {
	e.relationships = append(e.relationships, r)
	return nil
}

func exportOf(t *testing.T, db *store.DB, tenant, player string) *exported {
	t.Helper()
	var out exported
	if err := db.ExportPlayer(t.Context(), tenant, player, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func playerEntry(tenant, character, player, text string, at time.Time) domain.MemoryEntry {
	at = at.UTC().Truncate(time.Microsecond)
	return domain.MemoryEntry{
		ID: domain.NewID(domain.PrefixMemory, at), TenantID: tenant, CharacterID: character, Kind: domain.MemoryHeard,
		Text: text, Speaker: "Aren", Importance: 0.3, PlayerID: player,
		Source: domain.MemorySource{Type: domain.MemorySourceSpeak, RequestID: "req_1"}, CreatedAt: at,
	}
}

// scene is a conversation of the tenant listing players, stored.
func scene(t *testing.T, db *store.DB, tenant string, at time.Time, players ...domain.Player) *domain.Conversation {
	t.Helper()
	at = at.UTC().Truncate(time.Microsecond)
	c := &domain.Conversation{
		ID: domain.NewID(domain.PrefixConversation, at), TenantID: tenant, Participants: []string{wrenID, odaID},
		Scene: "The forge at dusk.", Topic: "The missing ore.", Players: players,
		MaxTurns: 50, MaxConsecutive: 2, Seed: 1, Status: domain.ConversationActive, CreatedAt: at, UpdatedAt: at,
	}
	if err := db.CreateConversation(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// takeTurn appends the conversation's next turn, answering message when it is not nil.
func takeTurn(t *testing.T, db *store.DB, c *domain.Conversation, message *domain.TurnMessage, at time.Time) *domain.Turn {
	t.Helper()
	at = at.UTC().Truncate(time.Microsecond)
	turn := &domain.Turn{
		ID: domain.NewID(domain.PrefixTurn, at), TenantID: c.TenantID, ConversationID: c.ID, Index: c.TurnCount + 1,
		Message: message, SpeakerID: wrenID, SpeakerName: "Wren", Text: "Wren's line.", Emotion: domain.EmotionTrust,
		ChosenBecause: "was asked", Decisions: []domain.Decision{}, Engine: "local", Model: "rules-v1",
		Moderation: domain.ModerationOutcome{Action: "none", Categories: []string{}}, CreatedAt: at,
	}
	var players []domain.Player
	if message != nil && message.PlayerID != "" {
		players = []domain.Player{{ID: message.PlayerID, Name: message.Speaker}}
	}
	got, err := db.AppendTurn(t.Context(), turn, players, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	*c = *got
	return turn
}

func turnsOf(t *testing.T, db *store.DB, c *domain.Conversation) []domain.Turn {
	t.Helper()
	turns, _, err := db.ListTurns(t.Context(), c.TenantID, c.ID, domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return turns
}

func conversationOf(t *testing.T, db *store.DB, c *domain.Conversation) *domain.Conversation {
	t.Helper()
	got, err := db.GetConversation(t.Context(), c.TenantID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func entryIDs(entries []domain.MemoryEntry) []string {
	ids := []string{}
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestPlayerDataExportAndErasure: a player's memory entries across characters, their
// listings and their lines in conversations are exported from one call, then erased in
// one; what belongs to other players, to another case of the id, to the test space and to
// another tenant is neither exported nor touched, and a second erasure changes nothing.
func TestPlayerDataExportAndErasure(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			const tenant, test, other = "ten_players", "ten_players/test", "ten_others"
			const player = "p_1.kestrel@eu" // '_' must not match any character

			// Memory: the player's entries with two characters (one pinned), and entries
			// that are not theirs.
			mine := []domain.MemoryEntry{
				playerEntry(tenant, wrenID, player, "Do you sell swords?", base.Add(2*time.Minute)),
				playerEntry(tenant, odaID, player, "I'm Kestrel.", base.Add(1*time.Minute)),
				playerEntry(tenant, wrenID, player, "Remember my name.", base.Add(3*time.Minute)),
			}
			mine[2].Pinned = true
			notMine := []domain.MemoryEntry{
				playerEntry(tenant, wrenID, "p21.kestrel@eu", "Another player.", base),
				playerEntry(tenant, wrenID, "P_1.KESTREL@EU", "The id in other case.", base),
				playerEntry(tenant, wrenID, "", "No player named.", base),
				playerEntry(test, wrenID, player, "The test space's.", base),
				playerEntry(other, wrenID, player, "Another tenant's.", base),
			}
			if err := db.AddMemory(ctx, append(append([]domain.MemoryEntry{}, mine...), notMine...)); err != nil {
				t.Fatal(err)
			}

			// Conversations: one where the player and Bo both speak, one that only lists
			// the player, one with the id in another case, and the same player elsewhere.
			both := scene(t, db, tenant, base, domain.Player{ID: player, Name: "Kestrel"}, domain.Player{ID: "bo", Name: "Bo"})
			t1 := takeTurn(t, db, both, &domain.TurnMessage{Speaker: "Kestrel", Text: "Where is the ore?", PlayerID: player}, base.Add(time.Minute))
			takeTurn(t, db, both, nil, base.Add(2*time.Minute))
			t3 := takeTurn(t, db, both, &domain.TurnMessage{Speaker: "Bo", Text: "Ask Oda.", PlayerID: "bo"}, base.Add(3*time.Minute))
			t4 := takeTurn(t, db, both, &domain.TurnMessage{Speaker: "Kestrel", Text: `He said "player_id":"x"`, PlayerID: player}, base.Add(4*time.Minute))
			listed := scene(t, db, tenant, base.Add(time.Hour), domain.Player{ID: player})
			cased := scene(t, db, tenant, base.Add(2*time.Hour), domain.Player{ID: "P_1.KESTREL@EU", Name: "Loud"})
			takeTurn(t, db, cased, &domain.TurnMessage{Speaker: "Loud", Text: "Hey!", PlayerID: "P_1.KESTREL@EU"}, base.Add(2*time.Hour))
			elsewhere := []*domain.Conversation{
				scene(t, db, test, base, domain.Player{ID: player, Name: "Kestrel"}),
				scene(t, db, other, base, domain.Player{ID: player, Name: "Kestrel"}),
			}
			for _, c := range elsewhere {
				takeTurn(t, db, c, &domain.TurnMessage{Speaker: "Kestrel", Text: "Hello.", PlayerID: player}, base.Add(time.Minute))
			}
			untouched := map[string][]domain.Turn{}
			for _, c := range append([]*domain.Conversation{cased}, elsewhere...) {
				untouched[c.ID] = turnsOf(t, db, c)
			}
			before := map[string]*domain.Conversation{}
			for _, c := range append([]*domain.Conversation{cased}, elsewhere...) {
				before[c.ID] = conversationOf(t, db, c)
			}

			got := exportOf(t, db, tenant, player)
			wantMemory := []domain.MemoryEntry{mine[1], mine[0], mine[2]} // oldest first
			if !reflect.DeepEqual(got.memories, wantMemory) {
				t.Fatalf("exported memories %v, want %v", entryIDs(got.memories), entryIDs(wantMemory))
			}
			wantConversations := []domain.PlayerConversation{
				{ConversationID: both.ID, Name: "Kestrel", Messages: []domain.PlayerMessage{
					{TurnID: t1.ID, TurnIndex: 1, Speaker: "Kestrel", Text: "Where is the ore?", CreatedAt: t1.CreatedAt},
					{TurnID: t4.ID, TurnIndex: 4, Speaker: "Kestrel", Text: `He said "player_id":"x"`, CreatedAt: t4.CreatedAt},
				}},
				{ConversationID: listed.ID, Name: "", Messages: []domain.PlayerMessage{}},
			}
			if !reflect.DeepEqual(got.conversations, wantConversations) {
				t.Fatalf("exported conversations\n%+v\nwant\n%+v", got.conversations, wantConversations)
			}

			n, err := db.ErasePlayer(ctx, tenant, player)
			if err != nil {
				t.Fatal(err)
			}
			if want := (domain.PlayerErasure{MemoriesDeleted: 3, ConversationsUpdated: 2, TurnsRedacted: 2}); n != want {
				t.Fatalf("erasure counted %+v, want %+v", n, want)
			}

			// The player's lines read as erased; Bo's line and the characters' lines stay.
			if c := conversationOf(t, db, both); !reflect.DeepEqual(c.Players, []domain.Player{{ID: "bo", Name: "Bo"}}) || c.TurnCount != 4 {
				t.Fatalf("after erasure the conversation lists %+v with %d turns", c.Players, c.TurnCount)
			}
			if c := conversationOf(t, db, listed); len(c.Players) != 0 {
				t.Fatalf("after erasure the listing conversation lists %+v", c.Players)
			}
			erased := &domain.TurnMessage{Speaker: domain.ErasedSpeaker, Text: domain.ErasedText}
			turns := turnsOf(t, db, both)
			for i, want := range []*domain.TurnMessage{erased, nil, t3.Message, erased} {
				if !reflect.DeepEqual(turns[i].Message, want) || turns[i].Text != "Wren's line." {
					t.Errorf("turn %d after erasure: message %+v text %q, want %+v", i+1, turns[i].Message, turns[i].Text, want)
				}
			}
			left := memoryIDs(t, db, tenant, wrenID)
			for _, e := range mine {
				if _, ok := memoryIDs(t, db, tenant, e.CharacterID)[e.ID]; ok {
					t.Errorf("entry %q survived the erasure", e.Text)
				}
			}
			for _, e := range notMine {
				if _, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; !ok {
					t.Errorf("entry %q (%s, player %q) was erased", e.Text, e.TenantID, e.PlayerID)
				}
			}
			if len(left) != 3 {
				t.Errorf("%d of the tenant's entries left with Wren, want the 3 that are not the player's", len(left))
			}
			for id, want := range untouched {
				c := &domain.Conversation{ID: id, TenantID: before[id].TenantID}
				if got := turnsOf(t, db, c); !reflect.DeepEqual(got, want) {
					t.Errorf("conversation %s of %s: turns changed by the erasure", id, c.TenantID)
				}
				if got := conversationOf(t, db, c); !reflect.DeepEqual(got, before[id]) {
					t.Errorf("conversation %s of %s changed by the erasure: %+v", id, c.TenantID, got)
				}
			}

			// Nothing is left to export, and erasing again is a no-op.
			if got := exportOf(t, db, tenant, player); len(got.memories) != 0 || len(got.conversations) != 0 {
				t.Fatalf("export after erasure: %d memories, %+v", len(got.memories), got.conversations)
			}
			if n, err := db.ErasePlayer(ctx, tenant, player); err != nil || n != (domain.PlayerErasure{}) {
				t.Fatalf("second erasure: %+v, %v", n, err)
			}
			// The same player in the test space and in another tenant is still there.
			for _, space := range []string{test, other} {
				if got := exportOf(t, db, space, player); len(got.memories) != 1 || len(got.conversations) != 1 ||
					len(got.conversations[0].Messages) != 1 {
					t.Errorf("%s: the erasure reached this space: %+v", space, got)
				}
			}
		})
	}
}

// TestPlayerMemoryRetention: the cleanup deletes, for each space with a retention, the
// entries about players older than it (pinned ones too) and keeps everything else: newer
// entries, entries naming no player, and the spaces without a retention.
func TestPlayerMemoryRetention(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			const kept, live, test = "ten_keeps", "ten_forgets", "ten_forgets/test"

			if _, err := db.PlayerRetention(ctx, live); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("retention before any is set: %v", err)
			}
			if err := db.PutPlayerRetention(ctx, &domain.PlayerRetention{TenantID: live, PlayerMemoryDays: 7, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := db.PutPlayerRetention(ctx, &domain.PlayerRetention{TenantID: live, PlayerMemoryDays: 30, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := db.PutPlayerRetention(ctx, &domain.PlayerRetention{TenantID: kept, PlayerMemoryDays: 5, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			// Setting 0 removes a retention: kept keeps its entries until erased.
			if err := db.PutPlayerRetention(ctx, &domain.PlayerRetention{TenantID: kept, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			r, err := db.PlayerRetention(ctx, live)
			if err != nil || r.PlayerMemoryDays != 30 || !r.UpdatedAt.Equal(now) {
				t.Fatalf("retention %+v, %v", r, err)
			}
			all, err := db.PlayerRetentions(ctx)
			if err != nil || len(all) != 1 || all[0].TenantID != live {
				t.Fatalf("retentions %+v, %v", all, err)
			}

			old, edge, recent := now.Add(-31*24*time.Hour), now.Add(-30*24*time.Hour), now.Add(-29*24*time.Hour)
			expired := []domain.MemoryEntry{
				playerEntry(live, wrenID, "p1", "Old.", old),
				playerEntry(live, odaID, "p2", "Old and pinned.", old.Add(time.Minute)),
			}
			expired[1].Pinned = true
			stay := []domain.MemoryEntry{
				playerEntry(live, wrenID, "p1", "Exactly 30 days old.", edge),
				playerEntry(live, wrenID, "p1", "Recent.", recent),
				playerEntry(live, wrenID, "", "Old, about no player.", old),
				playerEntry(test, wrenID, "p1", "The test space has no retention.", old),
				playerEntry(kept, wrenID, "p1", "No retention here.", old),
			}
			if err := db.AddMemory(ctx, append(append([]domain.MemoryEntry{}, expired...), stay...)); err != nil {
				t.Fatal(err)
			}

			// One batch deletes the oldest first.
			if n, err := db.DeletePlayerMemoriesBefore(ctx, live, edge, 1); err != nil || n != 1 {
				t.Fatalf("a batch of one deleted %d, %v", n, err)
			}
			if _, ok := memoryIDs(t, db, live, wrenID)[expired[0].ID]; ok {
				t.Fatal("a batch of one did not delete the oldest entry")
			}

			cleanup := &domain.CleanupService{Store: db, Media: &media.FS{Dir: t.TempDir()}, Players: db, Now: func() time.Time { return now }}
			rep, err := cleanup.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.PlayerMemories != 1 {
				t.Fatalf("the cleanup deleted %d entries about players, want the 1 left old", rep.PlayerMemories)
			}
			for _, e := range expired {
				if _, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; ok {
					t.Errorf("expired entry %q kept", e.Text)
				}
			}
			for _, e := range stay {
				if _, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; !ok {
					t.Errorf("entry %q of %s deleted", e.Text, e.TenantID)
				}
			}
			if rep, err := cleanup.Run(ctx); err != nil || rep.PlayerMemories != 0 {
				t.Fatalf("a second cleanup: %+v, %v", rep, err)
			}
		})
	}
}
