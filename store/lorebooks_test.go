package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

var loreBase = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// sampleLorebook is a book with two entries: one with every field set, extensions with
// numbers that a float64 would not keep, and one with nothing optional.
func sampleLorebook(tenant, name string, at time.Time) *domain.Lorebook {
	at = at.UTC().Truncate(time.Microsecond)
	return &domain.Lorebook{
		ID: domain.NewID(domain.PrefixLorebook, at), TenantID: tenant, Name: name, Description: "What " + name + " knows.",
		ScanDepth: 6, TokenBudget: 700, RecursiveScanning: true, WorldID: "",
		Extensions: map[string]any{
			"big":    json.Number("12345678901234567890"),
			"ratio":  json.Number("1.50"),
			"nested": map[string]any{"list": []any{json.Number("1"), "two", true, nil}, "empty": map[string]any{}},
		},
		Entries: []domain.LoreEntry{
			{
				ID: domain.NewID(domain.PrefixLoreEntry, at), Name: "The Red War", Comment: "author's note",
				Keys: []string{"red war", "war"}, SecondaryKeys: []string{"Vesk"}, Selective: true,
				SelectiveLogic: domain.LogicAndAll, Content: "@@depth 4\nThe Red War ended forty years ago.",
				Constant: true, Enabled: true, CaseSensitive: true, UseRegex: true, InsertionOrder: 7, Priority: -3,
				Position: domain.PositionAfterChar, Category: "history",
				Decorators: []domain.LoreDecorator{{Name: "depth", Value: "4", Supported: true}, {Name: "activate_only_after", Value: "2"}},
				Extensions: map[string]any{"depth": json.Number("4"), "probability": json.Number("99.5"), "group": "wars"},
			},
			{ID: domain.NewID(domain.PrefixLoreEntry, at.Add(time.Microsecond)), Keys: []string{"dock"}, Content: "Dock 9 never sleeps.", Enabled: true},
		},
		CreatedAt: at, UpdatedAt: at,
	}
}

func mustCreateLorebook(t *testing.T, db *store.DB, b *domain.Lorebook) {
	t.Helper()
	if err := db.CreateLorebook(t.Context(), b); err != nil {
		t.Fatalf("create lorebook: %v", err)
	}
}

func bookIDs(bs []domain.Lorebook) []string {
	var ids []string
	for _, b := range bs {
		ids = append(ids, b.ID)
	}
	return ids
}

// eachBackend runs f in parallel once per database.
func eachBackend(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			f(t, db)
		})
	}
}

