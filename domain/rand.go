package domain

import "github.com/troupe-ai/troupe/detrand"

// newRand returns the shared deterministic generator seeded with seed.
func newRand(seed uint64) *detrand.Rand { return detrand.New(seed) }

// mix derives an independent value from two, for sub-seeds.
func mix(a, b uint64) uint64 { return detrand.New(a ^ b*0x9e3779b97f4a7c15).Uint64() }

// shuffled returns a shuffled copy.
func shuffled[T any](r *detrand.Rand, in []T) []T {
	out := append([]T(nil), in...)
	detrand.Shuffle(r, out)
	return out
}

// fnv64 is FNV-1a of s, so the domain's seeds never depend on a library's choices.
func fnv64(s string) uint64 {
	h := detrand.NewHasher()
	h.Bytes([]byte(s))
	return h.Sum()
}
