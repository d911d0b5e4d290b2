package speech

import (
	"slices"
	"sort"
)

// Twin anchoring parameters, in 5 ms frames.
const (
	// twinMinPause is the shortest pause of the twin whose end is looked for in the
	// real audio. An echo fills the start of the real pause but not its end: the next
	// sound starts at the same moment in both.
	twinMinPause = 8
	// twinWindow is how far from its predicted place the real onset may be, plus
	// twinSpread of the distance since the last anchor.
	twinWindow = 6
	twinSpread = 0.03
)

// mapTwin returns a function that moves a span of the twin onto the real audio. With no
// twin (the same audio) it is the identity. Otherwise the onsets after the twin's pauses
// are matched to the real audio's onsets, and spans are mapped piecewise-linearly between
// them, so the twin's small drift (espeak-ng times speech in pitch periods, which differ
// between variants: ~1 %, 100 ms over ten seconds) is corrected at every pause.
func mapTwin(twin, real pcm) func(span) span {
	if len(twin.samples) == len(real.samples) && (len(twin.samples) == 0 || &twin.samples[0] == &real.samples[0]) {
		return func(s span) span { return s }
	}
	frame := max(1, real.rate*frameMs/1000)
	qt, qr := quiet(twin.samples, twin.rate), quiet(real.samples, real.rate)
	st, okT := soundFrames(qt)
	sr, okR := soundFrames(qr)
	type point struct{ twin, real float64 } // in samples
	points := []point{{0, 0}}
	if okT && okR {
		points = append(points, point{float64(st.start * frame), float64(sr.start * frame)})
		var onsets []int
		for _, r := range quietRuns(qr, sr, 2) {
			onsets = append(onsets, r.end)
		}
		ratio := float64(len(real.samples)) / float64(max(1, len(twin.samples)))
		lastT, lastR := st.start, sr.start
		for _, r := range quietRuns(qt, st, twinMinPause) {
			t := r.end
			pred := lastR + int(float64(t-lastT)*ratio)
			window := twinWindow + int(twinSpread*float64(t-lastT))
			i, _ := slices.BinarySearch(onsets, pred-window)
			best := -1
			for ; i < len(onsets) && onsets[i] <= pred+window; i++ {
				if onsets[i] > lastR && (best < 0 || abs(onsets[i]-pred) < abs(best-pred)) {
					best = onsets[i]
				}
			}
			if best < 0 {
				continue
			}
			points = append(points, point{float64(t * frame), float64(best * frame)})
			lastT, lastR = t, best
		}
	}
	points = append(points, point{float64(len(twin.samples)), float64(len(real.samples))})
	at := func(x int) int {
		i := sort.Search(len(points), func(i int) bool { return points[i].twin > float64(x) })
		i = max(1, min(len(points)-1, i))
		a, b := points[i-1], points[i]
		if b.twin <= a.twin {
			return clamp(int(b.real), 0, len(real.samples))
		}
		return clamp(int(a.real+(float64(x)-a.twin)*(b.real-a.real)/(b.twin-a.twin)), 0, len(real.samples))
	}
	return func(s span) span { return span{at(s.start), at(s.end)} }
}
