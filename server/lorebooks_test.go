package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

func createLorebook(t *testing.T, c *gen.ClientWithResponses, body gen.LorebookCreateRequest) gen.Lorebook {
	t.Helper()
	res, err := c.CreateLorebookWithResponse(t.Context(), nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON201 == nil {
		t.Fatalf("create lorebook: %d %s", res.StatusCode(), res.Body)
	}
	return *res.JSON201
}

// redWar is a lorebook a blacksmith of Greywater knows.
func redWar() gen.LorebookCreateRequest {
	return gen.LorebookCreateRequest{
		Name: "Greywater lore",
		Entries: &[]gen.LorebookEntryInput{
			{Keys: &[]string{"Red War"}, Content: "The Red War ended twelve winters ago, when the river lords burned Greywater.", Category: ptr("history"), Name: ptr("The Red War")},
			{Keys: &[]string{"Widowmaker"}, Content: "@@depth 2\nWidowmaker is the black iron hammer the smith carried in the Red War.", Category: ptr("item")},
			{Content: "Greywater stands where two rivers meet.", Constant: ptr(true)},
		},
	}
}

func loreNames(r gen.SpeakResponse) []string {
	var out []string
	for _, l := range r.Lore {
		out = append(out, l.Name)
	}
	return out
}

func TestLorebookLifecycle(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			book := createLorebook(t, b.demo, redWar())
			if !strings.HasPrefix(book.Id, "lbk_") || len(book.Entries) != 3 || book.ScanDepth != 4 || book.TokenBudget != 512 {
				t.Fatalf("new lorebook: %+v", book)
			}
			e := book.Entries[0]
			if !strings.HasPrefix(e.Id, "lbe_") || !e.Enabled || e.InsertionOrder != 100 || e.Priority != 10 ||
				e.SelectiveLogic != gen.LoreSelectiveLogicAndAny || e.Position != gen.LorePositionBeforeChar || e.Category != "history" {
				t.Fatalf("an entry takes the defaults: %+v", e)
			}
			if d := book.Entries[1].Decorators; len(d) != 1 || d[0].Name != "depth" || d[0].Supported {
				t.Fatalf("an unsupported decorator is kept and reported: %+v", d)
			}

			patched, err := b.demo.UpdateLorebookWithResponse(t.Context(), book.Id, nil, gen.LorebookUpdateRequest{TokenBudget: ptr(64)})
			if err != nil || patched.JSON200 == nil || patched.JSON200.TokenBudget != 64 || len(patched.JSON200.Entries) != 3 {
				t.Fatalf("patch: %v %s", err, patched.Body)
			}
			added, err := b.demo.CreateLorebookEntryWithResponse(t.Context(), book.Id, nil, gen.LorebookEntryInput{Keys: &[]string{"Hollow Gate"}, Content: "The Siege of Hollow Gate cost the smith two fingers."})
			if err != nil || added.JSON201 == nil {
				t.Fatalf("add entry: %v %s", err, added.Body)
			}
			changed, err := b.demo.UpdateLorebookEntryWithResponse(t.Context(), book.Id, added.JSON201.Id, nil, gen.LorebookEntryUpdateRequest{Priority: ptr(50)})
			if err != nil || changed.JSON200 == nil || changed.JSON200.Priority != 50 || changed.JSON200.Content != added.JSON201.Content {
				t.Fatalf("update entry: %v %s", err, changed.Body)
			}
			if res, _ := b.demo.DeleteLorebookEntryWithResponse(t.Context(), book.Id, added.JSON201.Id); res.StatusCode() != http.StatusNoContent {
				t.Fatalf("delete entry: %d", res.StatusCode())
			}
			got, _ := b.demo.GetLorebookWithResponse(t.Context(), book.Id)
			if got.JSON200 == nil || len(got.JSON200.Entries) != 3 {
				t.Fatalf("after delete: %s", got.Body)
			}
			list, _ := b.demo.ListLorebooksWithResponse(t.Context(), nil)
			if list.JSON200 == nil || list.JSON200.Total != 1 {
				t.Fatalf("list: %s", list.Body)
			}
			// Another tenant sees nothing of it.
			other, _ := b.other.GetLorebookWithResponse(t.Context(), book.Id)
			if other.StatusCode() != http.StatusNotFound || other.JSON404.Error.Code != gen.ErrorCodeLorebookNotFound {
				t.Fatalf("other tenant: %d %s", other.StatusCode(), other.Body)
			}
			if res, _ := b.demo.DeleteLorebookWithResponse(t.Context(), book.Id); res.StatusCode() != http.StatusNoContent {
				t.Fatalf("delete: %d", res.StatusCode())
			}
			if res, _ := b.demo.DeleteLorebookWithResponse(t.Context(), book.Id); res.StatusCode() != http.StatusNotFound {
				t.Fatalf("second delete: %d", res.StatusCode())
			}
		})
	}
}

