package worldgen

import "github.com/troupe-ai/troupe/detrand"

// rng is the shared splitmix64 generator; its sequence is fixed by package detrand, which
// is what lets worlds stay identical across Go releases.
type rng = detrand.Rand

// pick returns a uniformly chosen element of a non-empty slice.
func pick[T any](r *rng, s []T) T {
	return s[r.Intn(len(s))]
}

// perm returns a permutation of [0, n).
func perm(r *rng, n int) []int { return r.Perm(n) }

// worldSeed mixes the caller's seed with every parameter, so changing any of them gives a
// different world.
func worldSeed(seed int64, genre, tone, size, name string) uint64 {
	h := detrand.NewHasher()
	h.Str("troupe/worldgen/v1")
	h.U64(uint64(seed))
	h.Str(genre)
	h.Str(tone)
	h.Str(size)
	h.Str(name)
	return detrand.Mix(h.Sum())
}

// derive returns the independent stream named by label and index under parent.
func derive(parent uint64, label string, index int) *rng {
	h := detrand.NewHasher()
	h.U64(parent)
	h.Str(label)
	h.U64(uint64(index))
	return detrand.New(detrand.Mix(h.Sum()))
}
