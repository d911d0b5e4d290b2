package worldgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// tables are the parsed and validated contents of data.Worlds.
type tables struct {
	genres map[domain.Genre]*genreTable
	tones  map[domain.Tone]*toneTable
}

// genreTable is one worlds/<genre>.json file.
type genreTable struct {
	// HistorySpan is how many years the history of a world of this genre covers.
	HistorySpan int `json:"history_span"`
	// Intros open the brief; they use {world}.
	Intros            []string                   `json:"intros"`
	Names             nameTable                  `json:"names"`
	Biomes            []biome                    `json:"biomes"`
	RegionDetails     []string                   `json:"region_details"`
	SettlementKinds   []settlementKind           `json:"settlement_kinds"`
	SettlementDetails []string                   `json:"settlement_details"`
	FactionKinds      []factionKind              `json:"faction_kinds"`
	LandmarkKinds     []landmarkKind             `json:"landmark_kinds"`
	History           []historyTemplate          `json:"history"`
	Tensions          []string                   `json:"tensions"`
	Scenes            map[string][]sceneTemplate `json:"scenes"`
}

// nameTable holds the parts names are built from. Patterns use {proper} (a name built
// from syllables), {long} (one with three syllables, for a wider choice), any key of
// Words, and, for regions, factions and landmarks, {term} (a word from the biome or kind,
// such as "Wood" or "Order").
type nameTable struct {
	Syllables  syllables           `json:"syllables"`
	Words      map[string][]string `json:"words"`
	World      []string            `json:"world"`
	Region     []string            `json:"region"`
	Settlement []string            `json:"settlement"`
	Faction    []string            `json:"faction"`
	Landmark   []string            `json:"landmark"`
}

// syllables build a {proper} name: a start, sometimes a middle, and an end.
type syllables struct {
	Start  []string `json:"start"`
	Middle []string `json:"middle"`
	End    []string `json:"end"`
}

type biome struct {
	Name         string   `json:"name"`
	Terms        []string `json:"terms"`
	Descriptions []string `json:"descriptions"`
}

type settlementKind struct {
	Name string `json:"name"`
	// Population is the inclusive [min, max] range of the kind's population.
	Population   [2]int   `json:"population"`
	Descriptions []string `json:"descriptions"`
}

type factionKind struct {
	Name         string   `json:"name"`
	Terms        []string `json:"terms"`
	Descriptions []string `json:"descriptions"`
	// Goals are verb phrases without a final stop ("seize the salt roads"), read after
	// "wants to".
	Goals []string `json:"goals"`
}

type landmarkKind struct {
	Name         string   `json:"name"`
	Terms        []string `json:"terms"`
	Descriptions []string `json:"descriptions"`
}

// historyTemplate is one kind of history event. Era places it in the oldest, middle or
// most recent third of the history.
type historyTemplate struct {
	Era     string `json:"era"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// sceneTemplate is one scene card. At says where it is set: a "settlement", a
// "landmark" or the open "region".
type sceneTemplate struct {
	At          string   `json:"at"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Hooks       []string `json:"hooks"`
}

// toneTable is one tone's entry in worlds/common.json.
type toneTable struct {
	// Adjectives fill {tone_adj}.
	Adjectives []string `json:"adjectives"`
	// Flavours follow the genre intro in the brief.
	Flavours []string `json:"flavours"`
	// Epilogues may close a history event; Stakes may close a tension.
	Epilogues []string `json:"epilogues"`
	Stakes    []string `json:"stakes"`
	// Hooks are added to every scene card after the scene's own hooks.
	Hooks []string `json:"hooks"`
	// Moods are the scene moods the tone draws scene cards from.
	Moods []string `json:"moods"`
	// Stances are drawn uniformly for each pair of factions; repeat one to weight it.
	Stances []domain.Stance `json:"stances"`
}

var (
	eras    = []string{"ancient", "middle", "recent"}
	sceneAt = []string{"settlement", "landmark", "region"}
)