func TestLorebookBadInputChangesNothing(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			book := createLorebook(t, b.demo, redWar())
			cases := []struct {
				name   string
				call   func() (*http.Response, []byte)
				status int
				code   string
				field  string
			}{
				{"a regular expression that does not compile", func() (*http.Response, []byte) {
					r, _ := b.demo.CreateLorebookWithResponse(t.Context(), nil, gen.LorebookCreateRequest{Name: "x", Entries: &[]gen.LorebookEntryInput{{Keys: &[]string{"(unclosed"}, UseRegex: ptr(true), Content: "x"}}})
					return r.HTTPResponse, r.Body
				}, 422, "VALIDATION_ERROR", "entries[0].keys[0]"},
				{"a scan depth of zero", func() (*http.Response, []byte) {
					r, _ := b.demo.UpdateLorebookWithResponse(t.Context(), book.Id, nil, gen.LorebookUpdateRequest{ScanDepth: ptr(0)})
					return r.HTTPResponse, r.Body
				}, 422, "VALIDATION_ERROR", "scan_depth"},
				{"an entry that does not exist", func() (*http.Response, []byte) {
					r, _ := b.demo.UpdateLorebookEntryWithResponse(t.Context(), book.Id, "lbe_01jdq3kxw2e5r7t9y1u3i5o7p9", nil, gen.LorebookEntryUpdateRequest{Priority: ptr(1)})
					return r.HTTPResponse, r.Body
				}, 404, "LORE_ENTRY_NOT_FOUND", ""},
				{"a character given a lorebook that does not exist", func() (*http.Response, []byte) {
					r, _ := b.demo.CreateCharacterWithResponse(t.Context(), nil, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", LorebookIds: &[]string{book.Id, "lbk_01jdq3kxw2e5r7t9y1u3i5o7p9"}})
					return r.HTTPResponse, r.Body
				}, 422, "VALIDATION_ERROR", "lorebook_ids[1]"},
				{"a world given another tenant's lorebook", func() (*http.Response, []byte) {
					r, _ := b.other.CreateWorldWithResponse(t.Context(), nil, gen.CreateWorldRequest{LorebookIds: &[]string{book.Id}})
					return r.HTTPResponse, r.Body
				}, 422, "VALIDATION_ERROR", "lorebook_ids[0]"},
			}
			for _, tc := range cases {
				res, body := tc.call()
				e := expectError(t, res, body, tc.status, tc.code)
				if tc.field != "" && !slices.Contains(fieldNames(e), tc.field) {
					t.Fatalf("%s: fields %v, want %s", tc.name, fieldNames(e), tc.field)
				}
			}
			got, _ := b.demo.GetLorebookWithResponse(t.Context(), book.Id)
			if got.JSON200 == nil || got.JSON200.ScanDepth != book.ScanDepth || len(got.JSON200.Entries) != len(book.Entries) {
				t.Fatalf("a refused change changed the book: %s", got.Body)
			}
			chars, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
			worlds, _ := b.other.ListWorldsWithResponse(t.Context(), nil)
			if chars.JSON200.Total != 0 || worlds.JSON200.Total != 0 {
				t.Fatalf("refused creates stored %d characters, %d worlds", chars.JSON200.Total, worlds.JSON200.Total)
			}
		})
	}
}

