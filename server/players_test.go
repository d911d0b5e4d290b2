package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// exportPlayer exports the player's data and fails the test unless it answers 200.
func exportPlayer(t *testing.T, c *gen.ClientWithResponses, playerID string) gen.PlayerExport {
	t.Helper()
	res, err := c.ExportPlayerDataWithResponse(t.Context(), playerID)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("export %s: %d %s", playerID, res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

// erasePlayer erases the player's data and fails the test unless it answers 200.
func erasePlayer(t *testing.T, c *gen.ClientWithResponses, playerID string) gen.PlayerDeletion {
	t.Helper()
	res, err := c.DeletePlayerDataWithResponse(t.Context(), playerID)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("erase %s: %d %s", playerID, res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

// aboutPlayer lists the texts of the entries about the player.
func aboutPlayer(entries []gen.MemoryEntry, playerID string) []string {
	var out []string
	for _, e := range entries {
		if e.PlayerId != nil && *e.PlayerId == playerID {
			out = append(out, e.Text)
		}
	}
	return out
}

// TestPlayerExportThenErasure: what a player said through speak and in a conversation is
// exported with the characters that remember it; erasing the player removes all of it in
// one call (the conversation keeps its turns with the player's line erased) and leaves
// what the characters remember of others; then the export is empty and a second erasure
// counts nothing.
func TestPlayerExportThenErasure(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			const kestrel = "p_kestrel"
			smith := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Seed: ptr(int64(3))})
			speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Hello! My name is Kestrel. Do you sell swords?")}, PlayerId: ptr(kestrel)})
			speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Bo", "Any work for a traveller?")}, PlayerId: ptr("p_bo")})
			speak(t, b.demo, smith.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Arin", "Nice weather.")}})
			conv, cast := campfire(t, b.demo, 42)
			taken := advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{
				PlayerId: ptr(kestrel), Message: playerLine("Mira, did you see who took the caravan?"), Turns: ptr(2),
			})
			advance(t, b.demo, conv.Id, gen.ConversationTurnRequest{PlayerId: ptr("p_bo"), Message: playerLine("Bram Ironhand, what do you say?")})

			// The export: every entry about Kestrel, with its character, and their line.
			got := exportPlayer(t, b.demo, kestrel)
			if got.Object != gen.PlayerExportObjectPlayerExport || got.PlayerId != kestrel || got.ExportedAt.IsZero() {
				t.Fatalf("export header %+v", got)
			}
			byCharacter := map[string][]string{}
			for i, e := range got.Memories {
				if e.PlayerId == nil || *e.PlayerId != kestrel {
					t.Fatalf("exported entry %+v is not about %s", e, kestrel)
				}
				if i > 0 && e.CreatedAt.Before(got.Memories[i-1].CreatedAt) {
					t.Fatalf("entries not oldest first: %v then %v", got.Memories[i-1].CreatedAt, e.CreatedAt)
				}
				byCharacter[e.CharacterId] = append(byCharacter[e.CharacterId], e.Text)
			}
			for _, id := range []string{smith.Id, cast[0].Id, cast[1].Id, cast[2].Id} {
				mem := memoryOf(t, b.demo, id)
				if want := aboutPlayer(mem.Items, kestrel); len(want) == 0 || len(byCharacter[id]) != len(want) {
					t.Fatalf("character %s: exported %q, memory about Kestrel %q", id, byCharacter[id], want)
				}
			}
			if !slices.Contains(byCharacter[smith.Id], "Hello! My name is Kestrel. Do you sell swords?") {
				t.Fatalf("the smith's export lacks Kestrel's line: %q", byCharacter[smith.Id])
			}
			if len(got.Conversations) != 1 {
				t.Fatalf("exported conversations %+v", got.Conversations)
			}
			ec := got.Conversations[0]
			first := taken.Turns[0]
			if ec.ConversationId != conv.Id || ec.Name == nil || *ec.Name != "Kestrel" || len(ec.Messages) != 1 {
				t.Fatalf("exported conversation %+v", ec)
			}
			if m := ec.Messages[0]; m.TurnId != first.Id || m.TurnIndex != 1 || m.Speaker != "Kestrel" ||
				m.Text != "Mira, did you see who took the caravan?" || !m.CreatedAt.Equal(first.CreatedAt) {
				t.Fatalf("exported message %+v, the turn was %+v", m, first)
			}

			// Every character Kestrel spoke to keeps a relationship with them, with its history.
			related := map[string]bool{}
			for _, r := range got.Relationships {
				if r.Relationship.Target.Type != gen.RelationshipTargetTypePlayer || r.Relationship.Target.Id != kestrel || r.Relationship.Interactions == 0 {
					t.Fatalf("exported relationship %+v", r)
				}
				related[r.CharacterId] = true
			}
			for _, id := range []string{smith.Id, cast[0].Id, cast[1].Id, cast[2].Id} {
				if !related[id] {
					t.Fatalf("the export lacks %s's relationship with Kestrel: %+v", id, got.Relationships)
				}
			}

			// The erasure counts what it removed.
			del := erasePlayer(t, b.demo, kestrel)
			want := gen.PlayerDeletion{Object: gen.PlayerDeletionObjectPlayerDeletion, PlayerId: kestrel, Deleted: true,
				MemoriesDeleted: len(got.Memories), ConversationsUpdated: 1, TurnsRedacted: 1, RelationshipsDeleted: len(got.Relationships)}
			if del != want {
				t.Fatalf("erasure %+v, want %+v", del, want)
			}

			// Nothing about Kestrel is left; what characters remember of Bo and Arin stays.
			for _, id := range []string{smith.Id, cast[0].Id, cast[1].Id, cast[2].Id} {
				if left := aboutPlayer(memoryOf(t, b.demo, id).Items, kestrel); len(left) != 0 {
					t.Errorf("character %s still remembers %q", id, left)
				}
			}
			for _, id := range []string{smith.Id, cast[0].Id, cast[1].Id, cast[2].Id} {
				for _, r := range relationshipsOf(t, b.demo, id).Items {
					if r.Target.Id == kestrel {
						t.Errorf("character %s still has a relationship with Kestrel: %+v", id, r)
					}
				}
			}
			if !slices.ContainsFunc(relationshipsOf(t, b.demo, smith.Id).Items, func(r gen.Relationship) bool { return r.Target.Id == "p_bo" }) {
				t.Error("the erasure took the smith's relationship with Bo")
			}
			smithMem := memoryOf(t, b.demo, smith.Id)
			if len(aboutPlayer(smithMem.Items, "p_bo")) == 0 || !slices.ContainsFunc(smithMem.Items, func(e gen.MemoryEntry) bool {
				return e.Text == "Nice weather." && e.PlayerId == nil
			}) {
				t.Fatalf("the erasure took what the smith remembers of others: %+v", smithMem.Items)
			}
			c, err := b.demo.GetConversationWithResponse(ctx, conv.Id)
			if err != nil || c.JSON200 == nil {
				t.Fatalf("conversation: %v %s", err, c.Body)
			}
			if slices.ContainsFunc(c.JSON200.Players, func(p gen.ConversationPlayer) bool { return p.PlayerId == kestrel }) ||
				!slices.ContainsFunc(c.JSON200.Players, func(p gen.ConversationPlayer) bool { return p.PlayerId == "p_bo" }) {
				t.Fatalf("players after erasure %+v", c.JSON200.Players)
			}
			tr, err := b.demo.ListConversationTurnsWithResponse(ctx, conv.Id, nil)
			if err != nil || tr.JSON200 == nil || tr.JSON200.Total != 3 {
				t.Fatalf("transcript after erasure: %v %s", err, tr.Body)
			}
			turns := tr.JSON200.Items
			if m := turns[0].Message; m == nil || m.Text != "[erased]" || m.Speaker != "player" || m.PlayerId != nil || turns[0].Text != first.Text {
				t.Fatalf("turn 1 after erasure: message %+v, text %q (was %q)", m, turns[0].Text, first.Text)
			}
			if m := turns[2].Message; m == nil || m.Text != "Bram Ironhand, what do you say?" || m.PlayerId == nil || *m.PlayerId != "p_bo" {
				t.Fatalf("Bo's line after erasure: %+v", m)
			}

			// Then the export is empty, and erasing again is safe and counts nothing.
			if again := exportPlayer(t, b.demo, kestrel); len(again.Memories) != 0 || len(again.Conversations) != 0 || len(again.Relationships) != 0 {
				t.Fatalf("export after erasure %+v", again)
			}
			want.MemoriesDeleted, want.ConversationsUpdated, want.TurnsRedacted, want.RelationshipsDeleted = 0, 0, 0, 0
			if del := erasePlayer(t, b.demo, kestrel); del != want {
				t.Fatalf("second erasure %+v, want %+v", del, want)
			}
		})
	}
}