func TestLorebookCRUD(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		b := sampleLorebook("lb_crud", "Vesk lore", loreBase)
		mustCreateLorebook(t, db, b)
		got, err := db.GetLorebook(ctx, "lb_crud", b.ID)
		if err != nil || !reflect.DeepEqual(got, b) {
			t.Fatalf("read back %+v, %v\nwant %+v", got, err, b)
		}
		// What the extensions export as is what was imported, digit for digit.
		out, _ := json.Marshal(got.Entries[0].Extensions)
		if want := `{"depth":4,"group":"wars","probability":99.5}`; string(out) != want {
			t.Errorf("entry extensions export as %s, want %s", out, want)
		}
		out, _ = json.Marshal(got.Extensions)
		if want := `{"big":12345678901234567890,"nested":{"empty":{},"list":[1,"two",true,null]},"ratio":1.50}`; string(out) != want {
			t.Errorf("book extensions export as %s, want %s", out, want)
		}
		if err := db.CreateLorebook(ctx, b); err == nil {
			t.Error("a second book with the same id was stored")
		}

		// An update replaces the fields and the entries; world and creation stay.
		upd := *got
		previous := upd.UpdatedAt
		upd.Name, upd.Description, upd.ScanDepth, upd.TokenBudget, upd.RecursiveScanning = "Renamed", "", 2, 100, false
		upd.Extensions = nil
		upd.Entries = upd.Entries[1:]
		upd.Entries[0].Keys = append(upd.Entries[0].Keys, "harbour")
		upd.UpdatedAt = previous.Add(time.Second)
		upd.WorldID = "wld_ignored"
		if err := db.UpdateLorebook(ctx, &upd, previous); err != nil {
			t.Fatal(err)
		}
		got, err = db.GetLorebook(ctx, "lb_crud", b.ID)
		upd.WorldID = ""
		if err != nil || !reflect.DeepEqual(got, &upd) {
			t.Fatalf("after update %+v, %v\nwant %+v", got, err, &upd)
		}

		// A stale previous changes nothing.
		stale := *got
		stale.Name = "Lost"
		stale.UpdatedAt = previous.Add(2 * time.Second)
		if err := db.UpdateLorebook(ctx, &stale, previous); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("update from a stale previous: %v, want ErrConflict", err)
		}
		if again, _ := db.GetLorebook(ctx, "lb_crud", b.ID); again.Name != "Renamed" {
			t.Fatalf("a conflicting update wrote: %q", again.Name)
		}

		// Another tenant sees nothing and can change nothing.
		other := *got
		other.TenantID = "lb_crud_other"
		other.UpdatedAt = got.UpdatedAt.Add(time.Second)
		if _, err := db.GetLorebook(ctx, "lb_crud_other", b.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("get as another tenant: %v", err)
		}
		if err := db.UpdateLorebook(ctx, &other, got.UpdatedAt); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("update as another tenant: %v", err)
		}
		if err := db.DeleteLorebook(ctx, "lb_crud_other", b.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("delete as another tenant: %v", err)
		}
		if missing, err := db.MissingLorebooks(ctx, "lb_crud_other", []string{b.ID}); err != nil || !reflect.DeepEqual(missing, []string{b.ID}) {
			t.Errorf("missing for another tenant: %v, %v", missing, err)
		}

		if err := db.DeleteLorebook(ctx, "lb_crud", b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetLorebook(ctx, "lb_crud", b.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		if err := db.DeleteLorebook(ctx, "lb_crud", b.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		upd.UpdatedAt = upd.UpdatedAt.Add(time.Second)
		if err := db.UpdateLorebook(ctx, &upd, got.UpdatedAt); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("update after delete: %v", err)
		}
	})
}

// A book without entries or extensions reads back with neither, as the domain writes it.
func TestLorebookEmptyReadsAsNil(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		b := &domain.Lorebook{ID: domain.NewID(domain.PrefixLorebook, loreBase), TenantID: "lb_empty", Name: "Empty",
			ScanDepth: domain.DefaultLoreScanDepth, TokenBudget: domain.DefaultLoreTokenBudget, WorldID: "wld_x",
			Extensions: map[string]any{}, Entries: []domain.LoreEntry{{ID: "lbe_1", Keys: []string{}, Extensions: map[string]any{}}},
			CreatedAt: loreBase, UpdatedAt: loreBase}
		mustCreateLorebook(t, db, b)
		got, err := db.GetLorebook(t.Context(), "lb_empty", b.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.Extensions = nil
		b.Entries[0].Keys, b.Entries[0].Extensions = nil, nil
		if !reflect.DeepEqual(got, b) {
			t.Fatalf("read back %+v\nwant %+v", got, b)
		}
	})
}

func TestLorebookListIsNewestFirstAndPaged(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var ids []string
		for i := range 5 {
			b := sampleLorebook("lb_list", fmt.Sprintf("Book %d", i), loreBase.Add(time.Duration(i)*time.Second))
			mustCreateLorebook(t, db, b)
			ids = append([]string{b.ID}, ids...)
		}
		mustCreateLorebook(t, db, sampleLorebook("lb_list_other", "Theirs", loreBase))
		cases := []struct {
			page domain.Page
			want []string
		}{
			{domain.Page{Limit: 50}, ids},
			{domain.Page{Limit: 2}, ids[:2]},
			{domain.Page{Limit: 2, Offset: 2}, ids[2:4]},
			{domain.Page{Limit: 2, Offset: 4}, ids[4:]},
			{domain.Page{Limit: 2, Offset: 9}, nil},
		}
		for _, c := range cases {
			got, total, err := db.ListLorebooks(ctx, "lb_list", c.page)
			if err != nil {
				t.Fatal(err)
			}
			if total != 5 {
				t.Errorf("page %+v: total %d, want 5", c.page, total)
			}
			if ids := bookIDs(got); !reflect.DeepEqual(ids, c.want) {
				t.Errorf("page %+v: ids %v, want %v", c.page, ids, c.want)
			}
			for _, b := range got {
				if len(b.Entries) != 2 || b.Entries[0].Extensions["depth"] != json.Number("4") {
					t.Errorf("listed book %s without its entries: %+v", b.ID, b.Entries)
				}
			}
		}
	})
}

