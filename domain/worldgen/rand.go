package worldgen

import "encoding/binary"

// rng is a splitmix64 generator (Steele, Lea and Flood; Vigna's reference constants). Its
// whole output sequence is fixed by this file, which is what lets worlds stay identical
// across Go releases.
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

// intn returns a uniform int in [0, n). It rejects the few values that would bias the
// modulo, so the result depends on nothing but the generator's state.
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("worldgen: intn called with n <= 0")
	}
	bound := uint64(n)
	threshold := -bound % bound // 2^64 mod bound
	for {
		if v := r.next(); v >= threshold {
			return int(v % bound)
		}
	}
}

// pick returns a uniformly chosen element of a non-empty slice.
func pick[T any](r *rng, s []T) T {
	return s[r.intn(len(s))]
}

// shuffle permutes s in place (Fisher–Yates).
func shuffle[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

// perm returns a random permutation of [0, n).
func perm(r *rng, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	shuffle(r, p)
	return p
}

// hasher is 64-bit FNV-1a, written out so that its result can never change under us.
type hasher struct{ sum uint64 }

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func newHasher() *hasher { return &hasher{sum: fnvOffset} }

func (h *hasher) bytes(b []byte) {
	for _, c := range b {
		h.sum ^= uint64(c)
		h.sum *= fnvPrime
	}
}

func (h *hasher) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	h.bytes(b[:])
}

// str hashes s prefixed by its length, so ("ab", "c") and ("a", "bc") differ.
func (h *hasher) str(s string) {
	h.u64(uint64(len(s)))
	h.bytes([]byte(s))
}

// worldSeed mixes the caller's seed with every parameter, so changing any of them gives a
// different world.
func worldSeed(seed int64, genre, tone, size, name string) uint64 {
	h := newHasher()
	h.str("troupe/worldgen/v1")
	h.u64(uint64(seed))
	h.str(genre)
	h.str(tone)
	h.str(size)
	h.str(name)
	return mix64(h.sum)
}

// derive returns the independent stream named by label and index under parent.
func derive(parent uint64, label string, index int) *rng {
	h := newHasher()
	h.u64(parent)
	h.str(label)
	h.u64(uint64(index))
	return &rng{state: mix64(h.sum)}
}
