package server

import (
	"encoding/json"
	"fmt"

	"github.com/troupe-ai/troupe/card"
	"github.com/troupe-ai/troupe/domain"
)

// Keys of metadata.character_card: the card's fields with no home in Troupe, restored on
// export. Entry-level leftovers travel in each lorebook entry's extensions.
const (
	leftExtensions        = "extensions"
	leftMultilingualNotes = "creator_notes_multilingual"
	leftSource            = "source"
	leftGroupGreetings    = "group_only_greetings"
	leftCreationDate      = "creation_date"
	leftModificationDate  = "modification_date"
	leftAssets            = "assets"
	leftDataFields        = "data_fields"
	leftCardFields        = "card_fields"
	// troupeExtension is the extensions key Troupe's own fields travel under in an
	// exported card, read back on import.
	troupeExtension = "troupe"
	// entryCardFields is the entry extensions key of an entry's unknown card fields.
	entryCardFields = "troupe_card_fields"
	// bookCardFields is the book extensions key of the book's unknown card fields.
	bookCardFields = "troupe_card_fields"
)

// specName is the spec a card was stored as.
func specName(f card.Format) string {
	switch f.Version {
	case 3:
		return card.SpecV3
	case 2:
		return card.SpecV2
	default:
		return "chara_card_v1"
	}
}

// cardImport maps a read card onto what the domain imports.
func cardImport(f *card.File) domain.CardImport {
	d := f.Card.Data
	in := domain.CardImport{
		Format: string(f.Format.Container), Spec: specName(f.Format), SpecVersion: f.Format.SpecVersion,
		Name: d.Name, Personality: d.Personality,
		Profile: domain.CharacterProfile{
			Description: d.Description, Scenario: d.Scenario, FirstMessage: d.FirstMes,
			AlternateGreetings: nonNil(d.AlternateGreetings), ExampleMessages: d.MesExample, SystemPrompt: d.SystemPrompt,
			PostHistoryInstructions: d.PostHistoryInstructions, Tags: nonNil(d.Tags), Creator: d.Creator,
			CreatorNotes: d.CreatorNotes, CharacterVersion: d.CharacterVersion, Nickname: d.Nickname,
		},
		Leftovers: map[string]any{},
	}
	if in.SpecVersion == "" && f.Format.Version == 1 {
		in.SpecVersion = "1.0"
	}
	if f.AvatarExt == "png" {
		in.Avatar = f.Avatar
	}
	ext := map[string]any{}
	for k, v := range d.Extensions {
		if k == troupeExtension {
			if t, ok := v.(map[string]any); ok {
				in.Troupe = domain.CardTroupeFields{
					Role: str(t["role"]), Archetype: str(t["archetype"]), SkillTier: str(t["skill_tier"]),
					CustomLore: str(t["custom_lore"]), TabooWords: stringList(t["taboo_words"]),
				}
			}
			continue
		}
		ext[k] = v
	}
	left := in.Leftovers
	if len(ext) > 0 {
		left[leftExtensions] = ext
	}
	if len(d.CreatorNotesMultilingual) > 0 {
		left[leftMultilingualNotes] = d.CreatorNotesMultilingual
	}
	if len(d.Source) > 0 {
		left[leftSource] = d.Source
	}
	if len(d.GroupOnlyGreetings) > 0 {
		left[leftGroupGreetings] = d.GroupOnlyGreetings
	}
	if d.CreationDate != nil {
		left[leftCreationDate] = *d.CreationDate
	}
	if d.ModificationDate != nil {
		left[leftModificationDate] = *d.ModificationDate
	}
	if d.Assets != nil {
		assets := make([]map[string]any, len(d.Assets))
		for i, a := range d.Assets {
			assets[i] = map[string]any{"type": a.Type, "uri": a.URI, "name": a.Name, "ext": a.Ext}
			for k, v := range a.Unknown {
				assets[i][k] = rawValue(v)
			}
		}
		left[leftAssets] = assets
	}
	if len(d.Unknown) > 0 {
		left[leftDataFields] = rawValues(d.Unknown)
	}
	if top := withoutMirrors(f.Card.Unknown); len(top) > 0 {
		left[leftCardFields] = rawValues(top)
	}
	if b := d.CharacterBook; b != nil {
		in.Book = bookImport(b)
	}
	return in
}

