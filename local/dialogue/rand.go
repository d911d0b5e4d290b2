package dialogue

import (
	"encoding/binary"

	"github.com/troupe-ai/troupe/domain"
)

// rng is a splitmix64 generator (Steele, Lea and Flood; Vigna's constants). Its whole
// output sequence is fixed by this file, so answers cannot change under a Go upgrade the
// way math/rand's derived functions may.
type rng struct{ state uint64 }

// golden is 2^64 divided by the golden ratio, splitmix64's increment.
const golden uint64 = 0x9e3779b97f4a7c15

// mix64 is splitmix64's output function, a strong 64-bit finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.state += golden
	return mix64(r.state)
}

// intn returns a uniform int in [0, n), rejecting the few values that would bias the
// modulo. n must be positive.
func (r *rng) intn(n int) int {
	bound := uint64(n)
	threshold := -bound % bound // 2^64 mod bound
	for {
		if v := r.next(); v >= threshold {
			return int(v % bound)
		}
	}
}

// perm returns a random permutation of [0, n) (Fisher–Yates).
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// hasher is 64-bit FNV-1a, written out so its result can never change under us.
type hasher struct{ sum uint64 }

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func newHasher() *hasher { return &hasher{sum: fnvOffset} }

func (h *hasher) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	for _, c := range b {
		h.sum ^= uint64(c)
		h.sum *= fnvPrime
	}
}

// str hashes s prefixed by its length, so ("ab", "c") and ("a", "bc") differ.
func (h *hasher) str(s string) {
	h.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h.sum ^= uint64(s[i])
		h.sum *= fnvPrime
	}
}

// strs hashes a list prefixed by its length.
func (h *hasher) strs(ss []string) {
	h.u64(uint64(len(ss)))
	for _, s := range ss {
		h.str(s)
	}
}

// requestSeed hashes everything in a request that may shape the answer, so the same
// request always gets the same answer and any change to it gets a fresh draw. System and
// Messages are left out on purpose: they are prompt prose this engine does not read, and
// leaving them out keeps its answers independent of prompt-template edits.
func requestSeed(task domain.TextTask, sc *domain.Scene) uint64 {
	h := newHasher()
	h.str("troupe/dialogue/v1")
	h.str(string(task))
	h.u64(uint64(sc.Seed))
	c := &sc.Character
	for _, s := range []string{c.Name, c.Role, c.Archetype, c.SkillTier, c.Mood, c.Personality,
		c.Lore, c.RoleDescription, c.ArchetypeDescription, c.Home, c.WorldName, c.WorldBrief} {
		h.str(s)
	}
	h.strs(c.Places)
	h.strs(c.TabooWords)
	h.str(sc.Speaker)
	h.str(sc.Line)
	// Only the history's length counts: the answer is to Line, and the length is what
	// tells one turn of a conversation from the next.
	h.u64(uint64(len(sc.History)))
	h.str(sc.Summary)
	h.strs(sc.Facts)
	h.strs(sc.Said)
	h.str(sc.GameContext)
	h.str(sc.Length)
	h.u64(uint64(len(sc.Entries)))
	for _, e := range sc.Entries {
		h.str(string(e.Kind))
		h.str(e.Speaker)
		h.str(e.Text)
	}
	h.str(sc.Draft)
	return mix64(h.sum)
}

// derive returns the independent stream named by label under seed, so each part of an
// answer (the rule, the main line, each flavour sentence) draws from its own stream and
// changing how one part draws leaves the others alone.
func derive(seed uint64, label string) *rng {
	h := newHasher()
	h.u64(seed)
	h.str(label)
	return &rng{state: mix64(h.sum)}
}
