package card

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// v2Fixture is a SillyTavern-style V2 card: V1 mirrors at the top level,
// a lorebook with selectiveLogic and decorators, and unknown fields at
// every level.
const v2Fixture = `{
  "name": "Aria", "description": "A bard.", "personality": "", "scenario": "", "first_mes": "Hi", "mes_example": "",
  "avatar": "none", "talkativeness": "0.5", "create_date": "2024-1-1",
  "spec": "chara_card_v2", "spec_version": "2.0",
  "data": {
    "name": "Aria",
    "description": "A bard.",
    "personality": "cheerful",
    "scenario": "A tavern.",
    "first_mes": "Hi",
    "mes_example": "<START>\n{{char}}: La la",
    "creator_notes": "notes",
    "system_prompt": "{{original}}",
    "post_history_instructions": "",
    "alternate_greetings": ["Hello", "Hey"],
    "tags": ["music", "fantasy"],
    "creator": "me",
    "character_version": "1.2",
    "extensions": {"talkativeness": "0.5", "fav": false, "world": "Aria's world",
                   "big": 12345678901234567890, "ratio": 0.1000, "depth_prompt": {"depth": 4, "prompt": "x", "role": "system"}},
    "x_tool_field": {"a": [1, 2, 3]},
    "character_book": {
      "name": "Aria lore",
      "scan_depth": 50,
      "token_budget": 2048,
      "recursive_scanning": false,
      "extensions": {"sillytavern": 1},
      "x_book": true,
      "entries": [
        {"id": 0, "keys": ["lute"], "secondary_keys": ["song"], "comment": "Lute", "content": "Aria plays a lute.",
         "constant": false, "selective": true, "insertion_order": 100, "enabled": true, "position": "after_char",
         "use_regex": true,
         "extensions": {"position": 1, "exclude_recursion": false, "display_index": 0, "probability": 100,
                        "useProbability": true, "depth": 4, "selectiveLogic": 3, "group": ""},
         "x_entry": "kept"},
        {"id": "b", "keys": [], "content": "@@depth 4\r\n@@@instruct_depth 4\r\n\r\nDeep lore.", "enabled": false,
         "insertion_order": 5, "case_sensitive": true, "priority": 10, "name": "deep",
         "extensions": {"selectiveLogic": 9}}
      ]
    }
  }
}`

const v3Fixture = `{
  "spec": "chara_card_v3", "spec_version": "3.1",
  "data": {
    "name": "Bex", "description": "d", "personality": "p", "scenario": "s", "first_mes": "f", "mes_example": "m",
    "creator_notes": "n", "system_prompt": "", "post_history_instructions": "", "alternate_greetings": [],
    "tags": [], "creator": "", "character_version": "", "extensions": {},
    "nickname": "B", "creator_notes_multilingual": {"en": "n", "fr": "n-fr"},
    "source": ["https://example.com/bex"], "group_only_greetings": ["Hi all"],
    "creation_date": 1700000000, "modification_date": 1700000100,
    "assets": [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png", "x_asset": 1},
               {"type": "emotion", "uri": "embeded://assets/emotion/images/happy.webp", "name": "happy", "ext": "webp"}],
    "character_book": {"extensions": {}, "entries": [{"keys": ["k"], "content": "@@activate\nc", "extensions": {},
        "enabled": true, "insertion_order": 0, "use_regex": false, "constant": true}]}
  },
  "x_root": "kept"
}`