// withoutMirrors drops the V1 fields SillyTavern repeats at a card's top level: the card
// package writes them again from data on export.
func withoutMirrors(top map[string]json.RawMessage) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range top {
		switch k {
		case "name", "description", "personality", "scenario", "first_mes", "mes_example":
		default:
			out[k] = v
		}
	}
	return out
}

func bookImport(b *card.Book) *domain.Lorebook {
	out := &domain.Lorebook{Name: b.Name, Description: b.Description, Extensions: copyMap(b.Extensions)}
	if b.ScanDepth != nil {
		out.ScanDepth = *b.ScanDepth
	}
	if b.TokenBudget != nil {
		out.TokenBudget = *b.TokenBudget
	}
	if b.RecursiveScanning != nil {
		out.RecursiveScanning = *b.RecursiveScanning
	}
	if len(b.Unknown) > 0 {
		out.Extensions[bookCardFields] = rawValues(b.Unknown)
	}
	for _, e := range b.Entries {
		le := domain.LoreEntry{
			Name: e.Name, Comment: e.Comment, Keys: nonNil(e.Keys), SecondaryKeys: nonNil(e.SecondaryKeys),
			Selective: e.Selective, SelectiveLogic: e.SelectiveLogic, Content: e.RawContent(), Constant: e.Constant,
			Enabled: e.Enabled, UseRegex: e.UseRegex, InsertionOrder: e.InsertionOrder, Position: e.Position,
			Priority: 10, Extensions: copyMap(e.Extensions),
		}
		if e.CaseSensitive != nil {
			le.CaseSensitive = *e.CaseSensitive
		}
		if e.Priority != nil {
			le.Priority = *e.Priority
		}
		if cat, ok := le.Extensions["troupe_category"].(string); ok {
			le.Category = cat
			delete(le.Extensions, "troupe_category")
		}
		if len(e.Unknown) > 0 {
			le.Extensions[entryCardFields] = rawValues(e.Unknown)
		}
		out.Entries = append(out.Entries, le)
	}
	return out
}

// cardExport writes a character as a V3 card: its profile, its lorebooks merged into the
// character_book, Troupe's own fields under extensions.troupe, and what an import kept in
// metadata.character_card restored.
func cardExport(x *domain.CardExport) *card.Card {
	c := x.Character
	out := card.New(c.Name)
	d := &out.Data
	p := c.Profile
	d.Description, d.Personality, d.Scenario, d.FirstMes = p.Description, c.Personality, p.Scenario, p.FirstMessage
	d.MesExample, d.CreatorNotes, d.SystemPrompt = p.ExampleMessages, p.CreatorNotes, p.SystemPrompt
	d.PostHistoryInstructions, d.AlternateGreetings, d.Tags = p.PostHistoryInstructions, nonNil(p.AlternateGreetings), nonNil(p.Tags)
	d.Creator, d.CharacterVersion, d.Nickname = p.Creator, p.CharacterVersion, p.Nickname
	if c.Engine != domain.EngineCard && d.SystemPrompt == "" {
		// A character Troupe wrote carries its acting prompt as the card's system prompt,
		// so another tool plays it the same way.
		d.SystemPrompt = c.ActingPrompt
	}
	if d.Description == "" && c.CustomLore != "" {
		d.Description = c.CustomLore
	}
	left, _ := c.Metadata[domain.CardMetadataKey].(map[string]any)
	if ext, ok := left[leftExtensions].(map[string]any); ok {
		d.Extensions = copyMap(ext)
	}
	d.Extensions[troupeExtension] = map[string]any{
		"character_id": c.ID, "role": c.Role, "archetype": c.Archetype, "skill_tier": c.SkillTier,
		"mood": c.Mood, "voice_id": c.VoiceID, "custom_lore": c.CustomLore, "taboo_words": nonNil(c.TabooWords),
	}
	if notes, ok := left[leftMultilingualNotes].(map[string]any); ok {
		d.CreatorNotesMultilingual = map[string]string{}
		for k, v := range notes {
			d.CreatorNotesMultilingual[k] = fmt.Sprint(v)
		}
	}
	d.Source = stringList(left[leftSource])
	if g := stringList(left[leftGroupGreetings]); g != nil {
		d.GroupOnlyGreetings = g
	}
	d.CreationDate, d.ModificationDate = int64Of(left[leftCreationDate]), int64Of(left[leftModificationDate])
	if assets, ok := left[leftAssets].([]any); ok {
		d.Assets = []card.Asset{}
		for _, a := range assets {
			m, _ := a.(map[string]any)
			asset := card.Asset{Type: str(m["type"]), URI: str(m["uri"]), Name: str(m["name"]), Ext: str(m["ext"])}
			for k, v := range m {
				if k != "type" && k != "uri" && k != "name" && k != "ext" {
					asset.Unknown = setRaw(asset.Unknown, k, v)
				}
			}
			d.Assets = append(d.Assets, asset)
		}
	}
	d.Unknown = raws(left[leftDataFields])
	out.Unknown = raws(left[leftCardFields])
	if len(x.Books) > 0 {
		d.CharacterBook = bookExport(x.Books)
	}
	return out
}

