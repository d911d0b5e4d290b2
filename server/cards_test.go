package server_test

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/card"
	"github.com/troupe-ai/troupe/gen"
)

// seraphina is a Character Card V3 with a lorebook, as a community tool writes one.
func seraphina() *card.Card {
	c := card.New("Seraphina")
	d := &c.Data
	d.Description = "{{char}} is a healer who guards the forest of Eldoria and tends whoever {{user}} brings her."
	d.Personality = "Warm, protective and patient."
	d.Scenario = "The traveller wakes in Seraphina's glade."
	d.FirstMes = "You're awake. Don't move too fast."
	d.MesExample = "<START>\n{{user}}: Who are you?\n{{char}}: A friend of the forest."
	d.Tags = []string{"fantasy", "healer"}
	d.CreatorNotes = "Best with a gentle narrator."
	d.CharacterVersion = "1.2"
	d.Extensions = map[string]any{"talkativeness": "0.5", "depth_prompt": map[string]any{"prompt": "Stay gentle.", "depth": json.Number("4")},
		"big": json.Number("12345678901234567890"), "price": json.Number("1.50")}
	d.Source = []string{"https://example.com/cards/seraphina"}
	d.CharacterBook = &card.Book{
		Name: "Eldoria", ScanDepth: ptr(3), TokenBudget: ptr(300),
		Entries: []card.Entry{
			{Keys: []string{"Red War"}, Content: "The Red War ended when the river lords burned Greywater.", Enabled: true, InsertionOrder: 5, Name: "The Red War"},
			{Keys: []string{"Shadowfang"}, SecondaryKeys: []string{"wolf", "wolves"}, Selective: true, SelectiveLogic: card.LogicAndAny,
				Content: "The Shadowfang wolves hunt the northern wood.", Enabled: true, InsertionOrder: 10,
				Decorators: []card.Decorator{{Name: "activate_only_after", Value: "2"}, {Name: "role", Value: "system"}}},
			// Keys exporters write that Troupe cannot match: a blank one and a JavaScript-only
			// regular expression. They must not fail the import, and must come back.
			{Keys: []string{"", "/(?<=old )mill/i", "millstone"}, UseRegex: true, Content: "The old mill burned in the war.", Enabled: true, InsertionOrder: 20},
		},
	}
	return c
}

// importCard posts a card body and returns the import.
func importCard(t *testing.T, b *bundle, contentType string, body []byte, query string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodPost, b.url+"/v1/characters/import"+query, bytes.NewReader(body), map[string]string{"Content-Type": contentType})
}

