package worldgen

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// midSentenceThe finds a capitalised "The" in the middle of a sentence, which render
// should have lowered.
var midSentenceThe = regexp.MustCompile(`[a-z,;] The `)

// tidyName matches the explicit names whose text invariants can still be checked by
// replacing the name with a stand-in.
var tidyName = regexp.MustCompile(`^[A-Z][A-Za-z']*( [A-Za-z'][A-Za-z']*)*$`)

// problems checks everything a generated world promises and returns what is wrong.
func problems(c domain.WorldContent, p domain.WorldParams) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	checkText := p.Name == "" || tidyName.MatchString(p.Name)
	text := func(field, s string, form textForm) {
		if !checkText {
			return
		}
		if p.Name != "" {
			s = strings.ReplaceAll(s, p.Name, "Name")
		}
		switch {
		case s == "":
			bad("%s: empty", field)
			return
		case strings.ContainsAny(s, "{}"):
			bad("%s: leftover placeholder: %q", field, s)
		case strings.Contains(s, "  ") || strings.TrimSpace(s) != s:
			bad("%s: stray whitespace: %q", field, s)
		case midSentenceThe.MatchString(s):
			bad("%s: capital The mid-sentence: %q", field, s)
		}
		if m := articleMistake(s); m != "" {
			bad("%s: wrong article %q: %q", field, m, s)
		}
		if upperFirst(s) != s {
			bad("%s: not capitalised: %q", field, s)
		}
		last := s[len(s)-1]
		stop := last == '.' || last == '!' || last == '?'
		if form == formSentence && !stop {
			bad("%s: no final stop: %q", field, s)
		}
		if form == formTitle && last == '.' {
			bad("%s: title ends with a stop: %q", field, s)
		}
	}
	// mentions reports whether prose s names name, allowing a lowered leading "The".
	mentions := func(s, name string) bool {
		return strings.Contains(s, name) || strings.Contains(s, "the"+strings.TrimPrefix(name, "The"))
	}

	want, ok := sizes[p.Size]
	if !ok {
		return []string{fmt.Sprintf("unknown size %q", p.Size)}
	}
	if p.Name != "" && c.Name != p.Name {
		bad("name %q, want %q verbatim", c.Name, p.Name)
	}
	if c.Name == "" {
		bad("empty world name")
	}
	text("Name", c.Name, formTitle)

	names := map[string]string{}
	unique := func(kind, name string) {
		text(kind+" name", name, formTitle)
		k := nameKey(name)
		if prev, ok := names[k]; ok {
			bad("%s name %q duplicates %s", kind, name, prev)
		}
		names[k] = kind + " " + name
	}

	regionOf := map[string]string{} // place name → region name
	if len(c.Regions) != want.regions {
		bad("%d regions, want %d", len(c.Regions), want.regions)
	}
	var settlements []string
	for _, r := range c.Regions {
		unique("region", r.Name)
		regionOf[r.Name] = r.Name
		if r.Biome == "" {
			bad("region %q: empty biome", r.Name)
		}
		text("region description", r.Description, formSentence)
		if n := len(r.Settlements); n < minSettlements || n > maxSettlements {
			bad("region %q: %d settlements", r.Name, n)
		}
		for _, s := range r.Settlements {
			unique("settlement", s.Name)
			regionOf[s.Name] = r.Name
			settlements = append(settlements, s.Name)
			if s.Kind == "" || s.Population <= 0 {
				bad("settlement %q: kind %q, population %d", s.Name, s.Kind, s.Population)
			}
			text("settlement description", s.Description, formSentence)
		}
	}

	if len(c.Landmarks) != want.landmarks {
		bad("%d landmarks, want %d", len(c.Landmarks), want.landmarks)
	}
	for _, l := range c.Landmarks {
		unique("landmark", l.Name)
		if _, ok := regionOf[l.Region]; !ok || regionOf[l.Region] != l.Region {
			bad("landmark %q: unknown region %q", l.Name, l.Region)
		}
		regionOf[l.Name] = l.Region
		if l.Kind == "" {
			bad("landmark %q: empty kind", l.Name)
		}
		text("landmark description", l.Description, formSentence)
	}

	if len(c.Factions) != want.factions {
		bad("%d factions, want %d", len(c.Factions), want.factions)
	}
	stance := map[[2]string]domain.Stance{}
	factionNames := map[string]bool{}
	for _, f := range c.Factions {
		unique("faction", f.Name)
		factionNames[f.Name] = true
	}
	conflict := false
	for _, f := range c.Factions {
		if f.Kind == "" {
			bad("faction %q: empty kind", f.Name)
		}
		if regionOf[f.HomeRegion] != f.HomeRegion || f.HomeRegion == "" {
			bad("faction %q: unknown home region %q", f.Name, f.HomeRegion)
		}
		text("faction description", f.Description, formSentence)
		text("faction goal", f.Goal, formSentence)
		if len(f.Relations) != len(c.Factions)-1 {
			bad("faction %q: %d relations, want %d", f.Name, len(f.Relations), len(c.Factions)-1)
		}
		seen := map[string]bool{}
		for _, r := range f.Relations {
			if !factionNames[r.Faction] || r.Faction == f.Name || seen[r.Faction] {
				bad("faction %q: bad relation to %q", f.Name, r.Faction)
			}
			seen[r.Faction] = true
			if !slices.Contains(stances, r.Stance) {
				bad("faction %q: unknown stance %q", f.Name, r.Stance)
			}
			stance[[2]string{f.Name, r.Faction}] = r.Stance
			conflict = conflict || isConflict(r.Stance)
		}
	}
	for k, s := range stance {
		if back := stance[[2]string{k[1], k[0]}]; back != s {
			bad("stance %q→%q is %q but %q back", k[0], k[1], s, back)
		}
	}
	if !conflict {
		bad("no rival or hostile pair of factions")
	}

	if len(c.History) != want.history {
		bad("%d history events, want %d", len(c.History), want.history)
	}
	for i, h := range c.History {
		if h.YearsAgo <= 0 || (i > 0 && h.YearsAgo >= c.History[i-1].YearsAgo) {
			bad("history[%d]: YearsAgo %d not positive and decreasing", i, h.YearsAgo)
		}
		text("history title", h.Title, formTitle)
		text("history summary", h.Summary, formSentence)
	}

	if len(c.Tensions) != want.tensions {
		bad("%d tensions, want %d", len(c.Tensions), want.tensions)
	}
	for i, t := range c.Tensions {
		text("tension", t.Summary, formSentence)
		if n := len(t.Factions); n < 1 || n > 2 || (n == 2 && t.Factions[0] == t.Factions[1]) {
			bad("tension[%d]: factions %q", i, t.Factions)
		}
		for _, f := range t.Factions {
			if !factionNames[f] {
				bad("tension[%d]: unknown faction %q", i, f)
			}
			if checkText && !mentions(t.Summary, f) {
				bad("tension[%d]: summary does not name %q: %q", i, f, t.Summary)
			}
		}
		if regionOf[t.Region] != t.Region || t.Region == "" {
			bad("tension[%d]: unknown region %q", i, t.Region)
		}
	}

	if len(c.SceneCards) != want.scenes {
		bad("%d scene cards, want %d", len(c.SceneCards), want.scenes)
	}
	for i, s := range c.SceneCards {
		region, ok := regionOf[s.Location]
		if !ok || region != s.Region {
			bad("scene[%d]: location %q is not in region %q", i, s.Location, s.Region)
		}
		if s.Mood == "" {
			bad("scene[%d]: empty mood", i)
		}
		text("scene title", s.Title, formTitle)
		text("scene description", s.Description, formSentence)
		if len(s.Hooks) != sceneHooks+1 {
			bad("scene[%d]: %d hooks", i, len(s.Hooks))
		}
		for _, h := range s.Hooks {
			text("scene hook", h, formSentence)
		}
	}

	text("brief", c.Brief, formSentence)
	if !strings.Contains(c.Brief, c.Name) {
		bad("brief does not contain the world name %q", c.Name)
	}
	if checkText {
		brief := c.Brief
		if p.Name != "" {
			brief = strings.ReplaceAll(brief, p.Name, "Name")
		}
		if n := len(strings.Fields(brief)); n < 120 || n > 320 {
			bad("brief has %d words", n)
		}
		for _, r := range c.Regions {
			if !mentions(c.Brief, r.Name) {
				bad("brief does not name region %q", r.Name)
			}
		}
		for _, f := range c.Factions {
			if !mentions(c.Brief, f.Name) {
				bad("brief does not name faction %q", f.Name)
			}
		}
	}
	return out
}
