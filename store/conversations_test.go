package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

// memory_entries has no foreign key to characters, so the entries below name character
// ids that were never created.
const (
	wrenID = "chr_wren"
	odaID  = "chr_oda"
)

func sampleConversation(tenant string, at time.Time, maxTurns int) *domain.Conversation {
	at = at.UTC().Truncate(time.Microsecond)
	world := "wld_rim"
	return &domain.Conversation{
		ID: domain.NewID(domain.PrefixConversation, at), TenantID: tenant, Participants: []string{wrenID, odaID},
		WorldID: &world, Scene: "The forge at dusk.", Topic: "The missing ore.",
		Players:  []domain.Player{{ID: "p1", Name: "Aren"}},
		MaxTurns: maxTurns, MaxConsecutive: 2, Seed: 99, Status: domain.ConversationActive, CreatedAt: at, UpdatedAt: at,
	}
}

func sampleTurn(c *domain.Conversation, index int, at time.Time) *domain.Turn {
	at = at.UTC().Truncate(time.Microsecond)
	return &domain.Turn{
		ID: domain.NewID(domain.PrefixTurn, at), TenantID: c.TenantID, ConversationID: c.ID, Index: index,
		SpeakerID: wrenID, SpeakerName: "Wren", Text: fmt.Sprintf("Line %d.", index), Emotion: domain.EmotionTrust,
		ChosenBecause: "the only one who wanted to speak",
		Decisions: []domain.Decision{
			{CharacterID: wrenID, Name: "Wren", Decision: "WANT", Priority: 0.75, Reason: "was asked"},
			{CharacterID: odaID, Name: "Oda", Decision: "PASS", Priority: 0.1, Reason: "busy", ExcludedBecause: "said the line being answered"},
		},
		Engine: "local", Model: "rules-v1", Usage: domain.Usage{PromptTokens: 120, CompletionTokens: 18},
		Moderation: domain.ModerationOutcome{Action: "none", Categories: []string{}}, CreatedAt: at,
	}
}

// turnEntries are the memories a turn writes: what the speaker said to the player and what
// the other participant heard.
func turnEntries(turn *domain.Turn, playerID string) []domain.MemoryEntry {
	src := domain.MemorySource{Type: domain.MemorySourceConversation, RequestID: "req-" + turn.ID, ConversationID: turn.ConversationID, TurnID: turn.ID}
	said := domain.MemoryEntry{
		ID: domain.NewID(domain.PrefixMemory, turn.CreatedAt), TenantID: turn.TenantID, CharacterID: wrenID, Kind: domain.MemorySaid,
		Text: turn.Text, Speaker: "Wren", Importance: 0.3, PlayerID: playerID, Source: src, CreatedAt: turn.CreatedAt,
	}
	heard := said
	heard.ID, heard.CharacterID, heard.Kind, heard.PlayerID = domain.NewID(domain.PrefixMemory, turn.CreatedAt), odaID, domain.MemoryHeard, ""
	return []domain.MemoryEntry{said, heard}
}