// Placeholder sets: which placeholders each kind of template may use. A template may only
// name what exists when it is rendered.
var (
	placesWorld      = newSet("world", "tone_adj")
	placesRegion     = newSet("world", "tone_adj", "region")
	placesSettlement = newSet("world", "tone_adj", "region", "settlement")
	placesFaction    = newSet("world", "tone_adj", "region", "faction")
	placesLandmark   = newSet("world", "tone_adj", "region", "landmark")
	placesStory      = newSet("world", "tone_adj", "region", "other_region", "settlement",
		"landmark", "faction", "other_faction")
)

type set map[string]bool

func newSet(keys ...string) set {
	s := make(set, len(keys))
	for _, k := range keys {
		s[k] = true
	}
	return s
}

// loadTables reads and validates worlds/*.json from fsys.
func loadTables(fsys fs.FS) (*tables, error) {
	t := &tables{
		genres: make(map[domain.Genre]*genreTable, len(domain.Genres)),
		tones:  make(map[domain.Tone]*toneTable, len(domain.Tones)),
	}
	var errs []error

	entries, err := fs.ReadDir(fsys, "worlds")
	if err != nil {
		return nil, fmt.Errorf("worldgen: reading tables: %w", err)
	}
	known := map[string]bool{"common.json": true}
	for _, g := range domain.Genres {
		known[string(g)+".json"] = true
	}
	for _, e := range entries { // ReadDir sorts by name.
		if !known[e.Name()] {
			errs = append(errs, fmt.Errorf("worlds/%s: not a known genre", e.Name()))
		}
	}

	var tones map[domain.Tone]*toneTable
	if err := decodeFile(fsys, "worlds/common.json", &tones); err != nil {
		errs = append(errs, err)
	} else {
		for _, k := range sortedKeys(tones) {
			if !slices.Contains(domain.Tones, k) {
				errs = append(errs, fmt.Errorf("worlds/common.json: %q is not a known tone", k))
			}
		}
		for _, tone := range domain.Tones {
			if tones[tone] == nil {
				errs = append(errs, fmt.Errorf("worlds/common.json: tone %q missing", tone))
				continue
			}
			t.tones[tone] = tones[tone]
		}
	}
	for _, g := range domain.Genres {
		gt := new(genreTable)
		if err := decodeFile(fsys, "worlds/"+string(g)+".json", gt); err != nil {
			errs = append(errs, err)
			continue
		}
		t.genres[g] = gt
	}
	if len(errs) == 0 {
		errs = t.validate()
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("worldgen: invalid tables: %w", err)
	}
	return t, nil
}

// decodeFile strictly decodes one JSON file: unknown fields and trailing data are errors,
// so a typo in a table cannot silently drop content.
func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: unexpected data after the top-level value", name)
	}
	return nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checker collects validation errors.
type checker struct{ errs []error }

func (c *checker) errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// atLeast checks that a list at path has at least n entries.
func (c *checker) atLeast(path string, got, n int) {
	switch {
	case got == 0:
		c.errorf("%s: empty", path)
	case got < n:
		c.errorf("%s: %d entries, need at least %d", path, got, n)
	}
}

// textForm is the shape a template must have.
type textForm int

const (
	formSentence textForm = iota // starts with a capital or placeholder, ends with . ! or ?
	formTitle                    // starts with a capital or placeholder, no final stop
	formPhrase                   // starts lowercase, no final stop (goals)
	formWord                     // a plain word or phrase without placeholders
)

// text checks one template: known placeholders, tidy spacing, articles and its form.
func (c *checker) text(path, s string, allowed set, form textForm) {
	if s == "" {
		c.errorf("%s: empty", path)
		return
	}
	if strings.TrimSpace(s) != s || strings.Contains(s, "  ") || strings.ContainsAny(s, "\n\t") {
		c.errorf("%s: stray whitespace in %q", path, s)
	}
	keys, err := placeholders(s)
	if err != nil {
		c.errorf("%s: %v in %q", path, err, s)
	}
	for _, k := range keys {
		if !allowed[k] {
			c.errorf("%s: unknown placeholder {%s} in %q", path, k, s)
		}
	}
	if m := articleMistake(s); m != "" {
		c.errorf("%s: wrong article %q in %q", path, m, s)
	}
	first, last := s[0], s[len(s)-1]
	startsUpper := first == '{' || (first >= 'A' && first <= 'Z') || first == '"'
	endsStop := last == '.' || last == '!' || last == '?'
	switch form {
	case formSentence:
		if !startsUpper || !endsStop {
			c.errorf("%s: not a sentence: %q", path, s)
		}
	case formTitle:
		if !startsUpper || last == '.' {
			c.errorf("%s: not a title: %q", path, s)
		}
	case formPhrase:
		if first < 'a' || first > 'z' || endsStop {
			c.errorf("%s: not a lowercase phrase without a stop: %q", path, s)
		}
	case formWord:
		if len(keys) > 0 {
			c.errorf("%s: placeholders not allowed in %q", path, s)
		}
	}
}

