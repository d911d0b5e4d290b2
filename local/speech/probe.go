package speech

import (
	"cmp"
	"slices"
)

// probeGapTarget is how long a word gap the probe aims for: far longer than any pause
// inside a word, short enough to keep the probe cheap.
const probeGapTarget = 500.0 // ms

// gapPer50 is espeak-ng 1.51's word gap at -g 50, in ms, measured at a range of speeds
// (words per minute). It is far from linear in the speed (the gap shrinks fastest around
// 350 wpm and grows again at 450), so probeGap interpolates in it.
var gapPer50 = []struct{ wpm, ms float64 }{
	{80, 1593}, {120, 989}, {165, 603}, {200, 430}, {250, 261}, {276, 207},
	{300, 153}, {330, 103}, {360, 64}, {400, 50}, {450, 91},
}

// probeGap is the -g argument (espeak-ng's units) that gives a word gap of about
// probeGapTarget at wpm. Only the size matters, not its precision: the gap actually
// inserted is measured from the audio.
func probeGap(wpm int) int {
	w := float64(wpm)
	g := gapPer50[0].ms
	for i := 1; i < len(gapPer50); i++ {
		a, b := gapPer50[i-1], gapPer50[i]
		if w <= b.wpm {
			g = a.ms + (b.ms-a.ms)*max(0, w-a.wpm)/(b.wpm-a.wpm)
			break
		}
		g = b.ms
	}
	return max(5, int(50*probeGapTarget/g+0.5))
}

// frameMs is the length of the frames silence is judged on.
const frameMs = 5

// quiet says, per 5 ms frame, whether the frame is silent: its peak is at most 1/50 of
// the whole audio's (about −34 dB). espeak-ng's pauses are exact zeros, and a threshold
// this low keeps the faint edges of fricatives in their words.
func quiet(s []int16, rate int) []bool {
	frame := max(1, rate*frameMs/1000)
	peaks := make([]int, 0, len(s)/frame+1)
	top := 0
	for i := 0; i < len(s); i += frame {
		p := 0
		for _, v := range s[i:min(i+frame, len(s))] {
			p = max(p, abs(int(v)))
		}
		peaks = append(peaks, p)
		top = max(top, p)
	}
	thr := max(8, top/50)
	q := make([]bool, len(peaks))
	for i, p := range peaks {
		q[i] = p <= thr
	}
	return q
}

// speechSpan is the audio from the first to the last sound, in samples.
func speechSpan(s []int16, rate int) (span, bool) {
	frame := max(1, rate*frameMs/1000)
	f, ok := soundFrames(quiet(s, rate))
	return span{f.start * frame, min(len(s), f.end*frame)}, ok
}

// span is a stretch of audio, [start, end), in samples or in 5 ms frames as the code
// using it says.
type span struct{ start, end int }

