package worldgen

import (
	"io/fs"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
)

// Generator builds worlds from the embedded tables. It is safe for concurrent use: after
// New it is never written to.
type Generator struct {
	t *tables
}

// New parses and validates the embedded world tables. It fails if a genre or tone is
// missing, a list is empty, or a template uses a placeholder it cannot be given.
func New() (*Generator, error) {
	return newFromFS(data.Worlds)
}

func newFromFS(fsys fs.FS) (*Generator, error) {
	t, err := loadTables(fsys)
	if err != nil {
		return nil, err
	}
	return &Generator{t: t}, nil
}

// sizeSpec is how much of everything a world of one size has.
type sizeSpec struct {
	regions, factions, landmarks, history, tensions, scenes int
}

var sizes = map[domain.WorldSize]sizeSpec{
	domain.WorldSizeSmall:  {regions: 3, factions: 3, landmarks: 4, history: 4, tensions: 2, scenes: 4},
	domain.WorldSizeMedium: {regions: 5, factions: 4, landmarks: 6, history: 6, tensions: 3, scenes: 6},
	domain.WorldSizeLarge:  {regions: 8, factions: 6, landmarks: 10, history: 8, tensions: 4, scenes: 8},
}

// Settlements per region, inclusive.
const (
	minSettlements = 1
	maxSettlements = 3
)

// sceneHooks is how many of a scene template's own hooks a scene card uses; one tone hook
// follows them.
const sceneHooks = 2

// Generate builds the world for seed and p. It is deterministic: equal arguments give
// equal results, on any machine and Go release (see the package documentation).
//
// p is expected to be valid (seed in 0..domain.MaxWorldSeed, genre, tone and size from
// the domain's lists). An empty p.Name gets a generated name; any other is used verbatim.
// An unknown genre, tone or size falls back to the first of its list rather than
// panicking.
func (g *Generator) Generate(seed int64, p domain.WorldParams) domain.WorldContent {
	gt, ok := g.t.genres[p.Genre]
	if !ok {
		gt = g.t.genres[domain.Genres[0]]
	}
	tt, ok := g.t.tones[p.Tone]
	if !ok {
		tt = g.t.tones[domain.Tones[0]]
	}
	size, ok := sizes[p.Size]
	if !ok {
		size = sizes[domain.WorldSizes[0]]
	}
	w := &world{
		g:    gt,
		t:    tt,
		size: size,
		base: worldSeed(seed, string(p.Genre), string(p.Tone), string(p.Size), p.Name),
		used: make(map[string]bool),
	}
	w.nameWorld(p.Name)
	w.makeRegions()
	w.makeSettlements()
	w.makeLandmarks()
	w.makeFactions()
	w.makeRelations()
	w.makeHistory()
	w.makeTensions()
	w.makeScenes()
	w.makeBrief()
	return w.c
}

// world is the state of one Generate call.
type world struct {
	g    *genreTable
	t    *toneTable
	size sizeSpec
	base uint64
	// used holds the nameKey of every name given out.
	used map[string]bool

	c         domain.WorldContent
	worldName value

	settlements    []settlementRef   // every settlement, region by region
	settlementsIn  [][]int           // per region, indices into settlements
	landmarkRegion []int             // per landmark, its region
	landmarksIn    [][]int           // per region, indices into c.Landmarks
	factionHome    []int             // per faction, its home region
	factionKind    []*factionKind    // per faction
	goals          []string          // per faction, its goal as a lowercase phrase
	goalTarget     []int             // per faction, the faction its goal names, or -1
	stance         [][]domain.Stance // per pair of factions, both ways
	tensionMain    []string          // per tension, its summary without the stakes
}

type settlementRef struct {
	region, index int
}

func (w *world) settlement(i int) *domain.Settlement {
	ref := w.settlements[i]
	return &w.c.Regions[ref.region].Settlements[ref.index]
}

// stream returns the independent random stream for one section or item.
func (w *world) stream(label string, index int) *rng {
	return derive(w.base, label, index)
}

func (w *world) nameWorld(name string) {
	if name != "" {
		w.worldName = value{name, kindVerbatim}
		w.claim(name)
	} else {
		w.worldName = value{w.uniqueName(w.stream("world", 0), w.g.Names.World, nil), kindName}
	}
	w.c.Name = w.worldName.text
}
