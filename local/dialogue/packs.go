package dialogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// A pack is one JSON file of rules, grammar symbols and, in one file, the reaction tables.
// Packs are merged in file-name order; a symbol or rule id defined twice is an error, so
// a studio's pack can add to the defaults but never silently replace them.
type packFile struct {
	// About documents the file for its writers; the engine ignores it.
	About     string              `json:"about"`
	Rules     []ruleSpec          `json:"rules"`
	Symbols   map[string][]string `json:"symbols"`
	Reactions *reactionSpec       `json:"reactions"`
}

type ruleSpec struct {
	ID   string   `json:"id"`
	When []string `json:"when"`
	Say  string   `json:"say"`
}

type reactionSpec struct {
	Roles      map[string]domainSpec `json:"roles"`
	Archetypes map[string]float64    `json:"archetypes"`
	Moods      map[string]float64    `json:"moods"`
}

type domainSpec struct {
	Intents []string `json:"intents"`
	Words   []string `json:"words"`
}

// packs is every pack merged and validated.
type packs struct {
	g     grammar
	rules []rule
	react reactions
}

// reactions are the reaction tables, read by key only.
type reactions struct {
	domains   map[string]roleDomain
	eagerness map[string]float64
	moodShift map[string]float64
}

// roleDomain is what touches a role's line of work.
type roleDomain struct {
	intents []Intent
	words   []string
}

// talkSymbols are the talk: symbols the conversation layer falls back on.
var talkSymbols = []string{"lore", "lore-own", "lore-heard", "lore-plain", "self-fact", "secret", "secret-fact",
	"home", "knower-bare", "place-bare", "unknown-topic", "unknown-any", "rumor-fact", "directions",
	"directions-home", "directions-town", "directions-unknown", "directions-vague", "not-my-trade", "injury",
	"help", "good-news", "bad-news", "gift", "accusation", "recruit", "flirt", "weather", "smalltalk",
	"nonsense", "injection", "bargain", "yes", "no", "taboo", "world-bare", "self-remark", "intro", "apology", "acknowledge"}

// requirement says a symbol must exist, with at least min lines, in each namespace.
type requirement struct {
	namespaces []string
	name       string
	min        int
}

// requirements is what every default role, archetype and mood must have, so that any
// character the API accepts gets lines in character.
var requirements = func() []requirement {
	withCommon := append(slices.Clone(roles), commonRole)
	var out []requirement
	for _, n := range []string{"greeting", "trade", "quest", "question", "rumor", "farewell", "flavour", "wares"} {
		out = append(out, requirement{withCommon, n, 3})
	}
	out = append(out, requirement{roles, "about", 3}, requirement{roles, "traits", 3}, requirement{roles, "describe", 1})
	for _, n := range []string{"flavour", "quest", "insulted", "praised", "unknown", "traits"} {
		out = append(out, requirement{archetypes, n, 3})
	}
	out = append(out, requirement{archetypes, "thanked", 2}, requirement{archetypes, "describe", 1})
	for _, n := range []string{"opener", "greeting", "farewell", "insulted", "threatened", "thanks", "unknown", "flavour"} {
		out = append(out, requirement{moods, n, 3})
	}
	// The conversation layer's common wording, and each service's wording for the roles
	// that provide it.
	for _, n := range talkSymbols {
		out = append(out, requirement{[]string{"talk"}, n, 1})
	}
	for _, sv := range serviceTable {
		out = append(out, requirement{strings.Fields(sv.providers)[:1], "svc-" + sv.name, 1})
	}
	for _, n := range []string{"address", "trade", "traits"} {
		out = append(out, requirement{moods, n, 2})
	}
	for _, in := range Intents {
		out = append(out, requirement{[]string{"after"}, string(in), 4})
	}
	return out
}()

// dimValues returns every namespace a relative reference may resolve to.
func dimValues(d dim) []string {
	switch d {
	case dimRole:
		return append(slices.Clone(roles), commonRole)
	case dimArchetype:
		return archetypes
	default:
		return moods
	}
}

// dimKey is the query fact that decides a dimension.
var dimKey = [numDims]key{dimRole: keyRole, dimArchetype: keyArchetype, dimMood: keyMood}

