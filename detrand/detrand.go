// Package detrand is the deterministic randomness every seeded generator in Troupe draws
// from: the world generator, the local dialogue and pixel-art engines, and the domain's
// seeds. Its output is fixed by the seed on every platform and Go release, which
// math/rand's derived functions do not promise: golden files and studios' contract tests
// depend on it. Nothing here may change its output; a new algorithm is a new package.
package detrand

import "encoding/binary"

// golden is the splitmix64 increment, 2^64 divided by the golden ratio.
const golden uint64 = 0x9e3779b97f4a7c15

// Mix is splitmix64's finalizer: it spreads any 64-bit value over all 64 bits.
func Mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Rand is splitmix64: a tiny generator whose sequence is a pure function of its seed.
type Rand struct{ state uint64 }

// New returns a generator seeded with seed.
func New(seed uint64) *Rand { return &Rand{state: seed} }

// Uint64 returns the next value.
func (r *Rand) Uint64() uint64 {
	r.state += golden
	return Mix(r.state)
}

// Intn returns a uniform value in [0, n), by rejection sampling (no modulo bias). It
// panics when n <= 0, like math/rand.
func (r *Rand) Intn(n int) int {
	if n <= 0 {
		panic("detrand: Intn called with n <= 0")
	}
	bound := uint64(n)
	threshold := -bound % bound // 2^64 mod bound
	for {
		if v := r.Uint64(); v >= threshold {
			return int(v % bound)
		}
	}
}

// Perm returns a permutation of [0, n).
func (r *Rand) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	Shuffle(r, p)
	return p
}

// Shuffle shuffles s in place (Fisher–Yates).
func Shuffle[T any](r *Rand, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

// Hasher is 64-bit FNV-1a, written out so its result can never change under us.
type Hasher struct{ sum uint64 }

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// NewHasher returns an empty hasher.
func NewHasher() *Hasher { return &Hasher{sum: fnvOffset} }

// Bytes hashes b as it is.
func (h *Hasher) Bytes(b []byte) {
	for _, c := range b {
		h.sum ^= uint64(c)
		h.sum *= fnvPrime
	}
}

// U64 hashes v as 8 little-endian bytes.
func (h *Hasher) U64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	h.Bytes(b[:])
}

// Str hashes s prefixed by its length, so ("ab", "c") and ("a", "bc") differ.
func (h *Hasher) Str(s string) {
	h.U64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h.sum ^= uint64(s[i])
		h.sum *= fnvPrime
	}
}

// Strs hashes a list prefixed by its length.
func (h *Hasher) Strs(ss []string) {
	h.U64(uint64(len(ss)))
	for _, s := range ss {
		h.Str(s)
	}
}

// Sum returns the hash so far.
func (h *Hasher) Sum() uint64 { return h.sum }
