package speech

import (
	"testing"
)

// tone is n samples of a loud square wave: "speech" to the silence detector.
func tone(n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = 12000
		if i%20 < 10 {
			s[i] = -12000
		}
	}
	return s
}

func TestProbeGap(t *testing.T) {
	for wpm := minWPM; wpm <= maxWPM; wpm += 5 {
		g := probeGap(wpm)
		// The gap this gives, by the same table: about probeGapTarget.
		var per50 float64
		for i := 1; i < len(gapPer50); i++ {
			a, b := gapPer50[i-1], gapPer50[i]
			if float64(wpm) <= b.wpm {
				per50 = a.ms + (b.ms-a.ms)*max(0, float64(wpm)-a.wpm)/(b.wpm-a.wpm)
				break
			}
		}
		if got := per50 * float64(g) / 50; g < 5 || got < 0.9*probeGapTarget || got > 1.1*probeGapTarget {
			t.Errorf("probeGap(%d) = %d: a gap of %.0f ms", wpm, g, got)
		}
	}
}

// TestProbeMapping builds a probe and a real audio by hand: three words, a pause of
// 200 ms before the third, and a 500 ms gap after every word in the probe.
func TestProbeMapping(t *testing.T) {
	const rate = 22050
	sec := func(s float64) int { return int(s * rate) }
	join := func(parts ...[]int16) []int16 {
		var out []int16
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	silence := func(s float64) []int16 { return make([]int16, sec(s)) }
	a, b, c := tone(sec(0.2)), tone(sec(0.3)), tone(sec(0.25))
	real := pcm{rate, join(a, b, silence(0.2), c, silence(0.3))}
	probe := pcm{rate, join(a, silence(0.5), b, silence(0.7), c, silence(0.8))}
	words, ok := probeWords(probe.samples, rate, len(real.samples), 3)
	if !ok {
		t.Fatal("probe not split")
	}
	spans := mapToReal(words, real)
	want := []span{{0, sec(0.2)}, {sec(0.2), sec(0.5)}, {sec(0.7), sec(0.95)}}
	tol := sec(0.011)
	for i := range want {
		if abs(spans[i].start-want[i].start) > tol || abs(spans[i].end-want[i].end) > tol {
			t.Errorf("word %d at %v, want %v (±%d samples)", i, spans[i], want[i], tol)
		}
	}
	if _, ok := probeWords(probe.samples, rate, len(real.samples), 5); ok {
		t.Error("five words should not split out of three")
	}
	if _, ok := speechSpan(make([]int16, 1000), rate); ok {
		t.Error("silence has no speech span")
	}
}
