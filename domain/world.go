package domain

import "time"

// Genre is the broad setting of a world; it picks the data tables the generator draws from.
type Genre string

// The genres the world generator has tables for.
const (
	GenreFantasy         Genre = "fantasy"
	GenreDarkFantasy     Genre = "dark_fantasy"
	GenreSciFi           Genre = "sci_fi"
	GenrePostApocalyptic Genre = "post_apocalyptic"
)

// Genres lists every genre in a stable order.
var Genres = []Genre{GenreFantasy, GenreDarkFantasy, GenreSciFi, GenrePostApocalyptic}

// Tone is the mood a world leans towards; it colours history, tensions and scene cards.
type Tone string

// The tones a world can take.
const (
	ToneHeroic     Tone = "heroic"
	ToneGrim       Tone = "grim"
	ToneWhimsical  Tone = "whimsical"
	ToneMysterious Tone = "mysterious"
)

// Tones lists every tone in a stable order.
var Tones = []Tone{ToneHeroic, ToneGrim, ToneWhimsical, ToneMysterious}

// WorldSize sets how many regions, factions and landmarks a world has.
type WorldSize string

// The sizes a world can take.
const (
	WorldSizeSmall  WorldSize = "small"
	WorldSizeMedium WorldSize = "medium"
	WorldSizeLarge  WorldSize = "large"
)

// WorldSizes lists every size in a stable order.
var WorldSizes = []WorldSize{WorldSizeSmall, WorldSizeMedium, WorldSizeLarge}

// MaxWorldSeed is the largest seed a world accepts: 2^53-1, the largest integer every JSON
// client (JavaScript included) reads back exactly.
const MaxWorldSeed int64 = 1<<53 - 1

// WorldParams are the inputs of world generation besides the seed. Together with the seed
// they determine the world's content completely.
type WorldParams struct {
	// Name, when set, names the world instead of a generated name.
	Name  string
	Genre Genre
	Tone  Tone
	Size  WorldSize
}

// World is a stored, generated world.
type World struct {
	ID       string
	TenantID string
	Seed     int64
	Params   WorldParams
	Content  WorldContent
	// LorebookIDs are the lorebooks of the world, in order: the one generated from its
	// content first, unless the studio detached it.
	LorebookIDs []string
	// Lorebook, when set, is the lorebook generated from Content, which CreateWorld stores
	// in the same transaction as the world and lists first in LorebookIDs. It is never
	// read back.
	Lorebook  *Lorebook
	CreatedAt time.Time
}

// WorldContent is everything the generator derives from (seed, params). It is a pure
// function of those inputs: the same seed and parameters give an identical WorldContent on
// every machine and release.
type WorldContent struct {
	Name       string
	Regions    []Region
	Factions   []Faction
	Landmarks  []Landmark
	History    []HistoryEvent
	Tensions   []Tension
	SceneCards []SceneCard
	// Brief is prose describing the world, written to be embedded in a character prompt.
	Brief string
}

// Region is one area of a world.
type Region struct {
	Name        string
	Biome       string
	Description string
	Settlements []Settlement
}

// Settlement is a place where people live, inside a region.
type Settlement struct {
	Name string
	// Kind is the settlement's scale or type, such as "village", "town", "city" or "outpost".
	Kind        string
	Population  int
	Description string
}

// Faction is an organised group with a goal and relations to the other factions.
type Faction struct {
	Name string
	// Kind is the faction's nature, such as "guild", "cult", "house" or "corporation".
	Kind        string
	Description string
	Goal        string
	// HomeRegion is the Name of the region the faction is based in.
	HomeRegion string
	Relations  []FactionRelation
}

// Stance is how one faction regards another.
type Stance string

// The stances a faction can take towards another.
const (
	StanceAllied   Stance = "allied"
	StanceFriendly Stance = "friendly"
	StanceNeutral  Stance = "neutral"
	StanceRival    Stance = "rival"
	StanceHostile  Stance = "hostile"
)

// FactionRelation is one faction's stance towards another, named by Faction.
type FactionRelation struct {
	Faction string
	Stance  Stance
}

// Landmark is a notable place in a region.
type Landmark struct {
	Name string
	// Region is the Name of the region the landmark stands in.
	Region      string
	Kind        string
	Description string
}

// HistoryEvent is one entry of a world's short history, oldest first.
type HistoryEvent struct {
	// YearsAgo is how long before the present the event happened.
	YearsAgo int
	Title    string
	Summary  string
}

// Tension is a point of conflict a story can grow from.
type Tension struct {
	Summary string
	// Factions names the factions involved.
	Factions []string
	// Region is the Name of the region where it plays out.
	Region string
}

// SceneCard is a short description a game can drop a scene into.
type SceneCard struct {
	Title string
	// Location names the settlement, landmark or region where the scene is set.
	Location    string
	Region      string
	Mood        string
	Description string
	// Hooks are short prompts for what could happen next.
	Hooks []string
}