// A line that mentions an entry's key brings the entry to the engine, and the reply says
// which entries it was given; a line that mentions none brings the constant entries only.
func TestSpeakUsesTriggeredLore(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			book := createLorebook(t, b.demo, redWar())
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Name: ptr("Bram"), LorebookIds: &[]string{book.Id}})
			if !slices.Equal(ch.LorebookIds, []string{book.Id}) {
				t.Fatalf("character lorebooks: %v", ch.LorebookIds)
			}
			r := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Tell me the story of the Red War.")}})
			if names := loreNames(r); !slices.Contains(names, "The Red War") || slices.Contains(names, "Widowmaker") {
				t.Fatalf("lore for the Red War: %v", names)
			}
			if r.Lore[0].LorebookId != book.Id {
				t.Fatalf("lore names its book: %+v", r.Lore)
			}
			r = speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Nice weather today.")}})
			if len(r.Lore) != 1 || !strings.Contains(strings.ToLower(r.Lore[0].Name), "greywater") {
				t.Fatalf("only the constant entry: %+v", r.Lore)
			}
			// Deleting the book detaches it.
			b.demo.DeleteLorebookWithResponse(t.Context(), book.Id)
			got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)
			if len(got.JSON200.LorebookIds) != 0 {
				t.Fatalf("a deleted book is still attached: %v", got.JSON200.LorebookIds)
			}
			if r := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "The Red War?")}}); len(r.Lore) != 0 {
				t.Fatalf("lore from a deleted book: %+v", r.Lore)
			}
		})
	}
}

// A world's facts become a lorebook its characters know; the studio can detach it.
func TestWorldLorebook(t *testing.T) {
	b := setup(t)
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(42)), Size: ptr(gen.WorldSizeSmall)})
	if len(w.LorebookIds) != 1 {
		t.Fatalf("a new world has its generated lorebook: %v", w.LorebookIds)
	}
	book, _ := b.demo.GetLorebookWithResponse(t.Context(), w.LorebookIds[0])
	if book.JSON200 == nil || book.JSON200.WorldId == nil || *book.JSON200.WorldId != w.Id {
		t.Fatalf("generated lorebook: %s", book.Body)
	}
	faction := w.Factions[0]
	var entry *gen.LorebookEntry
	for i, e := range book.JSON200.Entries {
		if e.Category == "faction" && slices.Contains(e.Keys, faction.Name) {
			entry = &book.JSON200.Entries[i]
		}
	}
	if entry == nil || !strings.Contains(entry.Content, faction.Goal) {
		t.Fatalf("no entry for %s with its goal in %+v", faction.Name, book.JSON200.Entries)
	}
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "ruler", WorldId: &w.Id})
	r := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "What do you make of "+faction.Name+"?")}})
	if !slices.ContainsFunc(r.Lore, func(u gen.LoreUse) bool { return u.EntryId == entry.Id }) {
		t.Fatalf("the world's faction entry did not reach the engine: %+v", r.Lore)
	}
	res, err := b.demo.UpdateWorldWithResponse(t.Context(), w.Id, nil, gen.UpdateWorldRequest{LorebookIds: []string{}})
	if err != nil || res.JSON200 == nil || len(res.JSON200.LorebookIds) != 0 {
		t.Fatalf("detach: %v %s", err, res.Body)
	}
	if r := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "And "+faction.Name+"?")}}); len(r.Lore) != 0 {
		t.Fatalf("a detached book still reached the engine: %+v", r.Lore)
	}
}

// Model engines get the triggered entries in the system prompt, as data.
func TestTriggeredLoreReachesTheModelPrompt(t *testing.T) {
	b, fake := falSetup(t)
	book := createLorebook(t, b.demo, redWar())
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", LorebookIds: &[]string{book.Id}})
	speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Were you in the Red War?")}})
	in := lastDialogue(fake)
	if !strings.Contains(in.SystemPrompt, "<lore>") || !strings.Contains(in.SystemPrompt, "river lords burned Greywater") || strings.Contains(in.SystemPrompt, "black iron hammer") {
		t.Fatalf("system prompt:\n%s", in.SystemPrompt)
	}
}
