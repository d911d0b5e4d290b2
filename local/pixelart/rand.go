package pixelart

import (
	"github.com/troupe-ai/troupe/detrand"
	"github.com/troupe-ai/troupe/domain"
)

// rng is the shared splitmix64 generator of package detrand, with the few draws the
// renderer needs on top: the same request draws the same pixels on every machine.
type rng struct{ *detrand.Rand }

func (r *rng) between(lo, hi int) int { return lo + r.Intn(hi-lo+1) }

// chance reports true with probability pct/100.
func (r *rng) chance(pct int) bool { return r.Intn(100) < pct }

// pick returns an index into a list of n weights, chosen in proportion to the weights.
func (r *rng) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	v := r.Intn(total)
	for i, w := range weights {
		if v < w {
			return i
		}
		v -= w
	}
	return len(weights) - 1
}

// hasher is 64-bit FNV-1a, written out so its result can never change under us.
// requestSeed hashes what a request's picture is drawn from: its kind, seed, prompt and
// world tone. Style, Width and Height are left out on purpose: they change how the picture
// is rendered and framed, not what it shows, so the same character can be asked for at
// 256 and 1024 pixels, or as pixel art and as a painterly approximation, and stay itself.
// CustomStylePrompt, NegativePrompt, GuidanceScale, Steps and Model are left out because
// the local renderer has nothing they could steer.
func requestSeed(req domain.ImageRequest) uint64 {
	h := detrand.NewHasher()
	h.Str("troupe/pixelart/v1")
	h.Str(string(req.Kind))
	h.U64(uint64(req.Seed))
	h.Str(req.Prompt)
	h.Str(req.WorldTone)
	return detrand.Mix(h.Sum())
}

// derive returns the independent stream named by label under seed, so each part of a
// picture (the skin, the hair, the clouds) draws from its own stream and changing how one
// part draws leaves the others alone.
func derive(seed uint64, label string) *rng {
	h := detrand.NewHasher()
	h.U64(seed)
	h.Str(label)
	return &rng{detrand.New(detrand.Mix(h.Sum()))}
}

// hash2 is a stateless hash of a seed and a grid position, for per-pixel choices (stars,
// brick tints, grass) that must not depend on drawing order.
func hash2(seed uint64, x, y int) uint64 {
	return detrand.Mix(seed ^ detrand.Mix(uint64(int64(x))*0x9e3779b97f4a7c15^uint64(int64(y))*0xc2b2ae3d27d4eb4f))
}
