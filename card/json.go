package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// v1Fields are the fields of a V1 card. SillyTavern also repeats them at
// the top level of V2/V3 cards for old readers.
var v1Fields = []string{"name", "description", "personality", "scenario", "first_mes", "mes_example"}

// ParseJSON reads a card from JSON: V3, V2, or V1 (a flat object with no
// spec), upgrading V1 and V2 to V3. Format.Container is ContainerJSON.
func ParseJSON(body []byte) (*Card, Format, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // editors on Windows add a BOM
	f := Format{Container: ContainerJSON}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, f, jsonProblem(body, err)
	}
	if top == nil {
		return nil, f, problemf("the card JSON must be an object, not null")
	}
	d := &decoder{}
	root := &object{d: d, m: top, used: map[string]bool{}}
	c := &Card{Spec: SpecV3, SpecVersion: SpecVersionV3}

	spec, hasSpec := root.strOK("spec")
	if d.err != nil {
		return nil, f, d.err
	}
	switch {
	case !hasSpec && !root.has("data"):
		f.Version = 1
		c.Data = decodeV1(root)
	case !hasSpec || spec == SpecV2:
		// A "data" object without spec is treated as V2: a few exporters
		// forget the spec field but the shape is unmistakable.
		f.Version = 2
		f.SpecVersion = specVersion(root)
		if d.err == nil && f.SpecVersion != "" && f.SpecVersion != "2.0" {
			d.fail("spec_version", "%s", versionProblem(f.SpecVersion, 2))
		}
	case spec == SpecV3:
		f.Version = 3
		f.SpecVersion = specVersion(root)
		if d.err == nil && f.SpecVersion != "" {
			v, err := strconv.ParseFloat(f.SpecVersion, 64)
			if err != nil || v < 3 || v >= 4 {
				d.fail("spec_version", "%s", versionProblem(f.SpecVersion, 3))
			}
			c.SpecVersion = f.SpecVersion
		}
	case strings.HasPrefix(spec, "lorebook"):
		return nil, f, fieldf("spec", "this is a lorebook (spec %s), not a character card", spec)
	default:
		return nil, f, fieldf("spec", "spec %q is not supported (chara_card_v2 and chara_card_v3 are)", spec)
	}
	if f.Version >= 2 {
		data := root.child("data")
		if data == nil && d.err == nil {
			return nil, f, fieldf("data", "data is missing")
		}
		if data != nil {
			c.Data = decodeData(data)
		}
	}
	c.Unknown = root.rest()
	if f.Version >= 2 {
		// Stale mirrors would otherwise change on the first export, making
		// read→write→read differ from read.
		c.Unknown = c.mirrored()
	}
	if d.err != nil {
		return nil, f, d.err
	}
	return c, f, nil
}

// jsonProblem turns an encoding/json error into a message with a location.
func jsonProblem(body []byte, err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return problemf("the card JSON is empty")
	case errors.As(err, &syn):
		return problemf("the card JSON is malformed at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return problemf("the card JSON must be an object, not %s", typ.Value)
	}
	return problemf("the card JSON is malformed: %v", err)
}