func imported(t *testing.T, res *http.Response, body []byte) gen.CharacterImport {
	t.Helper()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	var out gen.CharacterImport
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportCardForms(t *testing.T) {
	b := setup(t)
	src := seraphina()
	v3, _ := src.JSON()
	v2, _ := src.JSONV2()
	png, err := src.PNG(nil)
	if err != nil {
		t.Fatal(err)
	}
	charx, err := src.Charx(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, _ := mw.CreateFormFile("card", "seraphina.png")
	part.Write(png)
	mw.Close()
	cases := []struct {
		name, contentType string
		body              []byte
		format            gen.CharacterImportFormat
		spec              string
	}{
		{"V3 JSON", "application/json", v3, gen.CharacterImportFormatJson, card.SpecV3},
		{"V2 JSON", "application/json", v2, gen.CharacterImportFormatJson, card.SpecV2},
		{"PNG", "image/png", png, gen.CharacterImportFormatPng, card.SpecV3},
		{"PNG in a form", mw.FormDataContentType(), form.Bytes(), gen.CharacterImportFormatPng, card.SpecV3},
		{"CHARX", "application/zip", charx, gen.CharacterImportFormatCharx, card.SpecV3},
		{"CHARX as octet-stream", "application/octet-stream", charx, gen.CharacterImportFormatCharx, card.SpecV3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := importCard(t, b, tc.contentType, tc.body, "")
			got := imported(t, res, body)
			c := got.Character
			if got.Format != tc.format || got.Spec != tc.spec || c.Name != "Seraphina" || c.Engine != "card" {
				t.Fatalf("import: %+v", got)
			}
			if c.Role != "healer" || !got.RoleInferred || c.Archetype != "caregiver" || !got.ArchetypeInferred {
				t.Fatalf("role %s archetype %s inferred from the card's words", c.Role, c.Archetype)
			}
			p := c.Profile
			if p.FirstMessage != src.Data.FirstMes || p.Scenario != src.Data.Scenario || p.ExampleMessages != src.Data.MesExample ||
				!slices.Equal(p.Tags, src.Data.Tags) || p.CharacterVersion != "1.2" || c.Personality != src.Data.Personality {
				t.Fatalf("profile: %+v", p)
			}
			// Macros are the character's and the player's names in the acting prompt.
			if !strings.Contains(c.ActingPrompt, "Seraphina is a healer") || strings.Contains(c.ActingPrompt, "{{char}}") {
				t.Fatalf("acting prompt: %s", c.ActingPrompt)
			}
			if got.LorebookId == nil || len(c.LorebookIds) != 1 || c.LorebookIds[0] != *got.LorebookId {
				t.Fatalf("the card's lorebook is attached: %+v", got)
			}
			// V2 has no decorators: a V2 card carries none.
			if tc.spec == card.SpecV3 && !slices.ContainsFunc(got.UnsupportedDecorators, func(d gen.UnsupportedDecorator) bool { return d.Decorator == "role" }) ||
				slices.ContainsFunc(got.UnsupportedDecorators, func(d gen.UnsupportedDecorator) bool { return d.Decorator == "activate_only_after" }) {
				t.Fatalf("unsupported decorators: %+v", got.UnsupportedDecorators)
			}
			if !slices.Contains(got.KeptInMetadata, "extensions") {
				t.Fatalf("kept in metadata: %v", got.KeptInMetadata)
			}
			if (tc.format == gen.CharacterImportFormatPng) != (got.AvatarFileId != nil && c.AvatarUrl != nil) {
				t.Fatalf("a PNG card's image is the avatar: %+v", got)
			}
		})
	}
}

// The Done-when of issue 12: import → speak uses the card's lore → export → import gives
// the same card.
func TestCardRoundTrip(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			png, err := seraphina().PNG(redSquare(t))
			if err != nil {
				t.Fatal(err)
			}
			res, body := importCard(t, b, "image/png", png, "?role=healer&archetype=caregiver")
			first := imported(t, res, body)
			if first.RoleInferred || first.ArchetypeInferred {
				t.Fatalf("given role and archetype were inferred: %+v", first)
			}
			r := speak(t, b.demo, first.Character.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", "Tell me about the Red War.")}})
			if !slices.Contains(loreNames(r), "The Red War") {
				t.Fatalf("speak did not use the card's lore: %+v", r.Lore)
			}

			exported := exportCard(t, b, first.Character.Id, "ccv3-json")
			res, body = importCard(t, b, "application/json", exported, "")
			again := imported(t, res, body)
			if again.Character.Role != "healer" || again.Character.Archetype != "caregiver" {
				t.Fatalf("Troupe's own fields came back: %+v", again.Character)
			}
			second := exportCard(t, b, again.Character.Id, "ccv3-json")
			if a, z := comparable(t, exported), comparable(t, second); a != z {
				t.Fatalf("export → import → export changed the card:\n%s\n%s", a, z)
			}
			c1, _, _ := card.Parse(exported)
			if keys := c1.Data.CharacterBook.Entries[2].Keys; !slices.Contains(keys, "") || !slices.Contains(keys, "/(?<=old )mill/i") || !slices.Contains(keys, "millstone") {
				t.Fatalf("set-aside keys did not come back: %q", keys)
			}
			if c1.Data.Extensions["big"] != json.Number("12345678901234567890") || c1.Data.Extensions["price"] != json.Number("1.50") {
				t.Fatalf("numbers lost digits: %v %v", c1.Data.Extensions["big"], c1.Data.Extensions["price"])
			}
			if c1.Data.Extensions["talkativeness"] != "0.5" || len(c1.Data.Source) != 1 || len(c1.Data.CharacterBook.Entries) != 3 ||
				c1.Data.CharacterBook.Entries[1].SelectiveLogic != card.LogicAndAny || len(c1.Data.CharacterBook.Entries[1].Decorators) != 2 {
				t.Fatalf("what had no home did not survive: %+v", c1.Data)
			}

			// The card's image is the avatar, a file of the tenant's, and the PNG export
			// carries it.
			bare, _ := card.StripPNG(png)
			res, body = do(t, http.MethodGet, b.url+"/v1/files/"+*first.AvatarFileId, nil, nil)
			if res.StatusCode != http.StatusOK || !bytes.Equal(body, bare) {
				t.Fatalf("avatar file: %d, %d bytes (want %d)", res.StatusCode, len(body), len(bare))
			}
			pngOut := exportCard(t, b, first.Character.Id, "ccv3-png")
			f, err := card.Read(pngOut, nil)
			if err != nil || f.Card.Data.Name != "Seraphina" || f.Format.Chunk != "ccv3" || !bytes.Equal(f.Avatar, bare) {
				t.Fatalf("PNG export: %v %+v", err, f)
			}

			// A new name for a card's character is in the prompt that plays it.
			up, err := b.demo.UpdateCharacterWithResponse(t.Context(), first.Character.Id, nil, gen.UpdateCharacterRequest{Name: ptr("Sera")})
			if err != nil || up.JSON200 == nil || !strings.HasPrefix(up.JSON200.ActingPrompt, "You are Sera.") || !slices.Equal(up.JSON200.LorebookIds, first.Character.LorebookIds) {
				t.Fatalf("rename: %v %s", err, up.Body)
			}
		})
	}
}