// TestPlayerNeverSeenHasAnEmptyExport: a game cannot know whether Troupe holds anything
// about a player, so an unknown one is 200 with empty lists (not null) and an erasure of
// nothing is 200 with zero counts.
func TestPlayerNeverSeenHasAnEmptyExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := b.demo.ExportPlayerDataWithResponse(t.Context(), "steam:76561198000000000")
	if err != nil || res.JSON200 == nil {
		t.Fatalf("export: %v %s", err, res.Body)
	}
	if !strings.Contains(string(res.Body), `"memories":[]`) || !strings.Contains(string(res.Body), `"conversations":[]`) ||
		!strings.Contains(string(res.Body), `"relationships":[]`) {
		t.Fatalf("export of nobody: %s", res.Body)
	}
	if del := erasePlayer(t, b.demo, "steam:76561198000000000"); !del.Deleted || del.MemoriesDeleted+del.ConversationsUpdated+del.TurnsRedacted+del.RelationshipsDeleted != 0 {
		t.Fatalf("erasure of nobody: %+v", del)
	}
}

// TestPlayerDataStaysInItsTenant: another tenant, and the same tenant's test space,
// neither see nor erase a player's data, even under the same player id; their own data
// under that id is theirs alone.
func TestPlayerDataStaysInItsTenant(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			const player = "p_shared"
			line := gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Do you sell swords?")}, PlayerId: ptr(player)}
			speak(t, b.demo, createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor"}).Id, line)
			speak(t, b.other, createCharacter(t, b.other, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver"}).Id, line)
			testKey := servertest.Client(t, b.url, issueKey(t, b, "tenant_demo", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite))

			demo := exportPlayer(t, b.demo, player)
			other := exportPlayer(t, b.other, player)
			if len(demo.Memories) == 0 || len(other.Memories) == 0 {
				t.Fatalf("exports: demo %d entries, other %d", len(demo.Memories), len(other.Memories))
			}
			for _, e := range other.Memories {
				if slices.ContainsFunc(demo.Memories, func(d gen.PlayerMemoryEntry) bool { return d.Id == e.Id || d.CharacterId == e.CharacterId }) {
					t.Fatalf("the other tenant's export holds the demo tenant's entry %+v", e)
				}
			}
			if got := exportPlayer(t, testKey, player); len(got.Memories) != 0 {
				t.Fatalf("the test space sees %d live entries", len(got.Memories))
			}

			if del := erasePlayer(t, testKey, player); del.MemoriesDeleted != 0 {
				t.Fatalf("the test space erased %d live entries", del.MemoriesDeleted)
			}
			if del := erasePlayer(t, b.other, player); del.MemoriesDeleted != len(other.Memories) {
				t.Fatalf("the other tenant erased %d entries, it had %d", del.MemoriesDeleted, len(other.Memories))
			}
			if after := exportPlayer(t, b.demo, player); len(after.Memories) != len(demo.Memories) {
				t.Fatalf("the demo tenant has %d entries after the others' erasures, had %d", len(after.Memories), len(demo.Memories))
			}
		})
	}
}