func TestMissingLorebooks(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		a, b := sampleLorebook("lb_missing", "A", loreBase), sampleLorebook("lb_missing", "B", loreBase.Add(time.Second))
		theirs := sampleLorebook("lb_missing_other", "C", loreBase.Add(2*time.Second))
		for _, x := range []*domain.Lorebook{a, b, theirs} {
			mustCreateLorebook(t, db, x)
		}
		got, err := db.MissingLorebooks(t.Context(), "lb_missing", []string{"lbk_nope", a.ID, theirs.ID, b.ID, "lbk_nope", "lbk_also"})
		if want := []string{"lbk_nope", theirs.ID, "lbk_also"}; err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("missing %v, %v; want %v", got, err, want)
		}
		if got, err := db.MissingLorebooks(t.Context(), "lb_missing", []string{a.ID, b.ID}); err != nil || len(got) != 0 {
			t.Fatalf("missing of stored books: %v, %v", got, err)
		}
		if got, err := db.MissingLorebooks(t.Context(), "lb_missing", nil); err != nil || len(got) != 0 {
			t.Fatalf("missing of none: %v, %v", got, err)
		}
	})
}

func TestCharacterLorebooks(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const tenant = "lb_chars"
		x, y := sampleLorebook(tenant, "X", loreBase), sampleLorebook(tenant, "Y", loreBase.Add(time.Second))
		theirs := sampleLorebook("lb_chars_other", "Theirs", loreBase)
		for _, b := range []*domain.Lorebook{x, y, theirs} {
			mustCreateLorebook(t, db, b)
		}

		// A card's book is stored with the character and attached first; a repeated id and
		// another tenant's book are not attached.
		c := sampleCharacter(tenant, "Wren", loreBase)
		c.Book = sampleLorebook(tenant, "Wren's book", loreBase.Add(time.Minute))
		c.LorebookIDs = []string{y.ID, theirs.ID, x.ID, y.ID}
		if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
			t.Fatal(err)
		}
		want := []string{c.Book.ID, y.ID, x.ID}
		if !reflect.DeepEqual(c.LorebookIDs, want) {
			t.Fatalf("created with ids %v, want %v", c.LorebookIDs, want)
		}
		got, err := db.GetCharacter(ctx, tenant, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.LorebookIDs, want) || got.Book != nil {
			t.Fatalf("read back ids %v (book %v), want %v", got.LorebookIDs, got.Book, want)
		}
		if book, err := db.GetLorebook(ctx, tenant, c.Book.ID); err != nil || !reflect.DeepEqual(book, c.Book) {
			t.Fatalf("the card's book read back %+v, %v", book, err)
		}
		if books, err := db.LorebooksOf(ctx, tenant, []string{c.ID}); err != nil || !reflect.DeepEqual(bookIDs(books), want) || !reflect.DeepEqual(&books[2], x) {
			t.Fatalf("lorebooks of the character: %v, %v", bookIDs(books), err)
		}
		if books, err := db.LorebooksOf(ctx, "lb_chars_other", []string{c.ID}); err != nil || len(books) != 0 {
			t.Fatalf("another tenant sees the character's books: %v, %v", bookIDs(books), err)
		}

		// A batch that fails leaves no book behind.
		dup := sampleCharacter(tenant, "Dup", loreBase.Add(2*time.Second))
		dup.Book = sampleLorebook(tenant, "Dup's book", loreBase.Add(2*time.Minute))
		again := sampleCharacter(tenant, "Again", loreBase.Add(3*time.Second))
		again.ID = c.ID
		if err := db.CreateCharacters(ctx, []*domain.Character{dup, again}); err == nil {
			t.Fatal("a batch with a duplicate character id was stored")
		}
		if _, err := db.GetLorebook(ctx, tenant, dup.Book.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the failed batch's book was stored: %v", err)
		}
		if _, err := db.GetCharacter(ctx, tenant, dup.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("half the failed batch was stored: %v", err)
		}
		if got, _ := db.GetCharacter(ctx, tenant, c.ID); !reflect.DeepEqual(got.LorebookIDs, want) {
			t.Fatalf("the failed batch changed the first character's books: %v", got.LorebookIDs)
		}

		// An update replaces the links, in the new order.
		got.LorebookIDs = []string{x.ID, c.Book.ID}
		got.UpdatedAt = got.UpdatedAt.Add(time.Second)
		if err := db.UpdateCharacter(ctx, got); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.GetCharacter(ctx, tenant, c.ID); !reflect.DeepEqual(after.LorebookIDs, []string{x.ID, c.Book.ID}) {
			t.Fatalf("after an update: %v", after.LorebookIDs)
		}
		// Nil leaves the links as they are; an empty list detaches everything.
		got.LorebookIDs = nil
		if err := db.UpdateCharacter(ctx, got); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.GetCharacter(ctx, tenant, c.ID); !reflect.DeepEqual(after.LorebookIDs, []string{x.ID, c.Book.ID}) {
			t.Fatalf("an update without links changed them: %v", after.LorebookIDs)
		}
		got.LorebookIDs = []string{}
		if err := db.UpdateCharacter(ctx, got); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.GetCharacter(ctx, tenant, c.ID); after.LorebookIDs != nil {
			t.Fatalf("after detaching everything: %v", after.LorebookIDs)
		}

		// A list reads every character's books.
		d, e := sampleCharacter(tenant, "D", loreBase.Add(4*time.Second)), sampleCharacter(tenant, "E", loreBase.Add(5*time.Second))
		d.LorebookIDs, e.LorebookIDs = []string{x.ID}, []string{y.ID, x.ID}
		if err := db.CreateCharacters(ctx, []*domain.Character{d, e}); err != nil {
			t.Fatal(err)
		}
		list, total, err := db.ListCharacters(ctx, tenant, domain.Page{Limit: 10})
		if err != nil || total != 3 {
			t.Fatalf("list: %d, %v", total, err)
		}
		wantIDs := map[string][]string{c.ID: nil, d.ID: {x.ID}, e.ID: {y.ID, x.ID}}
		for _, ch := range list {
			if !reflect.DeepEqual(ch.LorebookIDs, wantIDs[ch.ID]) {
				t.Errorf("listed %s with %v, want %v", ch.Name, ch.LorebookIDs, wantIDs[ch.ID])
			}
		}

		// Deleting a character detaches its books and keeps them.
		if err := db.DeleteCharacter(ctx, tenant, e.ID); err != nil {
			t.Fatal(err)
		}
		if books, err := db.LorebooksOf(ctx, tenant, []string{e.ID}); err != nil || len(books) != 0 {
			t.Fatalf("a deleted character's books: %v, %v", bookIDs(books), err)
		}
		if _, err := db.GetLorebook(ctx, tenant, y.ID); err != nil {
			t.Fatalf("deleting a character deleted its book: %v", err)
		}
	})
}