func (c *checker) texts(path string, list []string, min int, allowed set, form textForm) {
	c.atLeast(path, len(list), min)
	for i, s := range list {
		c.text(fmt.Sprintf("%s[%d]", path, i), s, allowed, form)
	}
}

// validate checks the parsed tables against everything Generate relies on.
func (t *tables) validate() []error {
	c := &checker{}
	maxSize := sizes[domain.WorldSizeLarge]
	for _, g := range domain.Genres {
		t.genres[g].validate(c, "worlds/"+string(g)+".json", maxSize)
	}
	for _, tone := range domain.Tones {
		tt := t.tones[tone]
		path := fmt.Sprintf("worlds/common.json: %s", tone)
		c.texts(path+".adjectives", tt.Adjectives, 1, nil, formWord)
		c.texts(path+".flavours", tt.Flavours, 1, placesWorld, formSentence)
		c.texts(path+".epilogues", tt.Epilogues, maxSize.history, placesStory, formSentence)
		c.texts(path+".stakes", tt.Stakes, maxSize.tensions, placesStory, formSentence)
		c.texts(path+".hooks", tt.Hooks, maxSize.scenes, placesStory, formSentence)
		c.atLeast(path+".moods", len(tt.Moods), 1)
		c.atLeast(path+".stances", len(tt.Stances), 1)
		for i, s := range tt.Stances {
			if !slices.Contains(stances, s) {
				c.errorf("%s.stances[%d]: unknown stance %q", path, i, s)
			}
		}
		for _, g := range domain.Genres {
			pool := 0
			for _, m := range tt.Moods {
				scenes, ok := t.genres[g].Scenes[m]
				if !ok {
					c.errorf("%s.moods: worlds/%s.json has no scenes for mood %q", path, g, m)
				}
				pool += len(scenes)
			}
			if pool < maxSize.scenes {
				c.errorf("%s.moods: only %d %s scenes, need %d", path, pool, g, maxSize.scenes)
			}
		}
	}
	return c.errs
}

var stances = []domain.Stance{domain.StanceAllied, domain.StanceFriendly, domain.StanceNeutral,
	domain.StanceRival, domain.StanceHostile}

