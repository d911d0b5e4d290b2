package dialogue

import (
	"github.com/troupe-ai/troupe/detrand"
	"github.com/troupe-ai/troupe/domain"
)

// rng is the shared splitmix64 generator of package detrand: the same request draws the
// same numbers on every machine and release.
type rng = detrand.Rand

// requestSeed hashes everything in a request that may shape the answer, so the same
// request always gets the same answer and any change to it gets a fresh draw. System and
// Messages are left out on purpose: they are prompt prose this engine does not read, and
// leaving them out keeps its answers independent of prompt-template edits.
func requestSeed(task domain.TextTask, sc *domain.Scene) uint64 {
	h := detrand.NewHasher()
	h.Str("troupe/dialogue/v1")
	h.Str(string(task))
	h.U64(uint64(sc.Seed))
	c := &sc.Character
	for _, s := range []string{c.Name, c.Role, c.Archetype, c.SkillTier, c.Mood, c.Personality,
		c.Lore, c.RoleDescription, c.ArchetypeDescription, c.Home, c.WorldName, c.WorldBrief} {
		h.Str(s)
	}
	h.Strs(c.Places)
	h.Strs(c.TabooWords)
	h.Str(sc.Speaker)
	h.Str(sc.Line)
	// Only the history's length counts: the answer is to Line, and the length is what
	// tells one turn of a conversation from the next.
	h.U64(uint64(len(sc.History)))
	h.Str(sc.Summary)
	h.Strs(sc.Facts)
	h.Strs(sc.Said)
	h.Str(sc.GameContext)
	h.Str(sc.Length)
	h.U64(uint64(len(sc.Entries)))
	for _, e := range sc.Entries {
		h.Str(string(e.Kind))
		h.Str(e.Speaker)
		h.Str(e.Text)
	}
	h.Str(sc.Draft)
	return detrand.Mix(h.Sum())
}

// derive returns the independent stream named by label under seed, so each part of an
// answer (the rule, the main line, each flavour sentence) draws from its own stream and
// changing how one part draws leaves the others alone.
func derive(seed uint64, label string) *rng {
	h := detrand.NewHasher()
	h.U64(seed)
	h.Str(label)
	return detrand.New(detrand.Mix(h.Sum()))
}