func exportCard(t *testing.T, b *bundle, id, format string) []byte {
	t.Helper()
	res, body := do(t, http.MethodGet, b.url+"/v1/characters/"+id+"/export?format="+format, nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, body)
	}
	return body
}

// comparable is a card's JSON without what names the stored copy (ids).
func comparable(t *testing.T, body []byte) string {
	t.Helper()
	c, _, err := card.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	delete(c.Data.Extensions["troupe"].(map[string]any), "character_id")
	if b := c.Data.CharacterBook; b != nil {
		for i := range b.Entries {
			b.Entries[i].ID = nil
		}
	}
	out, _ := c.JSON()
	return string(out)
}

func TestMalformedCardsAreRefused(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			good, _ := seraphina().PNG(nil)
			bare, _ := card.StripPNG(good)
			cases := []struct {
				name, contentType string
				body              []byte
				problem           string
			}{
				{"a PNG without a card", "image/png", bare, "no chara or ccv3"},
				{"bad base64", "image/png", withTextChunk(t, bare, "ccv3", "not base64!!"), "base64"},
				{"an unsupported spec version", "application/json", []byte(`{"spec":"chara_card_v3","spec_version":"4.0","data":{"name":"X"}}`), "4.0"},
				{"a wrong field type", "application/json", []byte(`{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"X","tags":"a,b"}}`), "data.tags"},
				{"a card with no name", "application/json", []byte(`{"spec":"chara_card_v2","spec_version":"2.0","data":{"description":"x"}}`), "name"},
				{"not a card at all", "application/octet-stream", []byte("GIF89a nothing here"), "character card"},
				{"a description past its limit", "application/json", []byte(`{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"X","description":"` + strings.Repeat("a", 16001) + `"}}`), "data.description"},
			}
			for _, tc := range cases {
				res, body := importCard(t, b, tc.contentType, tc.body, "")
				e := expectError(t, res, body, http.StatusUnprocessableEntity, "INVALID_CARD")
				if !strings.Contains(e.Message, tc.problem) {
					t.Fatalf("%s: %s", tc.name, body)
				}
			}
			res, body := importCard(t, b, "application/json", []byte(`{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"X"}}`), "?role=wizard")
			expectError(t, res, body, http.StatusUnprocessableEntity, "INVALID_ROLE")
			huge := bytes.Repeat([]byte{' '}, 17<<20)
			res, body = importCard(t, b, "application/json", huge, "")
			expectError(t, res, body, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
			chars, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
			books, _ := b.demo.ListLorebooksWithResponse(t.Context(), nil)
			if chars.JSON200.Total != 0 || books.JSON200.Total != 0 {
				t.Fatalf("refused imports stored %d characters and %d lorebooks", chars.JSON200.Total, books.JSON200.Total)
			}
		})
	}
}

// redSquare is a 3×3 red PNG, an avatar no placeholder looks like.
func redSquare(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 3))
	for i := range img.Pix {
		img.Pix[i] = []byte{255, 0, 0, 255}[i%4]
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withTextChunk is png with a tEXt chunk keyword=text inserted before IEND.
func withTextChunk(t *testing.T, png []byte, keyword, text string) []byte {
	t.Helper()
	data := append([]byte(keyword+"\x00"), text...)
	chunk := make([]byte, 0, len(data)+12)
	chunk = append(chunk, byte(len(data)>>24), byte(len(data)>>16), byte(len(data)>>8), byte(len(data)))
	typed := append([]byte("tEXt"), data...)
	chunk = append(chunk, typed...)
	sum := crc32.ChecksumIEEE(typed)
	chunk = append(chunk, byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum))
	iend := bytes.LastIndex(png, []byte("IEND")) - 4
	out := append(append(append([]byte{}, png[:iend]...), chunk...), png[iend:]...)
	return out
}
