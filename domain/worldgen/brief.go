package worldgen

import "strings"

// briefWants introduce a faction's goal in the brief.
var briefWants = []string{"wants to", "seeks to", "means to", "intends to", "hopes to", "is working to"}

// briefTrouble introduce the tensions in the brief.
var briefTrouble = []string{
	"Trouble is stirring.",
	"The peace is thin.",
	"Old grudges are waking.",
	"Not everything is settled.",
	"The present is restless.",
}

// briefWords is the length the brief aims to stay within. It is written in full detail
// and made terser step by step until it fits or nothing more can be dropped.
const briefWords = 250

// briefTensions is the most tensions the brief tells; the rest are left for play.
const briefTensions = 2

// Brief detail levels, fullest first.
const (
	briefFull    = iota
	briefNoKinds // regions without their chief settlement's kind
	briefNoHomes // and factions without their home region
	briefLevels
)

// briefPicks are the brief's random choices, drawn once so every level of detail tells
// the same story.
type briefPicks struct {
	intro, flavour, trouble string
	wants                   []string
}

// makeBrief writes the prose summary a character prompt can embed: what the world is and
// feels like, its regions and chief settlements, its factions and what they want, and
// what is about to break.
func (w *world) makeBrief() {
	r := w.stream("brief", 0)
	bind := w.bind(r)
	picks := briefPicks{
		intro:   bind.render(pick(r, w.g.Intros)),
		flavour: bind.render(pick(r, w.t.Flavours)),
		trouble: pick(r, briefTrouble),
	}
	for range w.c.Factions {
		picks.wants = append(picks.wants, pick(r, briefWants))
	}
	for level := range briefLevels {
		w.c.Brief = w.composeBrief(picks, level)
		if len(strings.Fields(w.c.Brief)) <= briefWords {
			return
		}
	}
}

func (w *world) composeBrief(picks briefPicks, level int) string {
	parts := []string{picks.intro, picks.flavour}

	regionTmpl := "{region}, a {biome} centred on the {kind} of {settlement}"
	if level >= briefNoKinds {
		regionTmpl = "{region}, a {biome} centred on {settlement}"
	}
	regions := make([]string, len(w.c.Regions))
	for i, reg := range w.c.Regions {
		chief := w.settlement(w.settlementsIn[i][0])
		for _, s := range w.settlementsIn[i][1:] {
			if w.settlement(s).Population > chief.Population {
				chief = w.settlement(s)
			}
		}
		regions[i] = render(regionTmpl, true, fixed(map[string]value{
			"region":     {reg.Name, kindName},
			"biome":      {reg.Biome, kindWord},
			"kind":       {chief.Kind, kindWord},
			"settlement": {chief.Name, kindName},
		}))
	}
	parts = append(parts, "Its regions are "+joinList(regions, "; ")+".")

	factionTmpl := "{faction}, a {kind} from {region}, {wants} {goal}."
	if level >= briefNoHomes {
		factionTmpl = "{faction}, a {kind}, {wants} {goal}."
	}
	for i, f := range w.c.Factions {
		parts = append(parts, render(factionTmpl, false, fixed(map[string]value{
			"faction": {f.Name, kindName},
			"kind":    {f.Kind, kindWord},
			"region":  {f.HomeRegion, kindName},
			"wants":   {picks.wants[i], kindVerbatim},
			"goal":    {w.goals[i], kindVerbatim},
		})))
	}

	// The first tension always; more only while the brief stays within its length.
	parts = append(parts, picks.trouble, w.tensionMain[0])
	words := len(strings.Fields(strings.Join(parts, " ")))
	for _, t := range w.tensionMain[1:min(briefTensions, len(w.tensionMain))] {
		words += len(strings.Fields(t))
		if words > briefWords {
			break
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

// fixed is a lookup over a fixed set of values.
func fixed(values map[string]value) func(string) value {
	return func(key string) value {
		if v, ok := values[key]; ok {
			return v
		}
		return value{"{" + key + "}", kindVerbatim}
	}
}
