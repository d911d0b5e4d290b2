package card

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSelectiveLogicMapping(t *testing.T) {
	t.Parallel()
	for code, name := range []string{"and_any", "not_all", "not_any", "and_all"} {
		if got, ok := SelectiveLogicName(code); !ok || got != name {
			t.Errorf("SelectiveLogicName(%d) = %q, %v", code, got, ok)
		}
		if got, ok := SelectiveLogicCode(name); !ok || got != code {
			t.Errorf("SelectiveLogicCode(%q) = %d, %v", name, got, ok)
		}
	}
	if _, ok := SelectiveLogicName(4); ok {
		t.Error("code 4 accepted")
	}
	if _, ok := SelectiveLogicCode("or"); ok {
		t.Error(`"or" accepted`)
	}
}

func TestSelectiveLogicInCards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ext  string // entry extensions as read
		want string // SelectiveLogic
		kept bool   // selectiveLogic left in Extensions
	}{
		{`{"selectiveLogic":0}`, LogicAndAny, false},
		{`{"selectiveLogic":1}`, LogicNotAll, false},
		{`{"selectiveLogic":2}`, LogicNotAny, false},
		{`{"selectiveLogic":3}`, LogicAndAll, false},
		{`{}`, "", false},
		{`{"selectiveLogic":7}`, "", true},
		{`{"selectiveLogic":"and"}`, "", true},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			t.Parallel()
			body := `{"spec":"chara_card_v2","data":{"name":"A","character_book":{"entries":[{"keys":["k"],"content":"c","extensions":` + tc.ext + `}]}}}`
			c, _ := mustParse(t, body)
			e := c.Data.CharacterBook.Entries[0]
			_, kept := e.Extensions["selectiveLogic"]
			if e.SelectiveLogic != tc.want || kept != tc.kept {
				t.Fatalf("logic %q kept %v, want %q %v", e.SelectiveLogic, kept, tc.want, tc.kept)
			}
			out, err := c.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Data struct {
					CharacterBook struct {
						Entries []struct {
							Extensions map[string]json.RawMessage
						}
					} `json:"character_book"`
				}
			}
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatal(err)
			}
			var want map[string]json.RawMessage
			_ = json.Unmarshal([]byte(tc.ext), &want)
			if got := v.Data.CharacterBook.Entries[0].Extensions; !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("written extensions = %s, want %s", got, tc.ext)
			}
		})
	}
}

func TestSelectiveLogicWriteError(t *testing.T) {
	t.Parallel()
	c := New("A")
	c.Data.CharacterBook = &Book{Entries: []Entry{{}, {SelectiveLogic: "sometimes"}}}
	_, err := c.JSON()
	var e *Error
	if !errors.As(err, &e) || e.Field != "data.character_book.entries[1].extensions.selectiveLogic" {
		t.Fatalf("err = %v", err)
	}
	// Writing must not touch the caller's map.
	c.Data.CharacterBook.Entries[1].SelectiveLogic = LogicNotAny
	ext := map[string]any{"x": 1}
	c.Data.CharacterBook.Entries[1].Extensions = ext
	if _, err := c.JSON(); err != nil {
		t.Fatal(err)
	}
	if len(ext) != 1 {
		t.Errorf("caller's extensions changed: %v", ext)
	}
}

