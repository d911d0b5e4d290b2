package dialogue

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The response rules follow Valve's dynamic dialogue (Elan Ruskin, GDC 2012): a query is
// a flat set of facts about the line and the character; a rule lists criteria on those
// facts and names a response group; every rule whose criteria all hold matches, and the
// one with the highest total weight, the most specific, wins. Designers cascade from
// special to general ("a master blacksmith being complimented" beats "anyone being
// complimented"), and the generic rule is always there as the fallback.

// The default vocabularies. Roles, archetypes and skill tiers are Troupe's defaults;
// characters with other values fall back to the common role, the everyman archetype and
// the skilled tier, and unknown moods to calm.
var (
	roles = []string{"blacksmith", "innkeeper", "merchant", "guard", "healer", "scholar", "farmer",
		"hunter", "priest", "thief", "bard", "noble", "mercenary", "engineer"}
	archetypes = []string{"mentor", "trickster", "hero", "outlaw", "explorer", "creator", "ruler",
		"sage", "caregiver", "jester", "innocent", "everyman", "skeptic", "zealot"}
	moods = []string{"calm", "cheerful", "angry", "sad", "fearful", "suspicious", "excited", "tired"}
	tiers = []string{"novice", "skilled", "expert", "master"}
)

// The fallbacks for values outside the vocabularies.
const (
	commonRole       = "common"
	defaultArchetype = "everyman"
	defaultMood      = "calm"
	defaultTier      = "skilled"
)

// key is a fact of the query that criteria test.
type key uint8

const (
	keyIntent     key = iota
	keyRole           // the character's role, or "common"
	keyArchetype      // its archetype
	keyMood           // its mood
	keyTier           // its skill tier
	keySpeaker        // "named" when its facts name the speaker and it has a name to call them by, "known" when it has none, else "stranger"
	keyRemembered     // "yes" when its facts hold a name to bring up
	keyTopic          // what a question is about: none, self, home, place, fact or word
	numKeys
)

var keyNames = [numKeys]string{"intent", "role", "archetype", "mood", "tier", "speaker", "remembered", "topic"}

// Topic kinds, the values of keyTopic.
const (
	topicNone  = "none"
	topicSelf  = "self"  // the character itself ("who are you?")
	topicHome  = "home"  // its home
	topicPlace = "place" // another place of its world, or the world
	topicFact  = "fact"  // a name from its remembered facts
	topicWord  = "word"  // whatever followed "about"
)

// vocabulary returns the values a fact can take.
func vocabulary(k key) []string {
	switch k {
	case keyIntent:
		out := make([]string, len(Intents))
		for i, in := range Intents {
			out[i] = string(in)
		}
		return out
	case keyRole:
		return append(slices.Clone(roles), commonRole)
	case keyArchetype:
		return archetypes
	case keyMood:
		return moods
	case keyTier:
		return tiers
	case keySpeaker:
		return []string{"named", "known", "stranger"}
	case keyRemembered:
		return []string{"yes", "no"}
	default:
		return []string{topicNone, topicSelf, topicHome, topicPlace, topicFact, topicWord}
	}
}

// query is the facts one answer is chosen by.
type query [numKeys]string

// criterion is one test of a rule: key=a|b, key!=a|b or key=* (any value of the default
// vocabulary, which for roles leaves out "common"), weighing weight.
type criterion struct {
	key    key
	vals   []string
	any    bool
	neg    bool
	weight int
}

// parseCriterion parses "key=value", "key!=a|b" or "key=*", each optionally ending in ^N.
func parseCriterion(s string) (criterion, error) {
	c := criterion{weight: 1}
	body := s
	if i := strings.LastIndexByte(body, '^'); i >= 0 {
		w, err := strconv.Atoi(body[i+1:])
		if err != nil || w < 1 || w > 9 {
			return c, fmt.Errorf("criterion %q: weight must be 1 to 9", s)
		}
		c.weight, body = w, body[:i]
	}
	k, v, ok := strings.Cut(body, "=")
	if !ok || v == "" {
		return c, fmt.Errorf("criterion %q: want key=value", s)
	}
	if name, neg := strings.CutSuffix(k, "!"); neg {
		k, c.neg = name, true
	}
	found := false
	for i, n := range keyNames {
		if n == k {
			c.key, found = key(i), true
		}
	}
	if !found {
		return c, fmt.Errorf("criterion %q: unknown key %q (want one of %s)", s, k, strings.Join(keyNames[:], ", "))
	}
	if v == "*" {
		if c.neg {
			return c, fmt.Errorf("criterion %q: * cannot be negated", s)
		}
		c.any = true
		return c, nil
	}
	vocab := vocabulary(c.key)
	for _, x := range strings.Split(v, "|") {
		if !slices.Contains(vocab, x) {
			return c, fmt.Errorf("criterion %q: unknown %s %q", s, k, x)
		}
		c.vals = append(c.vals, x)
	}
	return c, nil
}

// match reports whether the criterion holds for q.
func (c *criterion) match(q *query) bool {
	v := q[c.key]
	if c.any {
		return !(c.key == keyRole && v == commonRole)
	}
	return slices.Contains(c.vals, v) != c.neg
}

// allowed returns the values of its key the criterion lets through.
func (c *criterion) allowed() []string {
	var out []string
	for _, v := range vocabulary(c.key) {
		q := query{}
		q[c.key] = v
		if c.match(&q) {
			out = append(out, v)
		}
	}
	return out
}

// rule is one response rule.
type rule struct {
	id    string
	when  []criterion
	score int
	// say is the response group, a symbol reference that may be relative (@role:trade).
	say tok
}

// matches reports whether every criterion of the rule holds for q.
func (r *rule) matches(q *query) bool {
	for i := range r.when {
		if !r.when[i].match(q) {
			return false
		}
	}
	return true
}

// matchTiers returns the indexes of the rules matching q, grouped by score, highest first;
// each group keeps pack order, and the caller shuffles it with its seeded generator.
func matchTiers(rules []rule, q *query) [][]int {
	var scores []int
	for i := range rules {
		if rules[i].matches(q) && !slices.Contains(scores, rules[i].score) {
			scores = append(scores, rules[i].score)
		}
	}
	slices.Sort(scores)
	slices.Reverse(scores)
	out := make([][]int, len(scores))
	for i := range rules {
		if rules[i].matches(q) {
			k := slices.Index(scores, rules[i].score)
			out[k] = append(out[k], i)
		}
	}
	return out
}