// bookExport merges a character's lorebooks into one character_book: the first book's
// settings and every book's entries, in order.
func bookExport(books []domain.Lorebook) *card.Book {
	first := books[0]
	b := &card.Book{
		Name: first.Name, Description: first.Description, ScanDepth: ptr(first.ScanDepth), TokenBudget: ptr(first.TokenBudget),
		RecursiveScanning: ptr(first.RecursiveScanning), Extensions: copyMap(first.Extensions), Entries: []card.Entry{},
	}
	b.Unknown = raws(b.Extensions[bookCardFields])
	delete(b.Extensions, bookCardFields)
	for _, book := range books {
		for _, e := range book.Entries {
			decorators, content := card.ParseDecorators(e.Content)
			ce := card.Entry{
				Keys: nonNil(e.Keys), Content: content, Decorators: decorators, Extensions: copyMap(e.Extensions),
				Enabled: e.Enabled, InsertionOrder: e.InsertionOrder, CaseSensitive: ptr(e.CaseSensitive), UseRegex: e.UseRegex,
				Constant: e.Constant, Selective: e.Selective, Name: e.Name, Comment: e.Comment, Priority: ptr(e.Priority),
				ID: e.ID, SecondaryKeys: nonNil(e.SecondaryKeys), SelectiveLogic: e.SelectiveLogic, Position: e.Position,
			}
			ce.Unknown = raws(ce.Extensions[entryCardFields])
			delete(ce.Extensions, entryCardFields)
			restoreUnusableKeys(&ce)
			if e.Category != "" {
				ce.Extensions["troupe_category"] = e.Category
			}
			b.Entries = append(b.Entries, ce)
		}
	}
	return b
}

// restoreUnusableKeys puts back the keys an import set aside (domain.UnusableKeysExtension).
func restoreUnusableKeys(e *card.Entry) {
	aside, _ := e.Extensions[domain.UnusableKeysExtension].([]any)
	delete(e.Extensions, domain.UnusableKeysExtension)
	for _, a := range aside {
		m, _ := a.(map[string]any)
		k := str(m["key"])
		if str(m["kind"]) == "secondary" {
			e.SecondaryKeys = append(e.SecondaryKeys, k)
		} else {
			e.Keys = append(e.Keys, k)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func rawValue(r json.RawMessage) any {
	var v any
	if err := json.Unmarshal(r, &v); err != nil {
		return nil
	}
	return v
}

func rawValues(m map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(m))
	for k, r := range m {
		out[k] = rawValue(r)
	}
	return out
}

// raws turns a stored map of leftovers back into raw JSON fields; nil when there are none.
func raws(v any) map[string]json.RawMessage {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	var out map[string]json.RawMessage
	for k, x := range m {
		out = setRaw(out, k, x)
	}
	return out
}

func setRaw(m map[string]json.RawMessage, k string, v any) map[string]json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return m
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	m[k] = b
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// stringList reads a stored list of strings; nil when there is none.
func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func int64Of(v any) *int64 {
	switch n := v.(type) {
	case float64:
		return ptr(int64(n))
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return &i
		}
	case int64:
		return &n
	}
	return nil
}