func TestParseDecorators(t *testing.T) {
	t.Parallel()
	d := func(name, value string, fallback bool, raw string) Decorator {
		return Decorator{Name: name, Value: value, Fallback: fallback, Raw: raw}
	}
	for _, tc := range []struct {
		name    string
		content string
		want    []Decorator
		rest    string
	}{
		{"none", "Just text.\n@@depth 4", nil, "Just text.\n@@depth 4"},
		{"empty", "", nil, ""},
		{"one", "@@depth 4\nText", []Decorator{d("depth", "4", false, "@@depth 4")}, "Text"},
		{"many", "@@activate_only_after 3\n@@role system\n@@scan_depth 5\n@@dont_activate\n@@activate\n@@position after_desc\nBody\nmore",
			[]Decorator{d("activate_only_after", "3", false, "@@activate_only_after 3"), d("role", "system", false, "@@role system"),
				d("scan_depth", "5", false, "@@scan_depth 5"), d("dont_activate", "", false, "@@dont_activate"),
				d("activate", "", false, "@@activate"), d("position", "after_desc", false, "@@position after_desc")},
			"Body\nmore"},
		{"fallback", "@@risu_only 4\n@@@activate_after 4\nX", []Decorator{d("risu_only", "4", false, "@@risu_only 4"), d("activate_after", "4", true, "@@@activate_after 4")}, "X"},
		{"blank lines", "@@depth 4\n\n@@role user\n\n\nText", []Decorator{d("depth", "4", false, "@@depth 4"), d("role", "user", false, "@@role user")}, "Text"},
		{"crlf", "@@depth  4 \r\nText\r\n", []Decorator{d("depth", "4", false, "@@depth  4 ")}, "Text\r\n"},
		{"only decorators", "@@constant", []Decorator{d("constant", "", false, "@@constant")}, ""},
		{"multi value", "@@additional_keys a, b ,c\nT", []Decorator{d("additional_keys", "a, b ,c", false, "@@additional_keys a, b ,c")}, "T"},
		{"not a name", "@@ hello\nT", nil, "@@ hello\nT"},
		{"leading blank", "\n@@depth 4\nT", nil, "\n@@depth 4\nT"},
		{"prose after", "@@depth 4\n@@ wow\nT", []Decorator{d("depth", "4", false, "@@depth 4")}, "@@ wow\nT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, rest := ParseDecorators(tc.content)
			if !reflect.DeepEqual(got, tc.want) || rest != tc.rest {
				t.Fatalf("got %#v %q, want %#v %q", got, rest, tc.want, tc.rest)
			}
			// Through a card, the stored content comes back exactly.
			raw, _ := json.Marshal(tc.content)
			c, _ := mustParse(t, `{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"A","character_book":{"entries":[{"content":`+string(raw)+`}]}}}`)
			e := c.Data.CharacterBook.Entries[0]
			if e.Content != tc.rest || e.RawContent() != tc.content {
				t.Errorf("entry content %q raw %q", e.Content, e.RawContent())
			}
		})
	}
}

func TestDecoratorValues(t *testing.T) {
	t.Parallel()
	if got := (Decorator{Value: "a, b ,c"}).Values(); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("Values = %q", got)
	}
	if got := (Decorator{}).Values(); got != nil {
		t.Errorf("Values of empty = %q", got)
	}
	if s := (Decorator{Name: "depth", Value: "4", Fallback: true}).String(); s != "@@@depth 4" {
		t.Errorf("String = %q", s)
	}
}

func TestRawContentAfterEdits(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, `{"spec":"chara_card_v3","data":{"name":"A","character_book":{"entries":[{"content":"@@depth   4\r\n\r\nBody"}]}}}`)
	e := &c.Data.CharacterBook.Entries[0]
	e.Content = "New body"
	if got := e.RawContent(); got != "@@depth   4\r\n\r\nNew body" {
		t.Errorf("content edit: %q", got)
	}
	e.Decorators = append(e.Decorators, Decorator{Name: "role", Value: "system"})
	if got := e.RawContent(); got != "@@depth   4\n@@role system\nNew body" {
		t.Errorf("decorator added: %q", got)
	}
	e.Decorators = nil
	if got := e.RawContent(); got != "New body" {
		t.Errorf("decorators removed: %q", got)
	}
	built := Entry{Content: "x", Decorators: []Decorator{{Name: "activate"}}}
	if got := built.RawContent(); got != "@@activate\nx" {
		t.Errorf("built entry: %q", got)
	}
	only := Entry{Decorators: []Decorator{{Name: "depth", Value: "2"}}}
	if got := only.RawContent(); got != "@@depth 2" || strings.HasSuffix(got, "\n") {
		t.Errorf("decorators only: %q", got)
	}
}
