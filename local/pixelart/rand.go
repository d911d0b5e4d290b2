package pixelart

import (
	"encoding/binary"

	"github.com/troupe-ai/troupe/domain"
)

// rng is a splitmix64 generator (Steele, Lea and Flood; Vigna's constants). Its whole
// output sequence is fixed by this file, so images cannot change under a Go upgrade the
// way math/rand's derived functions may.
type rng struct{ state uint64 }

// golden is 2^64 divided by the golden ratio, splitmix64's increment.
const golden uint64 = 0x9e3779b97f4a7c15

// mix64 is splitmix64's output function, a strong 64-bit finaliser; it doubles as the
// hash behind every per-pixel random choice (hash2, hash3).
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

// between returns a uniform int in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability pct/100.
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

// pick returns an index into a list of n weights, chosen in proportion to the weights.
func (r *rng) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	v := r.intn(total)
	for i, w := range weights {
		if v < w {
			return i
		}
		v -= w
	}
	return len(weights) - 1
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

// requestSeed hashes what a request's picture is drawn from: its kind, seed, prompt and
// world tone. Style, Width and Height are left out on purpose: they change how the picture
// is rendered and framed, not what it shows, so the same character can be asked for at
// 256 and 1024 pixels, or as pixel art and as a painterly approximation, and stay itself.
// CustomStylePrompt, NegativePrompt, GuidanceScale, Steps and Model are left out because
// the local renderer has nothing they could steer.
func requestSeed(req domain.ImageRequest) uint64 {
	h := newHasher()
	h.str("troupe/pixelart/v1")
	h.str(string(req.Kind))
	h.u64(uint64(req.Seed))
	h.str(req.Prompt)
	h.str(req.WorldTone)
	return mix64(h.sum)
}

// derive returns the independent stream named by label under seed, so each part of a
// picture (the skin, the hair, the clouds) draws from its own stream and changing how one
// part draws leaves the others alone.
func derive(seed uint64, label string) *rng {
	h := newHasher()
	h.u64(seed)
	h.str(label)
	return &rng{state: mix64(h.sum)}
}

// hash2 is a stateless hash of a seed and a grid position, for per-pixel choices (stars,
// brick tints, grass) that must not depend on drawing order.
func hash2(seed uint64, x, y int) uint64 {
	return mix64(seed ^ mix64(uint64(int64(x))*0x9e3779b97f4a7c15^uint64(int64(y))*0xc2b2ae3d27d4eb4f))
}