// loadPacks reads every *.json file at the root of fsys and validates the result. It
// reports every problem it finds, not just the first, so a pack writer fixes them in one
// pass.
func loadPacks(fsys fs.FS) (*packs, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("dialogue: no *.json packs found")
	}
	p := &packs{g: grammar{}}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	seenRule := map[string]string{}
	var reactFrom string
	var react *reactionSpec

	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f packFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			bad("%s: %v", name, err)
			continue
		}
		// Symbols are read in sorted order so that problems are reported in a stable order.
		symNames := make([]string, 0, len(f.Symbols))
		for s := range f.Symbols {
			symNames = append(symNames, s)
		}
		slices.Sort(symNames)
		for _, s := range symNames {
			lines := f.Symbols[s]
			if !validSymbolName(s) {
				bad("%s: bad symbol name %q (want name or namespace:name in a-z, 0-9, -)", name, s)
				continue
			}
			if p.g[s] != nil {
				bad("%s: symbol %q is defined twice", name, s)
				continue
			}
			if len(lines) == 0 {
				bad("%s: symbol %q has no lines", name, s)
				continue
			}
			sym := &symbol{name: s}
			for _, l := range lines {
				if strings.TrimSpace(l) == "" {
					bad("%s: symbol %q has an empty line", name, s)
					continue
				}
				a, err := parseLine(l)
				if err != nil {
					bad("%s: symbol %q: %v", name, s, err)
					continue
				}
				sym.alts = append(sym.alts, a)
			}
			p.g[s] = sym
		}
		for _, rs := range f.Rules {
			r, err := parseRule(rs)
			if err != nil {
				bad("%s: %v", name, err)
				continue
			}
			if prev, dup := seenRule[r.id]; dup {
				bad("%s: rule %q is already defined in %s", name, r.id, prev)
				continue
			}
			seenRule[r.id] = name
			p.rules = append(p.rules, r)
		}
		if f.Reactions != nil {
			if react != nil {
				bad("%s: reactions are already defined in %s", name, reactFrom)
				continue
			}
			react, reactFrom = f.Reactions, name
		}
	}

	problems = append(problems, p.checkReferences()...)
	problems = append(problems, p.checkCycles()...)
	problems = append(problems, p.checkCoverage()...)
	if react == nil {
		problems = append(problems, "no pack defines the reaction tables")
	} else {
		r, more := buildReactions(react)
		p.react = r
		problems = append(problems, more...)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("dialogue: invalid packs:\n  %s", strings.Join(problems, "\n  "))
	}
	return p, nil
}

// parseRule parses and checks one rule.
func parseRule(rs ruleSpec) (rule, error) {
	r := rule{id: rs.ID}
	if rs.ID == "" {
		return r, fmt.Errorf("a rule has no id")
	}
	intents := 0
	for _, w := range rs.When {
		c, err := parseCriterion(w)
		if err != nil {
			return r, fmt.Errorf("rule %q: %v", rs.ID, err)
		}
		if c.key == keyIntent {
			intents++
		}
		r.when = append(r.when, c)
		r.score += c.weight
	}
	if intents != 1 {
		return r, fmt.Errorf("rule %q: needs exactly one intent criterion", rs.ID)
	}
	t, err := parseRef(rs.Say, false)
	if err != nil || len(t.mods) > 0 {
		return r, fmt.Errorf("rule %q: say %q is not a symbol name", rs.ID, rs.Say)
	}
	r.say = t
	return r, nil
}

// concrete returns the symbols a reference can resolve to: itself, or one per namespace.
func concrete(t *tok, namespaces []string) []string {
	if t.dim == dimNone {
		return []string{t.text}
	}
	out := make([]string, len(namespaces))
	for i, ns := range namespaces {
		out[i] = ns + ":" + t.text
	}
	return out
}

// checkReferences checks that every symbol a line or a rule can reach is defined.
func (p *packs) checkReferences() []string {
	var problems []string
	for _, name := range p.symbolNames() {
		for _, a := range p.g[name].alts {
			for i := range a.toks {
				t := &a.toks[i]
				if t.kind != tokSym {
					continue
				}
				for _, target := range concrete(t, dimValues(t.dim)) {
					if p.g[target] == nil {
						problems = append(problems, fmt.Sprintf("symbol %q: line %q uses undefined symbol %q", name, a.text, target))
					}
				}
			}
		}
	}
	for i := range p.rules {
		r := &p.rules[i]
		// A relative response group only needs the namespaces the rule's own criteria let
		// through: a rule for mood!=calm needs no calm:trade.
		namespaces := dimValues(r.say.dim)
		if r.say.dim != dimNone {
			for j := range r.when {
				if r.when[j].key == dimKey[r.say.dim] {
					namespaces = r.when[j].allowed()
				}
			}
		}
		for _, target := range concrete(&r.say, namespaces) {
			if p.g[target] == nil {
				problems = append(problems, fmt.Sprintf("rule %q says undefined symbol %q", r.id, target))
			}
		}
	}
	return problems
}

