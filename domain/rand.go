package domain

// splitmix is splitmix64: a tiny PRNG whose output is fixed by its seed on every
// platform and release, unlike math/rand's derived functions.
type splitmix struct{ state uint64 }

func newRand(seed uint64) *splitmix { return &splitmix{state: seed} }

func (r *splitmix) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform int in [0, n) by rejection sampling.
func (r *splitmix) intn(n int) int {
	if n <= 1 {
		return 0
	}
	bound := uint64(n)
	limit := ^uint64(0) - ^uint64(0)%bound
	for {
		if v := r.next(); v < limit {
			return int(v % bound)
		}
	}
}

// mix derives an independent value from two, for sub-seeds.
func mix(a, b uint64) uint64 {
	r := splitmix{state: a ^ (b * 0x9e3779b97f4a7c15)}
	return r.next()
}

// shuffled returns a shuffled copy (Fisher–Yates).
func shuffled[T any](r *splitmix, in []T) []T {
	out := append([]T(nil), in...)
	for i := len(out) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// fnv64 is FNV-1a, written out so the domain's seeds never depend on a library's choices.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
