package card

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Book is a lorebook (the card's character_book).
type Book struct {
	Name        string
	Description string
	// ScanDepth, TokenBudget and RecursiveScanning are nil when absent,
	// which the spec gives its own meaning ("up to the application").
	ScanDepth         *int
	TokenBudget       *int
	RecursiveScanning *bool
	// Extensions holds arbitrary application data (numbers as json.Number).
	Extensions map[string]any
	Entries    []Entry
	// Unknown holds fields no spec defines, as compact JSON.
	Unknown map[string]json.RawMessage
}

// Entry is one lorebook entry.
type Entry struct {
	Keys []string
	// Content is the entry text without its leading decorator lines; see
	// Decorators and RawContent.
	Content string
	// Decorators are the V3 decorator lines ("@@depth 4") that opened the
	// content, in order. Which ones to honour is the caller's choice.
	Decorators []Decorator
	// Extensions holds arbitrary application data (numbers as json.Number).
	// SillyTavern's "selectiveLogic" is moved out into SelectiveLogic.
	Extensions     map[string]any
	Enabled        bool // true when the field is absent
	InsertionOrder int
	// CaseSensitive is nil when absent (the application decides).
	CaseSensitive *bool
	UseRegex      bool // V3
	Constant      bool
	Selective     bool
	Name          string
	Comment       string
	// Priority is nil when absent (insertion_order is used instead).
	Priority *int
	// ID is nil, a json.Number or a string: V3 allows both.
	ID            any
	SecondaryKeys []string // nil when absent
	// SelectiveLogic is SillyTavern's extensions.selectiveLogic decoded to
	// one of the Logic constants; "" when absent (SillyTavern then uses
	// and_any).
	SelectiveLogic string
	// Position is "before_char" or "after_char" ("" when absent).
	Position string
	// Unknown holds fields no spec defines, as compact JSON.
	Unknown map[string]json.RawMessage

	// head is the exact decorator text cut from the content when read, and
	// parsed the decorators it held; RawContent reuses head while
	// Decorators is unchanged, so a round trip keeps the content
	// byte-for-byte (blank lines, CRLF, spacing).
	head   string
	parsed []Decorator
}

// Selective logic values, decoded from SillyTavern's numeric
// extensions.selectiveLogic (0–3 in this order).
const (
	LogicAndAny = "and_any" // 0: a primary key and any secondary key
	LogicNotAll = "not_all" // 1: a primary key and not all secondary keys
	LogicNotAny = "not_any" // 2: a primary key and no secondary key
	LogicAndAll = "and_all" // 3: a primary key and every secondary key
)

var logicNames = [...]string{LogicAndAny, LogicNotAll, LogicNotAny, LogicAndAll}

// SelectiveLogicName maps SillyTavern's numeric selectiveLogic to its name.
func SelectiveLogicName(code int) (string, bool) {
	if code < 0 || code >= len(logicNames) {
		return "", false
	}
	return logicNames[code], true
}

// SelectiveLogicCode maps a selective logic name back to SillyTavern's
// number.
func SelectiveLogicCode(name string) (int, bool) {
	for i, n := range logicNames {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

func decodeBook(o *object) *Book {
	b := &Book{
		Name:              o.str("name"),
		Description:       o.str("description"),
		ScanDepth:         o.intPtr("scan_depth"),
		TokenBudget:       o.intPtr("token_budget"),
		RecursiveScanning: o.boolPtr("recursive_scanning"),
		Extensions:        o.anyMap("extensions"),
		Entries:           []Entry{},
	}
	items, _ := o.array("entries")
	for i, raw := range items {
		eo := o.d.object(fmt.Sprintf("%s.entries[%d]", o.path, i), raw)
		b.Entries = append(b.Entries, decodeEntry(eo))
	}
	b.Unknown = o.rest()
	return b
}

func decodeEntry(o *object) Entry {
	e := Entry{
		Keys:          o.list("keys"),
		Extensions:    o.anyMap("extensions"),
		Enabled:       true,
		CaseSensitive: o.boolPtr("case_sensitive"),
		Name:          o.str("name"),
		Comment:       o.str("comment"),
		Priority:      o.intPtr("priority"),
		SecondaryKeys: o.strs("secondary_keys"),
		Position:      o.str("position"),
	}
	e.Decorators, e.Content, e.head = splitDecorators(o.str("content"))
	e.parsed = append([]Decorator(nil), e.Decorators...)
	if v, ok := o.boolean("enabled"); ok {
		e.Enabled = v
	}
	if v, ok := o.integer("insertion_order"); ok {
		e.InsertionOrder = int(v)
	}
	e.UseRegex, _ = o.boolean("use_regex")
	e.Constant, _ = o.boolean("constant")
	e.Selective, _ = o.boolean("selective")
	if raw, ok := o.get("id"); ok {
		switch {
		case kind(raw) == '"':
			var s string
			_ = json.Unmarshal(raw, &s)
			e.ID = s
		case isNumber(raw):
			e.ID = json.Number(bytes.TrimSpace(raw))
		default:
			o.d.fail(join(o.path, "id"), "%s must be a number or a string", join(o.path, "id"))
		}
	}
	// Only a recognised code is lifted out; anything else stays in
	// Extensions untouched, since extensions may hold arbitrary values.
	if n, ok := e.Extensions["selectiveLogic"].(json.Number); ok {
		if code, err := strconv.Atoi(n.String()); err == nil {
			if name, ok := SelectiveLogicName(code); ok {
				e.SelectiveLogic = name
				delete(e.Extensions, "selectiveLogic")
			}
		}
	}
	e.Unknown = o.rest()
	return e
}

func (b *Book) encode(path string, version int) ([]byte, error) {
	w := newWriter()
	if b.Name != "" {
		w.field("name", b.Name)
	}
	if b.Description != "" {
		w.field("description", b.Description)
	}
	if b.ScanDepth != nil {
		w.field("scan_depth", *b.ScanDepth)
	}
	if b.TokenBudget != nil {
		w.field("token_budget", *b.TokenBudget)
	}
	if b.RecursiveScanning != nil {
		w.field("recursive_scanning", *b.RecursiveScanning)
	}
	w.field("extensions", mapOrEmpty(b.Extensions))
	err := w.encodedList("entries", len(b.Entries), func(i int) ([]byte, error) {
		return b.Entries[i].encode(fmt.Sprintf("%s.entries[%d]", path, i), version)
	})
	if err != nil {
		return nil, err
	}
	w.unknown(b.Unknown)
	return w.bytes()
}

func (e *Entry) encode(path string, version int) ([]byte, error) {
	ext := mapOrEmpty(e.Extensions)
	if e.SelectiveLogic != "" {
		code, ok := SelectiveLogicCode(e.SelectiveLogic)
		if !ok {
			return nil, fieldf(path+".extensions.selectiveLogic",
				"%s.extensions.selectiveLogic %q is not one of and_any, not_all, not_any, and_all", path, e.SelectiveLogic)
		}
		// Copy so writing never changes the caller's map.
		c := make(map[string]any, len(ext)+1)
		for k, v := range ext {
			c[k] = v
		}
		c["selectiveLogic"] = code
		ext = c
	}
	content := e.RawContent()
	if version < 3 {
		content = e.Content
	}
	w := newWriter()
	w.field("keys", strsOrEmpty(e.Keys))
	w.field("content", content)
	w.field("extensions", ext)
	w.field("enabled", e.Enabled)
	w.field("insertion_order", e.InsertionOrder)
	if e.CaseSensitive != nil {
		w.field("case_sensitive", *e.CaseSensitive)
	}
	if version >= 3 {
		w.field("use_regex", e.UseRegex)
	} else {
		w.keys["use_regex"] = true // not a V2 field, even from Unknown
	}
	w.field("constant", e.Constant)
	if e.Name != "" {
		w.field("name", e.Name)
	}
	if e.Priority != nil {
		w.field("priority", *e.Priority)
	}
	if e.ID != nil {
		w.field("id", e.ID)
	}
	if e.Comment != "" {
		w.field("comment", e.Comment)
	}
	w.field("selective", e.Selective)
	if e.SecondaryKeys != nil {
		w.field("secondary_keys", e.SecondaryKeys)
	}
	if e.Position != "" {
		w.field("position", e.Position)
	}
	w.unknown(e.Unknown)
	return w.bytes()
}