// A book of the wrong tenant is refused, not stored for the other one.
func TestCharacterBookOfAnotherTenantIsRefused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		c := sampleCharacter("lb_wrong", "Wren", loreBase)
		c.Book = sampleLorebook("lb_wrong_other", "Wren's book", loreBase)
		if err := db.CreateCharacters(t.Context(), []*domain.Character{c}); err == nil {
			t.Fatal("a character with another tenant's book was stored")
		}
		if _, err := db.GetLorebook(t.Context(), "lb_wrong_other", c.Book.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the book was stored: %v", err)
		}
	})
}

func TestCharacterProfileRoundTrips(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := sampleCharacter("lb_profile", "Wren", loreBase)
		c.Profile = domain.CharacterProfile{
			Description: "A tired harbour guard.", Scenario: "Night shift at Dock 9.", FirstMessage: "Papers.",
			AlternateGreetings: []string{"Halt.", "You again?"}, ExampleMessages: "<START>\n{{char}}: Move along.",
			SystemPrompt: "Stay in character.", PostHistoryInstructions: "Be brief.", Tags: []string{"guard", "noir"},
			Creator: "studio", CreatorNotes: "Test card.", CharacterVersion: "1.2", Nickname: "Wr",
		}
		if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetCharacter(ctx, c.TenantID, c.ID)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("read back %+v, %v\nwant %+v", got, err, c)
		}
		got.Profile.Tags, got.Profile.Scenario, got.Profile.AlternateGreetings = []string{"noir"}, "", []string{}
		if err := db.UpdateCharacter(ctx, got); err != nil {
			t.Fatal(err)
		}
		after, err := db.GetCharacter(ctx, c.TenantID, c.ID)
		got.Profile.AlternateGreetings = nil // an empty list reads as none
		if err != nil || !reflect.DeepEqual(after.Profile, got.Profile) {
			t.Fatalf("after an update %+v, %v\nwant %+v", after.Profile, err, got.Profile)
		}
		list, _, err := db.ListCharacters(ctx, c.TenantID, domain.Page{Limit: 10})
		if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0].Profile, got.Profile) {
			t.Fatalf("listed profile %+v, %v", list, err)
		}
	})
}

