// Package card reads and writes SillyTavern-style character cards: Character
// Card V1, V2 (chara_card_v2) and V3 (chara_card_v3) JSON, the same JSON
// embedded in PNG text chunks ("chara" and "ccv3"), and CHARX zip archives.
//
// A card is always held as V3 data; V1 and V2 cards are upgraded when read.
// Fields the specs do not define are kept (see the Unknown maps) and written
// back, so reading a card and writing it again loses nothing.
//
// Every problem with the input is reported as an *Error whose message can be
// shown to the person who supplied the file.
package card

import (
	"encoding/json"
)

// Spec names and the version written by this package.
const (
	SpecV2 = "chara_card_v2"
	SpecV3 = "chara_card_v3"
	// SpecVersionV3 is the spec_version written for V3 cards that were not
	// already 3.x.
	SpecVersionV3 = "3.0"
)

// Card is a character card, always held as V3 data (V1 and V2 cards are
// upgraded on read).
type Card struct {
	// Spec is always SpecV3 after reading; JSON writes SpecV3 regardless.
	Spec string
	// SpecVersion is the 3.x version read (kept so a 3.1 card stays 3.1),
	// or SpecVersionV3 for upgraded cards. JSON writes SpecVersionV3 when it
	// is not a 3.x version.
	SpecVersion string
	// Data holds the character.
	Data Data
	// Unknown holds top-level fields other than spec, spec_version and data
	// (SillyTavern, for one, repeats the V1 fields there), as compact JSON.
	// When written, the V1 mirror fields name, description, personality,
	// scenario, first_mes and mes_example are refreshed from Data so they
	// never contradict it.
	Unknown map[string]json.RawMessage
}

// Data is the "data" object of a V3 card.
type Data struct {
	Name                    string
	Description             string
	Personality             string
	Scenario                string
	FirstMes                string
	MesExample              string
	CreatorNotes            string
	SystemPrompt            string
	PostHistoryInstructions string
	AlternateGreetings      []string
	CharacterBook           *Book
	Tags                    []string
	Creator                 string
	CharacterVersion        string
	// Extensions holds arbitrary application data. Numbers are json.Number
	// so their exact text survives a round trip.
	Extensions map[string]any

	// V3 additions.

	// Nickname replaces the name in {{char}} when not empty.
	Nickname string
	// CreatorNotesMultilingual maps ISO 639-1 codes to creator notes; nil
	// when absent.
	CreatorNotesMultilingual map[string]string
	// Source lists IDs or URLs the card came from; nil when absent.
	Source             []string
	GroupOnlyGreetings []string
	// CreationDate and ModificationDate are Unix seconds; nil when absent.
	CreationDate     *int64
	ModificationDate *int64
	// Assets is nil when the card has no assets field, which the spec
	// defines as a single default icon (see MainIcon).
	Assets []Asset

	// Unknown holds fields of data that no spec defines, as compact JSON.
	Unknown map[string]json.RawMessage
}

// Asset is one entry of a V3 card's assets list.
type Asset struct {
	// Type is "icon", "background", "emotion", "user_icon", "x_…", etc.
	Type string
	// URI is an http(s) URL, a data: URL, "embeded://path/in/charx" (the
	// spec's spelling) or "ccdefault:".
	URI string
	// Name identifies the asset; "main" marks the main icon or background.
	Name string
	// Ext is the lowercase file extension without a dot, or "unknown".
	Ext string
	// Unknown holds fields no spec defines, as compact JSON.
	Unknown map[string]json.RawMessage
}

// Container says how a card was stored.
type Container string

// The containers a card can be read from.
const (
	ContainerJSON  Container = "json"
	ContainerPNG   Container = "png"
	ContainerCharx Container = "charx"
)

// Format describes where a card came from.
type Format struct {
	// Container is the file kind: JSON, PNG or CHARX.
	Container Container
	// Version is the card's spec major version as stored: 1, 2 or 3.
	Version int
	// SpecVersion is the spec_version as stored ("" for V1 or when absent).
	SpecVersion string
	// Chunk is the PNG text chunk the card was read from ("ccv3" or
	// "chara"); "" for other containers.
	Chunk string
}

// File is everything read from a card file.
type File struct {
	Card   *Card
	Format Format
	// Avatar is the character's image: for a PNG, the PNG itself with its
	// card chunks removed; for a CHARX, the bytes of the main icon (see
	// MainIcon) when the archive holds it; nil otherwise.
	Avatar []byte
	// AvatarExt is the avatar's format ("png", "jpeg", "webp", …), "" when
	// there is no avatar.
	AvatarExt string
	// Assets holds, for a CHARX, the archive files that the card's assets
	// reference with embeded:// URIs, keyed by their path in the archive.
	Assets map[string][]byte
}

// Options sets the limits used when reading. The zero value (or a nil
// *Options) means the defaults.
type Options struct {
	// MaxTextChunk is the largest card text chunk accepted in a PNG, before
	// and after decompression. Default DefaultMaxTextChunk.
	MaxTextChunk int64
	// MaxArchiveSize caps the uncompressed bytes of a CHARX archive.
	// Default DefaultMaxArchiveSize.
	MaxArchiveSize int64
	// MaxArchiveEntries caps the number of files in a CHARX archive.
	// Default DefaultMaxArchiveEntries.
	MaxArchiveEntries int
}

// Default limits.
const (
	DefaultMaxTextChunk      = 8 << 20
	DefaultMaxArchiveSize    = 32 << 20
	DefaultMaxArchiveEntries = 1024
)

// limits returns the options with defaults filled in.
func (o *Options) limits() Options {
	var l Options
	if o != nil {
		l = *o
	}
	if l.MaxTextChunk <= 0 {
		l.MaxTextChunk = DefaultMaxTextChunk
	}
	if l.MaxArchiveSize <= 0 {
		l.MaxArchiveSize = DefaultMaxArchiveSize
	}
	if l.MaxArchiveEntries <= 0 {
		l.MaxArchiveEntries = DefaultMaxArchiveEntries
	}
	return l
}

// New returns an empty V3 card named name, with every required list and
// map allocated, ready to fill in and write.
func New(name string) *Card {
	return &Card{
		Spec:        SpecV3,
		SpecVersion: SpecVersionV3,
		Data: Data{
			Name:               name,
			AlternateGreetings: []string{},
			Tags:               []string{},
			Extensions:         map[string]any{},
			GroupOnlyGreetings: []string{},
		},
	}
}

// MainIcon picks the character's main icon from a V3 assets list: the icon
// named "main", else the first icon. A nil list means the spec's default
// {icon, ccdefault:, main, png}, which is returned with ok true; an empty or
// icon-less list returns ok false.
func MainIcon(assets []Asset) (Asset, bool) {
	if assets == nil {
		return Asset{Type: "icon", URI: "ccdefault:", Name: "main", Ext: "png"}, true
	}
	first := -1
	for i, a := range assets {
		if a.Type != "icon" {
			continue
		}
		if a.Name == "main" {
			return a, true
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return Asset{}, false
	}
	return assets[first], true
}