// probeWords splits the probe into m spoken words at its m-1 longest silences, and gives
// each word's sound, in frames. It fails when there are too few silences or one of those
// chosen is shorter than half the average gap (so it is no word gap).
func probeWords(probe []int16, rate, realLen, m int) ([]span, bool) {
	if m == 0 {
		return nil, false
	}
	frame := max(1, rate*frameMs/1000)
	gap := float64(len(probe)-realLen) / float64(m) / float64(frame) // frames
	if gap <= 0 {
		return nil, false
	}
	q := quiet(probe, rate)
	sound, ok := soundFrames(q)
	if !ok {
		return nil, false
	}
	sils := quietRuns(q, sound, 1)
	if len(sils) < m-1 {
		return nil, false
	}
	// The m-1 longest, earlier first among equals, then back in time order.
	slices.SortStableFunc(sils, func(a, b span) int { return cmp.Compare(b.end-b.start, a.end-a.start) })
	sils = sils[:m-1]
	for _, s := range sils {
		if float64(s.end-s.start) < gap/2 {
			return nil, false
		}
	}
	slices.SortFunc(sils, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	words := make([]span, m)
	start := sound.start
	for k := range m {
		end := sound.end
		if k < m-1 {
			end = sils[k].start
			words[k] = span{start, end}
			start = sils[k].end
			continue
		}
		words[k] = span{start, end}
	}
	return words, true
}

// soundFrames is the span from the first to the last frame that is not quiet.
func soundFrames(q []bool) (span, bool) {
	first, last := -1, -1
	for i, silent := range q {
		if !silent {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return span{first, last + 1}, first >= 0
}

// quietRuns lists the runs of at least minLen quiet frames inside within.
func quietRuns(q []bool, within span, minLen int) []span {
	var runs []span
	for i := within.start; i < within.end; {
		if !q[i] {
			i++
			continue
		}
		j := i
		for j < within.end && q[j] {
			j++
		}
		if j-i >= minLen {
			runs = append(runs, span{i, j})
		}
		i = j
	}
	return runs
}

// Anchoring parameters, in 5 ms frames.
const (
	// minNaturalPause is the least silence (beyond the bare gap) a probe word boundary
	// must show to be looked for in the real audio; clausePause is the least that makes
	// it a sure anchor (a clause's pause), looked for first.
	minNaturalPause = 4
	clausePause     = 16
	// A sure anchor may be anchorWindow frames from its predicted place, plus
	// anchorSpread of the distance from the last one: a word said before a pause (as
	// every probe word is) is lengthened by 5–50 %, unevenly, so predictions drift. A
	// short pause (a stop's closure; there are many alike) must be nearer, predicted
	// between the sure anchors around it.
	anchorWindow = 10
	anchorSpread = 0.2
	shortWindow  = 6
	shortSpread  = 0.08
)

// mapToReal lays the probe's words (frames of the probe) onto the real audio, anchored
// on the real audio's pauses (see the method in timing.go), and returns their spans in
// samples of the real audio.
func mapToReal(words []span, real pcm) []span {
	m := len(words)
	frame := max(1, real.rate*frameMs/1000)
	q := quiet(real.samples, real.rate)
	sound, ok := soundFrames(q)
	if !ok {
		return make([]span, m)
	}
	runs := quietRuns(q, sound, 2)

	// natural[k] is the silence after word k beyond the bare gap (the smallest boundary);
	// at[k] is where word k ends in the probe with the gaps taken out ("content" frames).
	natural := make([]int, max(0, m-1))
	bare := -1
	for k := range natural {
		if b := words[k+1].start - words[k].end; bare < 0 || b < bare {
			bare = b
		}
	}
	at := make([]int, m)
	content := 0
	for k, w := range words {
		content += w.end - w.start
		at[k] = content
		if k < m-1 {
			natural[k] = words[k+1].start - w.end - bare
			content += natural[k]
		}
	}
	ratio := float64(sound.end-sound.start) / float64(max(content, 1))

	// An anchor maps the boundary after word k to the real pause run: content at[k]
	// is run.start and at[k]+natural[k] is run.end.
	type anchor struct {
		word int
		run  span
	}
	// match finds the real pause for boundary k: its start within window of pos, its
	// length within tol of the probe's, strictly between lo and hi; the length is the
	// stronger clue (a real pause and its probe boundary are within a frame or two).
	match := func(k, pos, window, tol, lo, hi int) (span, bool) {
		best, bestCost := -1, 0
		for i, r := range runs {
			if r.start <= lo || r.start < pos-window {
				continue
			}
			if r.start > pos+window || r.end >= hi {
				break
			}
			dlen := abs((r.end - r.start) - natural[k])
			if dlen > tol {
				continue
			}
			if cost := abs(r.start-pos) + 4*dlen; best < 0 || cost < bestCost {
				best, bestCost = i, cost
			}
		}
		if best < 0 {
			return span{}, false
		}
		return runs[best], true
	}

	// Pass 1: the clause pauses, in order, each predicted from the one before.
	var sure []anchor
	lastAt, lastReal := 0, sound.start
	for k := range natural {
		if natural[k] < clausePause {
			continue
		}
		since := at[k] - lastAt
		pos := lastReal + int(float64(since)*ratio)
		r, ok := match(k, pos, anchorWindow+int(anchorSpread*float64(since)), max(3, natural[k]/3), lastReal, sound.end)
		if !ok {
			continue
		}
		sure = append(sure, anchor{k, r})
		lastAt, lastReal = at[k]+natural[k], r.end
	}

	// Pass 2: the short pauses, predicted by interpolating between the sure anchors.
	type point struct{ at, real int }
	pts := []point{{0, sound.start}}
	for _, a := range sure {
		pts = append(pts, point{at[a.word], a.run.start}, point{at[a.word] + natural[a.word], a.run.end})
	}
	pts = append(pts, point{content, sound.end})
	var anchors []anchor
	next := 0 // index into sure
	lo := sound.start
	for k := range natural {
		if next < len(sure) && sure[next].word == k {
			anchors = append(anchors, sure[next])
			lo = sure[next].run.end
			next++
			continue
		}
		if natural[k] < minNaturalPause {
			continue
		}
		// The enclosing points: j is the first point after at[k].
		j := 1
		for j < len(pts)-1 && pts[j].at <= at[k] {
			j++
		}
		a, b := pts[j-1], pts[j]
		pos := a.real
		if b.at > a.at {
			pos += (at[k] - a.at) * (b.real - a.real) / (b.at - a.at)
		}
		dist := min(at[k]-a.at, b.at-at[k])
		hi := sound.end
		if next < len(sure) {
			hi = sure[next].run.start
		}
		r, ok := match(k, pos, shortWindow+int(shortSpread*float64(dist)), max(3, natural[k]/2), lo, hi)
		if !ok {
			continue
		}
		anchors = append(anchors, anchor{k, r})
		lo = r.end
	}

	// Between anchors, scale the probe's word and pause lengths to fit.
	out := make([]span, m)
	segStart, first := sound.start, 0
	for i := 0; i <= len(anchors); i++ {
		last, segEnd := m-1, sound.end
		if i < len(anchors) {
			last, segEnd = anchors[i].word, anchors[i].run.start
		}
		var length int
		for k := first; k <= last; k++ {
			length += words[k].end - words[k].start
			if k < last {
				length += natural[k]
			}
		}
		scale := float64(segEnd-segStart) / float64(max(length, 1))
		t := float64(segStart)
		for k := first; k <= last; k++ {
			end := t + float64(words[k].end-words[k].start)*scale
			out[k] = span{clamp(int(t*float64(frame)), 0, len(real.samples)), clamp(int(end*float64(frame)), 0, len(real.samples))}
			t = end
			if k < last {
				t += float64(natural[k]) * scale
			}
		}
		if i < len(anchors) {
			segStart, first = anchors[i].run.end, anchors[i].word+1
		}
	}
	return out
}
