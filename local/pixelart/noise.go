package pixelart

import (
	"math/bits"

	"github.com/troupe-ai/troupe/detrand"
)

// Noise, dithering and the little integer maths the renderers share. Everything here is
// integer arithmetic on purpose: see the package documentation on determinism.

// one is 1.0 in the 16.16 fixed-point format the noise functions use.
const one = 1 << 16

// lattice returns the value-noise lattice value at integer point i: a hash of the seed and
// i, in [0, one).
func lattice(seed uint64, i int) int {
	return int(detrand.Mix(seed^uint64(int64(i))*0xd6e8feb86659fd93) >> 48)
}

// smooth is the smoothstep curve 3t²−2t³ on a 16.16 t in [0, one].
func smooth(t int) int {
	t64 := int64(t)
	return int(t64 * t64 / one * (3*one - 2*t64) / one)
}

// valueNoise is 1-D value noise at the 16.16 position x: the hashed lattice values either
// side, interpolated along a smoothstep. It returns [0, one).
func valueNoise(seed uint64, x int) int {
	i := x >> 16 // floor, also for negative x
	f := smooth(x & (one - 1))
	a, b := lattice(seed, i), lattice(seed, i+1)
	return a + (b-a)*f/one
}

// fbm is fractal value noise: octaves of valueNoise, each at twice the frequency and half
// the amplitude of the last. It returns [0, one).
func fbm(seed uint64, x, octaves int) int {
	sum, amp, norm := 0, 256, 0
	for o := range octaves {
		sum += valueNoise(seed+uint64(o)*0x632be59bd9b4e019, x) * amp
		norm += amp
		x *= 2
		amp /= 2
	}
	return sum / norm
}

// bayer4 is the 4×4 ordered-dither matrix, thresholds 0..15.
var bayer4 = [4][4]int{
	{0, 8, 2, 10},
	{12, 4, 14, 6},
	{3, 11, 1, 9},
	{15, 7, 13, 5},
}

// bayer8 is the 8×8 ordered-dither matrix, thresholds 0..63, for finer gradients.
var bayer8 = [8][8]int{
	{0, 32, 8, 40, 2, 34, 10, 42},
	{48, 16, 56, 24, 50, 18, 58, 26},
	{12, 44, 4, 36, 14, 46, 6, 38},
	{60, 28, 52, 20, 62, 30, 54, 22},
	{3, 35, 11, 43, 1, 33, 9, 41},
	{51, 19, 59, 27, 49, 17, 57, 25},
	{15, 47, 7, 39, 13, 45, 5, 37},
	{63, 31, 55, 23, 61, 29, 53, 21},
}

// dither4 returns the 4×4 Bayer threshold at (x, y) scaled to [0, 256).
func dither4(x, y int) int { return bayer4[y&3][x&3]*16 + 8 }

// dither8 returns the 8×8 Bayer threshold at (x, y) scaled to [0, 256).
func dither8(x, y int) int { return bayer8[y&7][x&7]*4 + 2 }

// sine32 is round(64·sin(2πi/32)): a sine wave as a table, so ripples need no math.Sin.
var sine32 = [32]int{0, 12, 24, 36, 45, 53, 59, 63, 64, 63, 59, 53, 45, 36, 24, 12,
	0, -12, -24, -36, -45, -53, -59, -63, -64, -63, -59, -53, -45, -36, -24, -12}

// sine returns 64·sin(2π·phase/32) for any integer phase.
func sine(phase int) int { return sine32[phase&31] }

// isqrt returns ⌊√n⌋ for n ≥ 0: Newton's method from the power of two just above √n,
// which falls to ⌊√n⌋ in a few steps (from n itself it takes a step per bit).
func isqrt(n int) int {
	if n <= 0 {
		return 0
	}
	x := 1 << ((bits.Len(uint(n)) + 1) / 2)
	for {
		y := (x + n/x) / 2
		if y >= x {
			return x
		}
		x = y
	}
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi int) int {
	return min(max(v, lo), hi)
}

// abs returns |v|.
func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