func TestWorldLorebooks(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const tenant = "lb_worlds"
		x, y := sampleLorebook(tenant, "X", loreBase), sampleLorebook(tenant, "Y", loreBase.Add(time.Second))
		for _, b := range []*domain.Lorebook{x, y} {
			mustCreateLorebook(t, db, b)
		}
		w := sampleWorld(tenant, loreBase, 1)
		w.Lorebook = sampleLorebook(tenant, "World 1", loreBase.Add(time.Minute))
		w.Lorebook.WorldID = w.ID
		w.LorebookIDs = []string{w.Lorebook.ID, x.ID}
		if err := db.CreateWorld(ctx, w); err != nil {
			t.Fatal(err)
		}
		want := []string{w.Lorebook.ID, x.ID}
		if !reflect.DeepEqual(w.LorebookIDs, want) {
			t.Fatalf("created with %v, want %v", w.LorebookIDs, want)
		}
		if book, err := db.GetLorebook(ctx, tenant, w.Lorebook.ID); err != nil || !reflect.DeepEqual(book, w.Lorebook) {
			t.Fatalf("generated book read back %+v, %v", book, err)
		}
		got, err := db.GetWorld(ctx, tenant, w.ID)
		if err != nil || !reflect.DeepEqual(got.LorebookIDs, want) || got.Lorebook != nil {
			t.Fatalf("world read back with %v (%v), %v", got.LorebookIDs, got.Lorebook, err)
		}

		// Setting the books replaces them; the cached content does not keep old ids.
		if err := db.SetWorldLorebooks(ctx, tenant, w.ID, []string{y.ID, w.Lorebook.ID, "lbk_nope"}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetWorld(ctx, tenant, w.ID)
		if want := []string{y.ID, w.Lorebook.ID}; !reflect.DeepEqual(got.LorebookIDs, want) {
			t.Fatalf("after set: %v, want %v", got.LorebookIDs, want)
		}
		if err := db.SetWorldLorebooks(ctx, "lb_worlds_other", w.ID, []string{x.ID}); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("set as another tenant: %v", err)
		}
		if err := db.SetWorldLorebooks(ctx, tenant, "wld_nope", []string{x.ID}); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("set on a missing world: %v", err)
		}

		// A world with no books, and a list that reads each world's.
		bare := sampleWorld(tenant, loreBase.Add(time.Second), 2)
		if err := db.CreateWorld(ctx, bare); err != nil {
			t.Fatal(err)
		}
		if bare.LorebookIDs != nil {
			t.Fatalf("a world without books got %v", bare.LorebookIDs)
		}
		list, total, err := db.ListWorlds(ctx, tenant, domain.Page{Limit: 10})
		if err != nil || total != 2 || list[0].ID != bare.ID || list[0].LorebookIDs != nil ||
			!reflect.DeepEqual(list[1].LorebookIDs, []string{y.ID, w.Lorebook.ID}) {
			t.Fatalf("list: %+v, %d, %v", list, total, err)
		}
		if err := db.SetWorldLorebooks(ctx, tenant, w.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetWorld(ctx, tenant, w.ID); got.LorebookIDs != nil {
			t.Fatalf("after clearing: %v", got.LorebookIDs)
		}

		// Deleting the world detaches its books and keeps the generated one.
		if err := db.SetWorldLorebooks(ctx, tenant, w.ID, []string{w.Lorebook.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteWorld(ctx, tenant, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetLorebook(ctx, tenant, w.Lorebook.ID); err != nil {
			t.Fatalf("the generated book went with its world: %v", err)
		}
		if books, err := db.LorebooksOf(ctx, tenant, []string{w.ID}); err != nil || len(books) != 0 {
			t.Fatalf("a deleted world's books: %v, %v", bookIDs(books), err)
		}
		var links int
		if err := db.SQL().QueryRowContext(ctx, dialectQuery(db, `SELECT COUNT(*) FROM lorebook_links WHERE owner_id = ?`), w.ID).Scan(&links); err != nil || links != 0 {
			t.Fatalf("%d links of the deleted world left, %v", links, err)
		}
	})
}

// A failing world insert stores no generated book.
func TestWorldCreateIsOneTransaction(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := sampleWorld("lb_worldtx", loreBase, 1)
		if err := db.CreateWorld(ctx, w); err != nil {
			t.Fatal(err)
		}
		w.Lorebook = sampleLorebook("lb_worldtx", "Generated", loreBase)
		if err := db.CreateWorld(ctx, w); err == nil {
			t.Fatal("a second world with the same id was stored")
		}
		if _, err := db.GetLorebook(ctx, "lb_worldtx", w.Lorebook.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the failed world's book was stored: %v", err)
		}
	})
}