// checkCycles rejects recursive grammars: with no recursion every expansion ends, and its
// cost is bounded by the grammar's depth.
func (p *packs) checkCycles() []string {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var problems []string
	var visit func(name string, trail []string)
	visit = func(name string, trail []string) {
		s := p.g[name]
		if s == nil || state[name] == done {
			return
		}
		if state[name] == active {
			problems = append(problems, "recursive symbols: "+strings.Join(append(trail, name), " → "))
			return
		}
		state[name] = active
		for _, a := range s.alts {
			for i := range a.toks {
				if t := &a.toks[i]; t.kind == tokSym {
					for _, target := range concrete(t, dimValues(t.dim)) {
						visit(target, append(trail, name))
					}
				}
			}
		}
		state[name] = done
	}
	for _, name := range p.symbolNames() {
		visit(name, nil)
	}
	return problems
}

// checkCoverage checks the requirements and that every intent has a fallback rule.
func (p *packs) checkCoverage() []string {
	var problems []string
	for _, req := range requirements {
		for _, ns := range req.namespaces {
			name := ns + ":" + req.name
			if s := p.g[name]; s == nil {
				problems = append(problems, fmt.Sprintf("missing symbol %q", name))
			} else if len(s.alts) < req.min {
				problems = append(problems, fmt.Sprintf("symbol %q has %d lines, want at least %d", name, len(s.alts), req.min))
			}
		}
	}
	for _, in := range Intents {
		ok := false
		for i := range p.rules {
			r := &p.rules[i]
			if len(r.when) == 1 && r.when[0].match(&query{keyIntent: string(in)}) {
				ok = true
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("intent %q has no fallback rule (one with only an intent criterion)", in))
		}
	}
	return problems
}

// buildReactions checks the reaction tables and turns them into lookups.
func buildReactions(spec *reactionSpec) (reactions, []string) {
	var problems []string
	r := reactions{domains: map[string]roleDomain{}, eagerness: map[string]float64{}, moodShift: map[string]float64{}}
	for name, d := range spec.Roles {
		if !slices.Contains(roles, name) {
			problems = append(problems, fmt.Sprintf("reactions: unknown role %q", name))
			continue
		}
		var dom roleDomain
		for _, in := range d.Intents {
			if !slices.Contains(Intents, Intent(in)) {
				problems = append(problems, fmt.Sprintf("reactions: role %q: unknown intent %q", name, in))
			}
			dom.intents = append(dom.intents, Intent(in))
		}
		for _, w := range d.Words {
			w = strings.ToLower(strings.TrimSpace(w))
			if w == "" || w == "*" {
				problems = append(problems, fmt.Sprintf("reactions: role %q: empty word", name))
				continue
			}
			dom.words = append(dom.words, w)
		}
		r.domains[name] = dom
	}
	for _, role := range roles {
		if d, ok := r.domains[role]; !ok || len(d.words) == 0 {
			problems = append(problems, fmt.Sprintf("reactions: role %q has no domain words", role))
		}
	}
	for name, v := range spec.Archetypes {
		if !slices.Contains(archetypes, name) {
			problems = append(problems, fmt.Sprintf("reactions: unknown archetype %q", name))
		} else if v < 0 || v > 1 {
			problems = append(problems, fmt.Sprintf("reactions: archetype %q: eagerness %v is outside 0..1", name, v))
		}
		r.eagerness[name] = v
	}
	for _, a := range archetypes {
		if _, ok := spec.Archetypes[a]; !ok {
			problems = append(problems, fmt.Sprintf("reactions: archetype %q has no eagerness", a))
		}
	}
	for name, v := range spec.Moods {
		if !slices.Contains(moods, name) {
			problems = append(problems, fmt.Sprintf("reactions: unknown mood %q", name))
		} else if v < -0.5 || v > 0.5 {
			problems = append(problems, fmt.Sprintf("reactions: mood %q: shift %v is outside -0.5..0.5", name, v))
		}
		r.moodShift[name] = v
	}
	for _, m := range moods {
		if _, ok := spec.Moods[m]; !ok {
			problems = append(problems, fmt.Sprintf("reactions: mood %q has no shift", m))
		}
	}
	slices.Sort(problems) // the specs are maps: sort so the report is stable
	return r, problems
}

// symbolNames returns every symbol name, sorted.
func (p *packs) symbolNames() []string {
	out := make([]string, 0, len(p.g))
	for name := range p.g {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