func mustParse(t *testing.T, body string) (*Card, Format) {
	t.Helper()
	c, f, err := ParseJSON([]byte(body))
	if err != nil {
		t.Fatalf("ParseJSON: %v", err)
	}
	return c, f
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		body    string
		version int
	}{
		{"v2", v2Fixture, 2},
		{"v3", v3Fixture, 3},
		{"v1", `{"name": "Old", "description": "d", "first_mes": "hi", "chat": "x"}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := mustParse(t, tc.body)
			if f.Version != tc.version || f.Container != ContainerJSON {
				t.Fatalf("format = %+v, want version %d json", f, tc.version)
			}
			out, err := c.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(out) {
				t.Fatalf("invalid JSON: %s", out)
			}
			c2, f2 := mustParse(t, string(out))
			if f2.Version != 3 {
				t.Errorf("re-read version = %d, want 3", f2.Version)
			}
			if !reflect.DeepEqual(c, c2) {
				t.Errorf("round trip differs:\nfirst  %#v\nsecond %#v", c, c2)
			}
			// A second export must be byte-identical: nothing drifts.
			out2, err := c2.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != string(out2) {
				t.Errorf("second export differs:\n%s\n%s", out, out2)
			}
		})
	}
}

func TestV2Details(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, v2Fixture)
	d := c.Data
	if c.Spec != SpecV3 || c.SpecVersion != "3.0" {
		t.Errorf("spec = %s %s", c.Spec, c.SpecVersion)
	}
	if d.Extensions["big"] != json.Number("12345678901234567890") || d.Extensions["ratio"] != json.Number("0.1000") {
		t.Errorf("extension numbers changed: %#v %#v", d.Extensions["big"], d.Extensions["ratio"])
	}
	if string(d.Unknown["x_tool_field"]) != `{"a":[1,2,3]}` {
		t.Errorf("data unknown = %s", d.Unknown["x_tool_field"])
	}
	if string(c.Unknown["avatar"]) != `"none"` || string(c.Unknown["name"]) != `"Aria"` {
		t.Errorf("root unknown = %v", c.Unknown)
	}
	b := d.CharacterBook
	if b == nil || b.Name != "Aria lore" || *b.ScanDepth != 50 || *b.TokenBudget != 2048 || *b.RecursiveScanning {
		t.Fatalf("book = %+v", b)
	}
	if string(b.Unknown["x_book"]) != "true" {
		t.Errorf("book unknown = %v", b.Unknown)
	}
	e0, e1 := b.Entries[0], b.Entries[1]
	if e0.SelectiveLogic != LogicAndAll || e0.Extensions["selectiveLogic"] != nil {
		t.Errorf("entry 0 logic = %q, ext %v", e0.SelectiveLogic, e0.Extensions["selectiveLogic"])
	}
	if e0.ID != json.Number("0") || e1.ID != "b" {
		t.Errorf("ids = %#v %#v", e0.ID, e1.ID)
	}
	if !e0.Selective || !e0.UseRegex || e0.Position != "after_char" || e0.CaseSensitive != nil || e0.Priority != nil {
		t.Errorf("entry 0 = %+v", e0)
	}
	if string(e0.Unknown["x_entry"]) != `"kept"` {
		t.Errorf("entry unknown = %v", e0.Unknown)
	}
	if e1.Enabled || e1.InsertionOrder != 5 || !*e1.CaseSensitive || *e1.Priority != 10 || e1.Name != "deep" {
		t.Errorf("entry 1 = %+v", e1)
	}
	// An unrecognised selectiveLogic stays where it was.
	if e1.SelectiveLogic != "" || e1.Extensions["selectiveLogic"] != json.Number("9") {
		t.Errorf("entry 1 logic = %q, ext %v", e1.SelectiveLogic, e1.Extensions)
	}
	if e1.Content != "Deep lore." || len(e1.Decorators) != 2 || e1.RawContent() != "@@depth 4\r\n@@@instruct_depth 4\r\n\r\nDeep lore." {
		t.Errorf("entry 1 content %q decorators %+v raw %q", e1.Content, e1.Decorators, e1.RawContent())
	}
	out, _ := c.JSON()
	if !strings.Contains(string(out), `"mes_example":"<START>\n{{char}}: La la"`) {
		t.Errorf("mes_example not written verbatim (HTML escaping?): %s", out)
	}
	if !strings.Contains(string(out), `"selectiveLogic":3`) {
		t.Errorf("selectiveLogic not written back: %s", out)
	}
}

func TestV3Details(t *testing.T) {
	t.Parallel()
	c, f := mustParse(t, v3Fixture)
	d := c.Data
	if f.SpecVersion != "3.1" || c.SpecVersion != "3.1" {
		t.Errorf("spec version = %q / %q", f.SpecVersion, c.SpecVersion)
	}
	if d.Nickname != "B" || d.CreatorNotesMultilingual["fr"] != "n-fr" || d.Source[0] != "https://example.com/bex" ||
		d.GroupOnlyGreetings[0] != "Hi all" || *d.CreationDate != 1700000000 || *d.ModificationDate != 1700000100 {
		t.Errorf("v3 fields = %+v", d)
	}
	if len(d.Assets) != 2 || d.Assets[1].URI != "embeded://assets/emotion/images/happy.webp" || string(d.Assets[0].Unknown["x_asset"]) != "1" {
		t.Errorf("assets = %+v", d.Assets)
	}
	e := d.CharacterBook.Entries[0]
	if !e.Constant || e.Content != "c" || e.Decorators[0].Name != "activate" {
		t.Errorf("entry = %+v", e)
	}
	if string(c.Unknown["x_root"]) != `"kept"` {
		t.Errorf("root unknown = %v", c.Unknown)
	}
}

func TestV1Upgrade(t *testing.T) {
	t.Parallel()
	c, f := mustParse(t, `{"name":"Old","description":"d","personality":"p","scenario":"s","first_mes":"f","mes_example":"m","creatorcomment":"c"}`)
	if f.Version != 1 || f.SpecVersion != "" {
		t.Errorf("format = %+v", f)
	}
	want := New("Old")
	want.Data.Description, want.Data.Personality, want.Data.Scenario = "d", "p", "s"
	want.Data.FirstMes, want.Data.MesExample = "f", "m"
	want.Unknown = map[string]json.RawMessage{"creatorcomment": json.RawMessage(`"c"`)}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %#v\nwant %#v", c, want)
	}
	out, _ := c.JSON()
	if !strings.HasPrefix(string(out), `{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"Old"`) {
		t.Errorf("V3 output = %s", out)
	}
}

func TestMirrorRefresh(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, v2Fixture)
	c.Data.Name = "Renamed"
	out, _ := c.JSON()
	var top map[string]any
	if err := json.Unmarshal(out, &top); err != nil {
		t.Fatal(err)
	}
	if top["name"] != "Renamed" || top["description"] != "A bard." || top["avatar"] != "none" {
		t.Errorf("top level = %v", top)
	}
}

func TestJSONV2(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, v3Fixture)
	c.Data.Unknown = map[string]json.RawMessage{"nickname": json.RawMessage(`"sneaky"`), "x_keep": json.RawMessage(`1`)}
	out, err := c.JSONV2()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Spec string
		Data map[string]json.RawMessage
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	if v.Spec != SpecV2 {
		t.Errorf("spec = %q", v.Spec)
	}
	for _, k := range []string{"nickname", "assets", "source", "group_only_greetings", "creation_date", "creator_notes_multilingual"} {
		if _, ok := v.Data[k]; ok {
			t.Errorf("V2 output has V3 field %s", k)
		}
	}
	if string(v.Data["x_keep"]) != "1" {
		t.Errorf("unknown field lost in V2 output")
	}
	if strings.Contains(string(v.Data["character_book"]), "@@") || strings.Contains(string(v.Data["character_book"]), "use_regex") {
		t.Errorf("V2 book keeps V3 content: %s", v.Data["character_book"])
	}
	c2, f, err := ParseJSON(out)
	if err != nil || f.Version != 2 || c2.Data.Name != "Bex" {
		t.Errorf("V2 output re-read: %v %+v", err, f)
	}
}

func TestJSONErrors(t *testing.T) {
	t.Parallel()
	v2 := func(data string) string { return `{"spec":"chara_card_v2","spec_version":"2.0","data":` + data + `}` }
	book := func(entries string) string {
		return v2(`{"name":"A","character_book":{"extensions":{},"entries":` + entries + `}}`)
	}
	for _, tc := range []struct {
		name, body, problem, field string
	}{
		{"empty", ``, "the card JSON is empty", ""},
		{"syntax", `{"name": }`, "the card JSON is malformed at byte 10: invalid character '}' looking for beginning of value", ""},
		{"array", `[1]`, "the card JSON must be an object, not array", ""},
		{"null", `null`, "the card JSON must be an object, not null", ""},
		{"v4", `{"spec":"chara_card_v3","spec_version":"4.0","data":{"name":"A"}}`, "spec_version 4.0 is not supported (2.0 and 3.x are)", "spec_version"},
		{"v2 with 3.0", `{"spec":"chara_card_v2","spec_version":"3.0","data":{"name":"A"}}`, "spec_version 3.0 does not match spec chara_card_v2", "spec_version"},
		{"spec type", `{"spec":2,"data":{"name":"A"}}`, "spec must be a string", "spec"},
		{"unknown spec", `{"spec":"chara_card_v9","data":{}}`, `spec "chara_card_v9" is not supported (chara_card_v2 and chara_card_v3 are)`, "spec"},
		{"lorebook", `{"spec":"lorebook_v3","data":{}}`, "this is a lorebook (spec lorebook_v3), not a character card", "spec"},
		{"no data", `{"spec":"chara_card_v2"}`, "data is missing", "data"},
		{"data type", `{"spec":"chara_card_v2","data":[]}`, "data must be an object", "data"},
		{"no name", v2(`{"description":"d"}`), "data.name is missing", "data.name"},
		{"blank name", v2(`{"name":"  "}`), "data.name is empty", "data.name"},
		{"v1 no name", `{"description":"d"}`, "name is missing", "name"},
		{"name type", v2(`{"name":3}`), "data.name must be a string", "data.name"},
		{"tags type", v2(`{"name":"A","tags":"a,b"}`), "data.tags must be an array of strings", "data.tags"},
		{"tag item", v2(`{"name":"A","tags":["a",1]}`), "data.tags must be an array of strings", "data.tags"},
		{"extensions", v2(`{"name":"A","extensions":[]}`), "data.extensions must be an object", "data.extensions"},
		{"date", v2(`{"name":"A","creation_date":"yesterday"}`), "data.creation_date must be a number", "data.creation_date"},
		{"date frac", v2(`{"name":"A","creation_date":1.5}`), "data.creation_date must be a whole number", "data.creation_date"},
		{"multilingual", v2(`{"name":"A","creator_notes_multilingual":{"en":1}}`), "data.creator_notes_multilingual.en must be a string", "data.creator_notes_multilingual.en"},
		{"asset", v2(`{"name":"A","assets":[{"type":"icon","uri":5}]}`), "data.assets[0].uri must be a string", "data.assets[0].uri"},
		{"book type", v2(`{"name":"A","character_book":"x"}`), "data.character_book must be an object", "data.character_book"},
		{"entries type", book(`{}`), "data.character_book.entries must be an array", "data.character_book.entries"},
		{"keys", book(`[{},{},{},{"keys":"a"}]`), "data.character_book.entries[3].keys must be an array of strings", "data.character_book.entries[3].keys"},
		{"entry type", book(`[1]`), "data.character_book.entries[0] must be an object", "data.character_book.entries[0]"},
		{"enabled", book(`[{"enabled":"yes"}]`), "data.character_book.entries[0].enabled must be true or false", "data.character_book.entries[0].enabled"},
		{"order", book(`[{"insertion_order":"1"}]`), "data.character_book.entries[0].insertion_order must be a number", "data.character_book.entries[0].insertion_order"},
		{"id", book(`[{"id":[1]}]`), "data.character_book.entries[0].id must be a number or a string", "data.character_book.entries[0].id"},
		{"scan depth", v2(`{"name":"A","character_book":{"scan_depth":true,"entries":[]}}`), "data.character_book.scan_depth must be a number", "data.character_book.scan_depth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := ParseJSON([]byte(tc.body))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Problem != tc.problem || e.Field != tc.field {
				t.Errorf("got (%q, %q), want (%q, %q)", e.Problem, e.Field, tc.problem, tc.field)
			}
		})
	}
}

func TestLenientInputs(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"\xef\xbb\xbf" + `{"spec":"chara_card_v2","data":{"name":"A"}}`,   // BOM, no spec_version
		`{"data":{"name":"A","character_book":null,"tags":null}}`,         // no spec, nulls
		`{"spec":"chara_card_v3","spec_version":3.0,"data":{"name":"A"}}`, // numeric version
		`{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"A","character_book":{"entries":[{"insertion_order":100.0}]}}}`,
	} {
		if _, _, err := ParseJSON([]byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	c := New("A")
	c.Data.Unknown = map[string]json.RawMessage{"bad": json.RawMessage(`{nope`)}
	if _, err := c.JSON(); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Errorf("invalid Unknown JSON: err = %v", err)
	}
	c = New("A")
	c.Data.Extensions["ch"] = make(chan int)
	if _, err := c.JSON(); err == nil {
		t.Error("unencodable extension accepted")
	}
	if e := (&Error{Problem: "p"}); e.Error() != "p" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestUnknownCollision(t *testing.T) {
	t.Parallel()
	// A known field always wins over a same-named Unknown entry.
	c := New("Real")
	c.Data.Unknown = map[string]json.RawMessage{"name": json.RawMessage(`"Stale"`), "x": json.RawMessage(`[1, 2]`)}
	out, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "Stale") || !strings.Contains(string(out), `"x":[1,2]`) {
		t.Errorf("output = %s", out)
	}
}