func TestDeleteLorebookDetachesIt(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const tenant = "lb_detach"
		x, y, z := sampleLorebook(tenant, "X", loreBase), sampleLorebook(tenant, "Y", loreBase.Add(time.Second)), sampleLorebook(tenant, "Z", loreBase.Add(2*time.Second))
		for _, b := range []*domain.Lorebook{x, y, z} {
			mustCreateLorebook(t, db, b)
		}
		c := sampleCharacter(tenant, "Wren", loreBase)
		c.LorebookIDs = []string{x.ID, y.ID}
		if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
			t.Fatal(err)
		}
		w := sampleWorld(tenant, loreBase, 1)
		w.LorebookIDs = []string{y.ID, z.ID}
		if err := db.CreateWorld(ctx, w); err != nil {
			t.Fatal(err)
		}
		// The character's books first in their order, then the world's not yet named.
		books, err := db.LorebooksOf(ctx, tenant, []string{c.ID, w.ID})
		if want := []string{x.ID, y.ID, z.ID}; err != nil || !reflect.DeepEqual(bookIDs(books), want) {
			t.Fatalf("lorebooks of character and world: %v, %v; want %v", bookIDs(books), err, want)
		}
		books, _ = db.LorebooksOf(ctx, tenant, []string{w.ID, c.ID})
		if want := []string{y.ID, z.ID, x.ID}; !reflect.DeepEqual(bookIDs(books), want) {
			t.Fatalf("lorebooks of world and character: %v; want %v", bookIDs(books), want)
		}

		if err := db.DeleteLorebook(ctx, tenant, y.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetCharacter(ctx, tenant, c.ID); !reflect.DeepEqual(got.LorebookIDs, []string{x.ID}) {
			t.Errorf("character after the delete: %v", got.LorebookIDs)
		}
		if got, _ := db.GetWorld(ctx, tenant, w.ID); !reflect.DeepEqual(got.LorebookIDs, []string{z.ID}) {
			t.Errorf("world after the delete: %v", got.LorebookIDs)
		}
		if books, _ := db.LorebooksOf(ctx, tenant, []string{c.ID, w.ID}); !reflect.DeepEqual(bookIDs(books), []string{x.ID, z.ID}) {
			t.Errorf("lorebooks after the delete: %v", bookIDs(books))
		}
		var links int
		if err := db.SQL().QueryRowContext(ctx, dialectQuery(db, `SELECT COUNT(*) FROM lorebook_links WHERE lorebook_id = ?`), y.ID).Scan(&links); err != nil || links != 0 {
			t.Errorf("%d links to the deleted book left, %v", links, err)
		}
	})
}