// memoryIDs lists the ids of a character's entries, so a test can tell which writes
// happened.
func memoryIDs(t *testing.T, db *store.DB, tenant, characterID string) map[string]domain.MemoryEntry {
	t.Helper()
	entries, _, err := db.ListMemory(t.Context(), tenant, characterID, domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.MemoryEntry{}
	for _, e := range entries {
		out[e.ID] = e
	}
	return out
}

func turnIDs(turns []domain.Turn) []string {
	ids := []string{}
	for _, t := range turns {
		ids = append(ids, t.ID)
	}
	return ids
}

func mustCreate(t *testing.T, db *store.DB, c *domain.Conversation) {
	t.Helper()
	if err := db.CreateConversation(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

// assertUntouched checks a refused append left the conversation, its turns and both
// characters' memory as they were.
func assertUntouched(t *testing.T, db *store.DB, before *domain.Conversation, refused []domain.MemoryEntry) {
	t.Helper()
	after, err := db.GetConversation(t.Context(), before.TenantID, before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("a refused append changed the conversation\n%+v\nwant\n%+v", after, before)
	}
	turns, total, err := db.ListTurns(t.Context(), before.TenantID, before.ID, domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if total != before.TurnCount || len(turns) != before.TurnCount {
		t.Errorf("after a refused append: %d turns (total %d), want %d", len(turns), total, before.TurnCount)
	}
	for _, e := range refused {
		if _, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; ok {
			t.Errorf("a refused append wrote memory entry %s", e.ID)
		}
	}
}

func TestConversations(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		run  func(t *testing.T, db *store.DB)
	}{
		{"created conversations read back, newest first, only for their tenant", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			var ids []string
			var made []*domain.Conversation
			for i := range 3 {
				c := sampleConversation("cnv_list", base.Add(time.Duration(i)*time.Second), 10)
				if i == 1 {
					c.WorldID, c.Players = nil, []domain.Player{}
				}
				mustCreate(t, db, c)
				made = append(made, c)
				ids = append([]string{c.ID}, ids...)
			}
			mustCreate(t, db, sampleConversation("cnv_list_other", base, 10))
			for _, c := range made {
				got, err := db.GetConversation(ctx, c.TenantID, c.ID)
				if err != nil || !reflect.DeepEqual(got, c) {
					t.Fatalf("read back %+v, %v\nwant %+v", got, err, c)
				}
			}
			pages := []struct {
				page domain.Page
				want []string
			}{
				{domain.Page{Limit: 50}, ids},
				{domain.Page{Limit: 2}, ids[:2]},
				{domain.Page{Limit: 2, Offset: 2}, ids[2:]},
				{domain.Page{Limit: 2, Offset: 5}, []string{}},
			}
			for _, p := range pages {
				got, total, err := db.ListConversations(ctx, "cnv_list", p.page)
				if err != nil {
					t.Fatal(err)
				}
				gotIDs := []string{}
				for _, c := range got {
					gotIDs = append(gotIDs, c.ID)
				}
				if total != 3 || !reflect.DeepEqual(gotIDs, p.want) {
					t.Errorf("page %+v: %v (total %d), want %v (total 3)", p.page, gotIDs, total, p.want)
				}
			}
			if _, err := db.GetConversation(ctx, "cnv_list_other", made[0].ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("get as another tenant: %v, want ErrNotFound", err)
			}
			if err := db.DeleteConversation(ctx, "cnv_list_other", made[0].ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("delete as another tenant: %v, want ErrNotFound", err)
			}
			if got, total, err := db.ListConversations(ctx, "cnv_nobody", domain.Page{Limit: 50}); err != nil || total != 0 || len(got) != 0 || got == nil {
				t.Errorf("a tenant without conversations lists %v (total %d), %v; want an empty list", got, total, err)
			}
			if _, err := db.GetConversation(ctx, "cnv_list", made[0].ID); err != nil {
				t.Errorf("the owner lost the conversation to another tenant's delete: %v", err)
			}
		}},

		{"delete removes the conversation and its turns but not their memories", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_delete", base, 10)
			mustCreate(t, db, c)
			turn := sampleTurn(c, 1, base.Add(time.Minute))
			entries := turnEntries(turn, "p1")
			if _, err := db.AppendTurn(ctx, turn, nil, entries, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteConversation(ctx, c.TenantID, c.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.GetConversation(ctx, c.TenantID, c.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("get after delete: %v, want ErrNotFound", err)
			}
			if turns, total, err := db.ListTurns(ctx, c.TenantID, c.ID, domain.Page{Limit: 50}); err != nil || total != 0 || len(turns) != 0 {
				t.Errorf("turns after delete: %d (total %d), %v", len(turns), total, err)
			}
			if _, ok := memoryIDs(t, db, c.TenantID, wrenID)[entries[0].ID]; !ok {
				t.Error("deleting the conversation deleted a character's memory")
			}
			if err := db.DeleteConversation(ctx, c.TenantID, c.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("second delete: %v, want ErrNotFound", err)
			}
		}},

		{"appends count turns, merge players, end at max_turns and write memory", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_append", base, 2)
			c.Players = []domain.Player{{ID: "p1", Name: "Aren"}, {ID: "p3", Name: ""}}
			mustCreate(t, db, c)

			t1 := sampleTurn(c, 1, base.Add(time.Minute))
			t1.Message = &domain.TurnMessage{Speaker: "Aren", Text: "Where is the ore?", PlayerID: "p1"}
			t1.Moderation = domain.ModerationOutcome{Flagged: true, Action: "redacted", Categories: []string{"violence"}}
			e1 := turnEntries(t1, "p1")
			got, err := db.AppendTurn(ctx, t1, []domain.Player{{ID: "p3", Name: "Cy"}, {ID: "p1", Name: "Renamed"}, {ID: "p2", Name: "Bel"}, {ID: "p2", Name: "Twice"}}, e1, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := *c
			want.TurnCount, want.UpdatedAt = 1, t1.CreatedAt
			want.Players = []domain.Player{{ID: "p1", Name: "Aren"}, {ID: "p3", Name: "Cy"}, {ID: "p2", Name: "Bel"}}
			if !reflect.DeepEqual(got, &want) {
				t.Fatalf("after turn 1\n%+v\nwant\n%+v", got, &want)
			}
			if stored, err := db.GetConversation(ctx, c.TenantID, c.ID); err != nil || !reflect.DeepEqual(stored, got) {
				t.Fatalf("stored %+v, %v; AppendTurn returned %+v", stored, err, got)
			}
			for _, e := range e1 {
				if m, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; !ok || !reflect.DeepEqual(m, e) {
					t.Errorf("memory entry read back %+v (found %v)\nwant %+v", m, ok, e)
				}
			}

			t2 := sampleTurn(c, 2, base.Add(2*time.Minute))
			t2.Decisions = nil
			got, err = db.AppendTurn(ctx, t2, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.TurnCount != 2 || got.Status != domain.ConversationEnded || len(got.Players) != 3 {
				t.Fatalf("after the last turn: count %d, status %s, players %v; want 2, ended, 3 players", got.TurnCount, got.Status, got.Players)
			}
			turns, total, err := db.ListTurns(ctx, c.TenantID, c.ID, domain.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			t2.Decisions = []domain.Decision{} // read back as an empty list, never nil
			if total != 2 || !reflect.DeepEqual(turns, []domain.Turn{*t1, *t2}) {
				t.Fatalf("turns (total %d)\n%+v\nwant\n%+v", total, turns, []domain.Turn{*t1, *t2})
			}
		}},

		{"an append with a stale or skipped index conflicts and writes nothing", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_stale", base, 10)
			mustCreate(t, db, c)
			before, err := db.AppendTurn(ctx, sampleTurn(c, 1, base.Add(time.Minute)), nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, index := range []int{1, 3, 0} {
				turn := sampleTurn(c, index, base.Add(2*time.Minute))
				entries := turnEntries(turn, "p9")
				if _, err := db.AppendTurn(ctx, turn, []domain.Player{{ID: "p9", Name: "Late"}}, entries, nil); !errors.Is(err, domain.ErrConflict) {
					t.Errorf("append of index %d after turn 1: %v, want ErrConflict", index, err)
				}
				assertUntouched(t, db, before, entries)
			}
		}},

		{"an ended conversation takes no more turns", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_ended", base, 1)
			mustCreate(t, db, c)
			ended, err := db.AppendTurn(ctx, sampleTurn(c, 1, base.Add(time.Minute)), nil, nil, nil)
			if err != nil || ended.Status != domain.ConversationEnded {
				t.Fatalf("last turn: %+v, %v", ended, err)
			}
			turn := sampleTurn(c, 2, base.Add(2*time.Minute))
			entries := turnEntries(turn, "p1")
			if _, err := db.AppendTurn(ctx, turn, nil, entries, nil); !errors.Is(err, domain.ErrConflict) {
				t.Errorf("append to an ended conversation: %v, want ErrConflict", err)
			}
			assertUntouched(t, db, ended, entries)
		}},

		{"appending to a missing or another tenant's conversation is not found", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_missing", base, 10)
			mustCreate(t, db, c)
			ghost := sampleConversation("cnv_missing", base, 10) // never stored
			foreign := *c
			foreign.TenantID = "cnv_missing_other"
			for _, target := range []*domain.Conversation{ghost, &foreign} {
				turn := sampleTurn(target, 1, base.Add(time.Minute))
				entries := turnEntries(turn, "p1")
				if _, err := db.AppendTurn(ctx, turn, nil, entries, nil); !errors.Is(err, domain.ErrNotFound) {
					t.Errorf("append to %s of %s: %v, want ErrNotFound", target.ID, target.TenantID, err)
				}
				for _, e := range entries {
					if _, ok := memoryIDs(t, db, e.TenantID, e.CharacterID)[e.ID]; ok {
						t.Errorf("a refused append wrote memory entry %s", e.ID)
					}
				}
			}
			assertUntouched(t, db, c, nil)
		}},

		{"of concurrent appends of one index exactly one wins", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_race", base, 10)
			mustCreate(t, db, c)
			const n = 8
			turns := make([]*domain.Turn, n)
			entries := make([][]domain.MemoryEntry, n)
			errs := make([]error, n)
			for i := range n {
				turns[i] = sampleTurn(c, 1, base.Add(time.Duration(i+1)*time.Second))
				entries[i] = turnEntries(turns[i], "p1")
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					_, errs[i] = db.AppendTurn(ctx, turns[i], []domain.Player{{ID: fmt.Sprintf("racer%d", i), Name: "R"}}, entries[i], nil)
				})
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner < 0:
					winner = i
				case err == nil:
					t.Errorf("appends %d and %d both won", winner, i)
				case !errors.Is(err, domain.ErrConflict):
					t.Errorf("append %d: %v, want ErrConflict", i, err)
				}
			}
			if winner < 0 {
				t.Fatal("no append won")
			}
			got, err := db.GetConversation(ctx, c.TenantID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.TurnCount != 1 || len(got.Players) != 2 || got.Players[1].ID != fmt.Sprintf("racer%d", winner) {
				t.Errorf("after the race: count %d, players %v; want 1 and the winner's player", got.TurnCount, got.Players)
			}
			stored, total, err := db.ListTurns(ctx, c.TenantID, c.ID, domain.Page{Limit: 50})
			if err != nil || total != 1 || len(stored) != 1 || stored[0].ID != turns[winner].ID {
				t.Errorf("turns after the race: %v (total %d), %v; want only %s", turnIDs(stored), total, err, turns[winner].ID)
			}
			said := memoryIDs(t, db, c.TenantID, wrenID)
			if len(said) != 1 {
				t.Errorf("%d said entries after the race, want the winner's one", len(said))
			}
			if _, ok := said[entries[winner][0].ID]; !ok {
				t.Error("the winner's memory entry is missing")
			}
		}},

		{"turns list oldest first and recent turns are the newest, oldest first", func(t *testing.T, db *store.DB) {
			ctx := t.Context()
			c := sampleConversation("cnv_order", base, 10)
			mustCreate(t, db, c)
			var ids []string
			for i := 1; i <= 5; i++ {
				// Later turns get earlier times, so the order can only come from idx.
				turn := sampleTurn(c, i, base.Add(time.Duration(10-i)*time.Minute))
				if _, err := db.AppendTurn(ctx, turn, nil, nil, nil); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, turn.ID)
			}
			pages := []struct {
				page domain.Page
				want []string
			}{
				{domain.Page{Limit: 50}, ids},
				{domain.Page{Limit: 2, Offset: 1}, ids[1:3]},
				{domain.Page{Limit: 2, Offset: 9}, []string{}},
			}
			for _, p := range pages {
				got, total, err := db.ListTurns(ctx, c.TenantID, c.ID, p.page)
				if err != nil || total != 5 || !reflect.DeepEqual(turnIDs(got), p.want) {
					t.Errorf("page %+v: %v (total %d), %v; want %v (total 5)", p.page, turnIDs(got), total, err, p.want)
				}
			}
			recent := []struct {
				n    int
				want []string
			}{{3, ids[2:]}, {10, ids}, {1, ids[4:]}, {0, []string{}}, {-1, []string{}}}
			for _, r := range recent {
				got, err := db.RecentTurns(ctx, c.TenantID, c.ID, r.n)
				if err != nil || !reflect.DeepEqual(turnIDs(got), r.want) {
					t.Errorf("recent %d: %v, %v; want %v", r.n, turnIDs(got), err, r.want)
				}
			}
			if got, total, err := db.ListTurns(ctx, "cnv_order_other", c.ID, domain.Page{Limit: 50}); err != nil || total != 0 || len(got) != 0 {
				t.Errorf("another tenant lists %v (total %d), %v", turnIDs(got), total, err)
			}
			if got, err := db.RecentTurns(ctx, "cnv_order_other", c.ID, 10); err != nil || len(got) != 0 {
				t.Errorf("another tenant's recent turns: %v, %v", turnIDs(got), err)
			}
		}},

		{"an append commits its metered use, a refused one hands it back", func(t *testing.T, db *store.DB) {
			const tenant = "cnv_meter"
			now := base.Add(30 * time.Minute)
			m := domain.NewMeter(tenant, "key_a", nil, func() time.Time { return now })
			ctx := domain.WithMeter(t.Context(), m)
			c := sampleConversation(tenant, base, 10)
			mustCreate(t, db, c)
			m.Add(domain.MetricTokensOut, "local", "rules-v1", "", 18)
			if _, err := db.AppendTurn(ctx, sampleTurn(c, 2, now), nil, nil, nil); !errors.Is(err, domain.ErrConflict) {
				t.Fatalf("skipped index: %v, want ErrConflict", err)
			}
			if q, _, err := db.SumUsage(t.Context(), tenant, nil, now.Add(-time.Hour), now.Add(time.Hour)); err != nil || q != 0 || m.Pending() != 1 {
				t.Fatalf("after a refused append: stored %d (%v), pending %d; want 0 and 1", q, err, m.Pending())
			}
			if _, err := db.AppendTurn(ctx, sampleTurn(c, 1, now), nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			if q, _, err := db.SumUsage(t.Context(), tenant, nil, now.Add(-time.Hour), now.Add(time.Hour)); err != nil || q != 18 || m.Pending() != 0 {
				t.Fatalf("after the append: stored %d (%v), pending %d; want 18 and 0", q, err, m.Pending())
			}
		}},
	}
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, db)
				})
			}
		})
	}
}