// TestBadPlayerIDInPathIsRefused: a path player id that is not 1 to 100 letters, digits
// or _.:@- answers 400 BAD_REQUEST naming player_id, on both operations, and an erasure
// so refused erases nothing.
func TestBadPlayerIDInPathIsRefused(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor"})
			speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Hello.")}, PlayerId: ptr("p1")})
			before := exportPlayer(t, b.demo, "p1")

			for label, id := range map[string]string{
				"a space": "p1 x", "a semicolon": "p1;", "a slash": "p1/x", "NUL": "p1\x00", "a control": "p\x01",
				"non-ASCII": "pé", "invalid UTF-8": "p\xff", "101 characters": strings.Repeat("p", 101), "a wildcard": "p%",
			} {
				ex, err := b.demo.ExportPlayerDataWithResponse(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				expectError(t, ex.HTTPResponse, ex.Body, http.StatusBadRequest, "BAD_REQUEST")
				if _, fields := errorOf(t, ex.Body); !slices.Equal(fields, []string{"player_id"}) {
					t.Errorf("%s: export refused with fields %v, want player_id", label, fields)
				}
				del, err := b.demo.DeletePlayerDataWithResponse(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				expectError(t, del.HTTPResponse, del.Body, http.StatusBadRequest, "BAD_REQUEST")
				if _, fields := errorOf(t, del.Body); !slices.Equal(fields, []string{"player_id"}) {
					t.Errorf("%s: erasure refused with fields %v, want player_id", label, fields)
				}
			}
			// The longest id there can be is fine.
			exportPlayer(t, b.demo, strings.Repeat("p", 100))
			if after := exportPlayer(t, b.demo, "p1"); len(after.Memories) != len(before.Memories) {
				t.Fatalf("refused erasures changed the player's data: %d entries, had %d", len(after.Memories), len(before.Memories))
			}
		})
	}
}