// specVersion reads spec_version, accepting a number as well as a string
// since some tools write 2 or 3.0 unquoted.
func specVersion(root *object) string {
	raw, ok := root.get("spec_version")
	if !ok {
		return ""
	}
	if isNumber(raw) {
		s := string(bytes.TrimSpace(raw))
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	var s string
	if kind(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		root.d.fail("spec_version", "spec_version must be a string")
	}
	return s
}

func versionProblem(v string, major int) string {
	if f, err := strconv.ParseFloat(v, 64); err == nil && int(f) != major && (int(f) == 2 || int(f) == 3) {
		return fmt.Sprintf("spec_version %s does not match spec chara_card_v%d", v, major)
	}
	return fmt.Sprintf("spec_version %s is not supported (2.0 and 3.x are)", v)
}

// name reads the character name, which every version requires.
func name(o *object) string {
	n, ok := o.strOK("name")
	path := join(o.path, "name")
	switch {
	case o.d.err != nil:
	case !ok:
		o.d.fail(path, "%s is missing", path)
	case strings.TrimSpace(n) == "":
		o.d.fail(path, "%s is empty", path)
	}
	return n
}

func decodeV1(o *object) Data {
	return Data{
		Name:               name(o),
		Description:        o.str("description"),
		Personality:        o.str("personality"),
		Scenario:           o.str("scenario"),
		FirstMes:           o.str("first_mes"),
		MesExample:         o.str("mes_example"),
		AlternateGreetings: []string{},
		Tags:               []string{},
		Extensions:         map[string]any{},
		GroupOnlyGreetings: []string{},
	}
}

func decodeData(o *object) Data {
	d := Data{
		Name:                     name(o),
		Description:              o.str("description"),
		Personality:              o.str("personality"),
		Scenario:                 o.str("scenario"),
		FirstMes:                 o.str("first_mes"),
		MesExample:               o.str("mes_example"),
		CreatorNotes:             o.str("creator_notes"),
		SystemPrompt:             o.str("system_prompt"),
		PostHistoryInstructions:  o.str("post_history_instructions"),
		AlternateGreetings:       o.list("alternate_greetings"),
		Tags:                     o.list("tags"),
		Creator:                  o.str("creator"),
		CharacterVersion:         o.str("character_version"),
		Extensions:               o.anyMap("extensions"),
		Nickname:                 o.str("nickname"),
		CreatorNotesMultilingual: o.strMap("creator_notes_multilingual"),
		Source:                   o.strs("source"),
		GroupOnlyGreetings:       o.list("group_only_greetings"),
		CreationDate:             o.int64Ptr("creation_date"),
		ModificationDate:         o.int64Ptr("modification_date"),
	}
	if b := o.child("character_book"); b != nil {
		d.CharacterBook = decodeBook(b)
	}
	if items, ok := o.array("assets"); ok {
		d.Assets = make([]Asset, 0, len(items))
		for i, raw := range items {
			a := o.d.object(fmt.Sprintf("%s.assets[%d]", o.path, i), raw)
			d.Assets = append(d.Assets, Asset{
				Type: a.str("type"), URI: a.str("uri"), Name: a.str("name"), Ext: a.str("ext"),
				Unknown: a.rest(),
			})
		}
	}
	d.Unknown = o.rest()
	return d
}

// JSON encodes the card as Character Card V3 JSON.
func (c *Card) JSON() ([]byte, error) { return c.encode(3) }

// JSONV2 encodes the card as Character Card V2 JSON, the downgrade written
// to a PNG's "chara" chunk for readers that do not know V3: V3-only fields
// are dropped and, as the V3 spec asks, decorators are removed from
// lorebook entries. Unknown fields are kept.
func (c *Card) JSONV2() ([]byte, error) { return c.encode(2) }

func (c *Card) encode(version int) ([]byte, error) {
	data, err := c.Data.encode(version)
	if err != nil {
		return nil, err
	}
	w := newWriter()
	if version == 2 {
		w.field("spec", SpecV2)
		w.field("spec_version", "2.0")
	} else {
		w.field("spec", SpecV3)
		v := c.SpecVersion
		if f, err := strconv.ParseFloat(v, 64); err != nil || f < 3 || f >= 4 {
			v = SpecVersionV3
		}
		w.field("spec_version", v)
	}
	w.encoded("data", data)
	w.unknown(c.mirrored())
	return w.bytes()
}

func (d *Data) encode(version int) ([]byte, error) {
	w := newWriter()
	w.field("name", d.Name)
	w.field("description", d.Description)
	w.field("personality", d.Personality)
	w.field("scenario", d.Scenario)
	w.field("first_mes", d.FirstMes)
	w.field("mes_example", d.MesExample)
	w.field("creator_notes", d.CreatorNotes)
	w.field("system_prompt", d.SystemPrompt)
	w.field("post_history_instructions", d.PostHistoryInstructions)
	w.field("alternate_greetings", strsOrEmpty(d.AlternateGreetings))
	if d.CharacterBook != nil {
		b, err := d.CharacterBook.encode("data.character_book", version)
		if err != nil {
			return nil, err
		}
		w.encoded("character_book", b)
	}
	w.field("tags", strsOrEmpty(d.Tags))
	w.field("creator", d.Creator)
	w.field("character_version", d.CharacterVersion)
	w.field("extensions", mapOrEmpty(d.Extensions))
	if version >= 3 {
		if d.Nickname != "" {
			w.field("nickname", d.Nickname)
		}
		if d.CreatorNotesMultilingual != nil {
			w.field("creator_notes_multilingual", d.CreatorNotesMultilingual)
		}
		if d.Source != nil {
			w.field("source", d.Source)
		}
		w.field("group_only_greetings", strsOrEmpty(d.GroupOnlyGreetings))
		if d.CreationDate != nil {
			w.field("creation_date", *d.CreationDate)
		}
		if d.ModificationDate != nil {
			w.field("modification_date", *d.ModificationDate)
		}
		if d.Assets != nil {
			err := w.encodedList("assets", len(d.Assets), func(i int) ([]byte, error) {
				a := d.Assets[i]
				aw := newWriter()
				aw.field("type", a.Type)
				aw.field("uri", a.URI)
				aw.field("name", a.Name)
				aw.field("ext", a.Ext)
				aw.unknown(a.Unknown)
				return aw.bytes()
			})
			if err != nil {
				return nil, err
			}
		}
	} else {
		// Keep the V3-only names out of the V2 copy even when they sit in
		// Unknown, so a V2 reader never sees half a V3 card.
		w.keys["assets"], w.keys["nickname"], w.keys["creator_notes_multilingual"] = true, true, true
		w.keys["source"], w.keys["group_only_greetings"] = true, true
		w.keys["creation_date"], w.keys["modification_date"] = true, true
	}
	w.unknown(d.Unknown)
	return w.bytes()
}

// mirrored returns Unknown with the V1 mirror fields that are present set
// to the current Data values, so old readers of the top level never see
// data that contradicts the card. Unchanged values keep their bytes.
func (c *Card) mirrored() map[string]json.RawMessage {
	values := map[string]string{
		"name": c.Data.Name, "description": c.Data.Description, "personality": c.Data.Personality,
		"scenario": c.Data.Scenario, "first_mes": c.Data.FirstMes, "mes_example": c.Data.MesExample,
	}
	out := c.Unknown
	copied := false
	for _, k := range v1Fields {
		raw, ok := c.Unknown[k]
		if !ok {
			continue
		}
		var old string
		if json.Unmarshal(raw, &old) == nil && old == values[k] {
			continue
		}
		if !copied {
			out = make(map[string]json.RawMessage, len(c.Unknown))
			for k, v := range c.Unknown {
				out[k] = v
			}
			copied = true
		}
		b, _ := marshal(values[k])
		out[k] = b
	}
	return out
}