// Two updates from the same read: exactly one lands, the other is told of the conflict.
func TestConcurrentLorebookUpdatesConflict(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		b := sampleLorebook("lb_race", "Race", loreBase)
		mustCreateLorebook(t, db, b)
		for round := range 10 {
			read, err := db.GetLorebook(ctx, "lb_race", b.ID)
			if err != nil {
				t.Fatal(err)
			}
			previous := read.UpdatedAt
			errs := make([]error, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				mine := *read
				mine.Name = fmt.Sprintf("round %d writer %d", round, i)
				// Both stamp the same new time, as two requests within a clock tick would.
				mine.UpdatedAt = previous.Add(time.Millisecond)
				wg.Go(func() {
					<-start
					errs[i] = db.UpdateLorebook(ctx, &mine, previous)
				})
			}
			close(start)
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil && won < 0:
					won = i
				case err == nil:
					t.Fatalf("round %d: both updates landed", round)
				case !errors.Is(err, domain.ErrConflict):
					t.Fatalf("round %d: writer %d: %v, want ErrConflict", round, i, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: neither update landed: %v", round, errs)
			}
			got, _ := db.GetLorebook(ctx, "lb_race", b.ID)
			if want := fmt.Sprintf("round %d writer %d", round, won); got.Name != want {
				t.Fatalf("round %d: stored %q, want the winner's %q", round, got.Name, want)
			}
		}
	})
}

// Attaching a book while it is deleted never leaves a link to the deleted book, nor fails
// with a deadlock.
func TestAttachRacingDeleteLeavesNoLink(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const tenant = "lb_attach_race"
		keep := sampleLorebook(tenant, "Keep", loreBase)
		mustCreateLorebook(t, db, keep)
		w := sampleWorld(tenant, loreBase, 1)
		c := sampleCharacter(tenant, "Wren", loreBase)
		if err := db.CreateWorld(ctx, w); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
			t.Fatal(err)
		}
		for round := range 20 {
			doomed := sampleLorebook(tenant, "Doomed", loreBase.Add(time.Duration(round+1)*time.Second))
			mustCreateLorebook(t, db, doomed)
			if err := db.SetWorldLorebooks(ctx, tenant, w.ID, []string{doomed.ID}); err != nil {
				t.Fatal(err)
			}
			errs := make([]error, 3)
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Go(func() { <-start; errs[0] = db.DeleteLorebook(ctx, tenant, doomed.ID) })
			wg.Go(func() {
				<-start
				errs[1] = db.SetWorldLorebooks(ctx, tenant, w.ID, []string{keep.ID, doomed.ID})
			})
			wg.Go(func() {
				<-start
				ch := *c
				ch.LorebookIDs = []string{doomed.ID, keep.ID}
				errs[2] = db.UpdateCharacter(ctx, &ch)
			})
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			var links int
			if err := db.SQL().QueryRowContext(ctx, dialectQuery(db, `SELECT COUNT(*) FROM lorebook_links WHERE lorebook_id = ?`), doomed.ID).Scan(&links); err != nil || links != 0 {
				t.Fatalf("round %d: %d links to the deleted book, %v", round, links, err)
			}
			for _, owner := range []string{w.ID, c.ID} {
				if books, err := db.LorebooksOf(ctx, tenant, []string{owner}); err != nil || !reflect.DeepEqual(bookIDs(books), []string{keep.ID}) {
					t.Fatalf("round %d: %s knows %v, %v", round, owner, bookIDs(books), err)
				}
			}
		}
	})
}

// dialectQuery numbers a query's ? placeholders for PostgreSQL, for the tests that look
// at a table directly.
func dialectQuery(db *store.DB, q string) string {
	if db.Dialect() != store.Postgres {
		return q
	}
	n := 0
	out := []rune{}
	for _, r := range q {
		if r == '?' {
			n++
			out = append(out, []rune(fmt.Sprintf("$%d", n))...)
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