// TestDataRetentionSettings: the retention is unset (null) until an admin sets it to 1
// to 3650 days; every other value is a 422 naming player_memory_days that changes
// nothing; null unsets it; a key without admin may neither read nor set it, and a test
// key's retention is its test space's own.
func TestDataRetentionSettings(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			tenant := uniqueTenant(t)
			admin := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeLive, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))
			writer := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeLive, domain.ScopeRead, domain.ScopeWrite))
			test := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeTest, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))
			days := func(c *gen.ClientWithResponses) *int {
				t.Helper()
				res, err := c.GetDataRetentionWithResponse(ctx)
				if err != nil || res.JSON200 == nil || res.JSON200.Object != gen.DataRetentionObjectDataRetention {
					t.Fatalf("get retention: %v %s", err, res.Body)
				}
				return res.JSON200.PlayerMemoryDays
			}

			if d := days(admin); d != nil {
				t.Fatalf("retention before any is set: %d", *d)
			}
			for _, n := range []int{1, 3650, 90} {
				set, err := admin.SetDataRetentionWithResponse(ctx, nil, gen.DataRetentionRequest{PlayerMemoryDays: ptr(n)})
				if err != nil || set.JSON200 == nil || set.JSON200.PlayerMemoryDays == nil || *set.JSON200.PlayerMemoryDays != n {
					t.Fatalf("set %d: %v %s", n, err, set.Body)
				}
			}
			for _, body := range []string{
				`{"player_memory_days": 0}`, `{"player_memory_days": 3651}`, `{"player_memory_days": -5}`,
				`{"player_memory_days": "30"}`, `{"player_memory_days": 1.5}`, `{}`, `{"player_memory_days": 30, "player_turn_days": 30}`,
			} {
				res, err := admin.SetDataRetentionWithBodyWithResponse(ctx, nil, "application/json", strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				expectError(t, res.HTTPResponse, res.Body, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
				if _, fields := errorOf(t, res.Body); len(fields) != 1 || !strings.HasPrefix(fields[0], "player_") {
					t.Errorf("%s: refused with fields %v, want the one bad field", body, fields)
				}
			}
			if d := days(admin); d == nil || *d != 90 {
				t.Fatalf("after refused sets the retention is %v, want 90", d)
			}
			if d := days(test); d != nil {
				t.Fatalf("the test space sees the live retention %d", *d)
			}
			res, _ := writer.SetDataRetentionWithResponse(ctx, nil, gen.DataRetentionRequest{PlayerMemoryDays: ptr(1)})
			expectError(t, res.HTTPResponse, res.Body, http.StatusForbidden, "INSUFFICIENT_SCOPE")
			gr, _ := writer.GetDataRetentionWithResponse(ctx)
			expectError(t, gr.HTTPResponse, gr.Body, http.StatusForbidden, "INSUFFICIENT_SCOPE")

			unset, err := admin.SetDataRetentionWithResponse(ctx, nil, gen.DataRetentionRequest{PlayerMemoryDays: nil})
			if err != nil || unset.JSON200 == nil || unset.JSON200.PlayerMemoryDays != nil || !strings.Contains(string(unset.Body), `"player_memory_days":null`) {
				t.Fatalf("unset: %v %s", err, unset.Body)
			}
			if d := days(admin); d != nil {
				t.Fatalf("after null the retention is %d", *d)
			}
		})
	}
}

// TestLargePlayerExportIsStreamedWhole: an export far larger than what is buffered before
// the answer starts arrives whole, valid and in order.
func TestLargePlayerExportIsStreamedWhole(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			const player, n = "p_chatty", 400
			at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			entries := make([]domain.MemoryEntry, n)
			for i := range entries {
				created := at.Add(time.Duration(i) * time.Second)
				entries[i] = domain.MemoryEntry{
					ID: domain.NewID(domain.PrefixMemory, created), TenantID: "tenant_demo", CharacterID: "chr_gone",
					Kind: domain.MemoryHeard, Text: fmt.Sprintf("Line %03d: %s", i, strings.Repeat("talk ", 40)), Speaker: "Chatty",
					Importance: 0.2, PlayerID: player, Source: domain.MemorySource{Type: domain.MemorySourceSpeak}, CreatedAt: created,
				}
			}
			if err := b.db.AddMemory(t.Context(), entries); err != nil {
				t.Fatal(err)
			}
			res, err := b.demo.ExportPlayerDataWithResponse(t.Context(), player)
			if err != nil || res.JSON200 == nil {
				t.Fatalf("export: %v %d", err, res.StatusCode())
			}
			if len(res.Body) < 4*32<<10 {
				t.Fatalf("the export is only %d bytes; the test needs one larger than the buffer", len(res.Body))
			}
			got := res.JSON200.Memories
			if len(got) != n {
				t.Fatalf("%d entries exported, want %d", len(got), n)
			}
			for i, e := range got {
				if e.Id != entries[i].ID || e.CharacterId != "chr_gone" || e.Text != entries[i].Text {
					t.Fatalf("entry %d: %+v, want %s", i, e, entries[i].ID)
				}
			}
		})
	}
}