func (gt *genreTable) validate(c *checker, path string, maxSize sizeSpec) {
	if gt.HistorySpan < 2*maxSize.history {
		c.errorf("%s: history_span %d, need at least %d", path, gt.HistorySpan, 2*maxSize.history)
	}
	c.texts(path+": intros", gt.Intros, 1, placesWorld, formSentence)

	n := gt.Names
	c.texts(path+": names.syllables.start", n.Syllables.Start, 1, nil, formWord)
	c.texts(path+": names.syllables.middle", n.Syllables.Middle, 1, nil, formWord)
	c.texts(path+": names.syllables.end", n.Syllables.End, 1, nil, formWord)
	plain := newSet("proper", "long")
	for _, k := range sortedKeys(n.Words) {
		plain[k] = true
		c.texts(path+": names.words."+k, n.Words[k], 1, nil, formWord)
	}
	withTerm := newSet("term")
	for k := range plain {
		withTerm[k] = true
	}
	c.texts(path+": names.world", n.World, 1, plain, formTitle)
	c.texts(path+": names.settlement", n.Settlement, 1, plain, formTitle)
	c.texts(path+": names.region", n.Region, 1, withTerm, formTitle)
	c.texts(path+": names.faction", n.Faction, 1, withTerm, formTitle)
	c.texts(path+": names.landmark", n.Landmark, 1, withTerm, formTitle)

	c.atLeast(path+": biomes", len(gt.Biomes), maxSize.regions)
	for i, b := range gt.Biomes {
		p := fmt.Sprintf("%s: biomes[%d]", path, i)
		c.text(p+".name", b.Name, nil, formWord)
		c.texts(p+".terms", b.Terms, 1, nil, formWord)
		c.texts(p+".descriptions", b.Descriptions, 1, placesRegion, formSentence)
	}
	c.texts(path+": region_details", gt.RegionDetails, 1, placesRegion, formSentence)

	c.atLeast(path+": settlement_kinds", len(gt.SettlementKinds), 1)
	for i, k := range gt.SettlementKinds {
		p := fmt.Sprintf("%s: settlement_kinds[%d]", path, i)
		c.text(p+".name", k.Name, nil, formWord)
		if lo, hi := k.Population[0], k.Population[1]; lo < 1 || hi < lo {
			c.errorf("%s.population: bad range [%d, %d]", p, lo, hi)
		}
		c.texts(p+".descriptions", k.Descriptions, 1, placesSettlement, formSentence)
	}
	c.texts(path+": settlement_details", gt.SettlementDetails, 1, placesSettlement, formSentence)

	c.atLeast(path+": faction_kinds", len(gt.FactionKinds), 1)
	for i, k := range gt.FactionKinds {
		p := fmt.Sprintf("%s: faction_kinds[%d]", path, i)
		c.text(p+".name", k.Name, nil, formWord)
		c.texts(p+".terms", k.Terms, 1, nil, formWord)
		c.texts(p+".descriptions", k.Descriptions, 1, placesFaction, formSentence)
		c.texts(p+".goals", k.Goals, 1, placesStory, formPhrase)
	}

	c.atLeast(path+": landmark_kinds", len(gt.LandmarkKinds), 1)
	for i, k := range gt.LandmarkKinds {
		p := fmt.Sprintf("%s: landmark_kinds[%d]", path, i)
		c.text(p+".name", k.Name, nil, formWord)
		c.texts(p+".terms", k.Terms, 1, nil, formWord)
		c.texts(p+".descriptions", k.Descriptions, 1, placesLandmark, formSentence)
	}

	perEra := make(map[string]int)
	for i, h := range gt.History {
		p := fmt.Sprintf("%s: history[%d]", path, i)
		if !slices.Contains(eras, h.Era) {
			c.errorf("%s.era: unknown era %q", p, h.Era)
		}
		perEra[h.Era]++
		c.text(p+".title", h.Title, placesStory, formTitle)
		c.text(p+".summary", h.Summary, placesStory, formSentence)
	}
	for e, era := range eras {
		if need := eventsInEra(maxSize.history, e); perEra[era] < need {
			c.errorf("%s: history: %d %s events, need at least %d", path, perEra[era], era, need)
		}
	}

	c.texts(path+": tensions", gt.Tensions, maxSize.tensions, placesStory, formSentence)
	for i, s := range gt.Tensions {
		if !strings.Contains(s, "{faction}") {
			c.errorf("%s: tensions[%d]: must name {faction}: %q", path, i, s)
		}
	}

	c.atLeast(path+": scenes", len(gt.Scenes), 1)
	for _, mood := range sortedKeys(gt.Scenes) {
		c.text(path+": scenes mood", mood, nil, formWord)
		c.atLeast(path+": scenes."+mood, len(gt.Scenes[mood]), 1)
		for i, s := range gt.Scenes[mood] {
			p := fmt.Sprintf("%s: scenes.%s[%d]", path, mood, i)
			if !slices.Contains(sceneAt, s.At) {
				c.errorf("%s.at: unknown location kind %q", p, s.At)
			}
			c.text(p+".title", s.Title, placesStory, formTitle)
			c.text(p+".description", s.Description, placesStory, formSentence)
			c.texts(p+".hooks", s.Hooks, sceneHooks, placesStory, formSentence)
		}
	}
}

// eventsInEra is how many of n history events fall in era e (0 oldest, 2 most recent).
func eventsInEra(n, e int) int {
	count := 0
	for i := range n {
		if i*len(eras)/n == e {
			count++
		}
	}
	return count
}
