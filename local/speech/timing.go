package speech

import (
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// How word and phoneme timings are measured
//
// The espeak-ng 1.51 CLI prints no timings: -x gives phonemes without durations, and
// --pho (durations) prints nothing unless an MBROLA voice is loaded, and MBROLA is not in
// Debian main. The C library has timing events, but this package spawns the CLI to stay
// free of cgo (and of linking GPL code into the server). So timings are measured from
// a second synthesis, the probe:
//
//  1. The probe is the same text, voice, speed and pitch with a word gap (-g, sized by
//     probeGap to about half a second of silence after every word espeak-ng speaks), and
//     with -x --phonout, which prints the phonemes of each of those words. The gap is
//     inserted after prosody is computed, so each word keeps its pitch and phonemes.
//  2. In the probe, the M-1 longest runs of silence separate the M spoken words: a gap
//     is at least ~0.5 s, and a pause inside a word (a stop's closure) is under ~0.15 s
//     even at half speed (probeWords).
//  3. The probe's words are laid onto the real audio (mapToReal). The real audio is not
//     simply the probe without its gaps: espeak-ng lengthens every word said before a
//     pause (each probe word is 5–50 % longer) and merges the gap into a clause's own
//     pause. What does carry over exactly is the length of the natural silence at a
//     word boundary (a clause's pause, a stop's closure): the probe's boundary minus the
//     bare gap matches the real pause to a frame or two (measured). So those boundaries
//     are anchored on the real pause of matching length nearest their predicted place,
//     clause pauses first and short ones between them, and between anchors the probe's
//     word and pause lengths are scaled to fit.
//  4. Voices with an echo are timed on a twin (voice.timingVoice, mapTwin): the echo
//     fills the pauses step 3 relies on.
//  5. Each spoken word's span is shared among its phonemes in proportion to typical
//     phoneme lengths (weight).
//  6. The words espeak-ng speaks are not the words of the text: "1999" is three spoken
//     words and "for a" one (f3r-@). Each word of the text is also said alone (one more
//     espeak-ng run, -q -x: phonemes only), and that phoneme sequence is aligned to the
//     probe's by edit distance (alignWords); a text word spans the phonemes aligned to it.
//
// Measured against the real audio (TestWordTimingsMatchPauses), words start 12 ms on
// average from where the sound resumes after a pause, 82 ms at worst. The probe, the twin
// and the lone words cost three more espeak-ng runs, made in parallel with the real one.
//
// If a step cannot be done (the probe's silences do not split into M words, the lone
// words do not come back one per line, the alignment would be too big) the timing
// degrades to sharing time out in proportion to phoneme weights or letters, so every word
// of the text always gets a monotonic span inside the audio.

// timedPhoneme is a phoneme placed in the real audio.
type timedPhoneme struct {
	phoneme
	start, end int
	word       int // index of the spoken word it belongs to
}

// timings are the results: per word of the text and per phoneme.
type timings struct {
	words    []domain.WordTiming
	phonemes []domain.PhonemeTiming
}

// measure computes the timings of the real audio. twin is the audio the probe was made
// alongside: the real audio itself, or, for a voice with an echo, the same text said
// without the echo (see voice.timingVoice). spoken are the probe's words, text the words
// of the text and lone each text word's lone phonemes (nil when unavailable).
func measure(real, twin, probe pcm, spoken []phWord, text []string, lone [][]phWord) timings {
	if len(text) == 0 {
		return timings{}
	}
	toReal := mapTwin(twin, real)
	speech, ok := speechSpan(twin.samples, twin.rate)
	if !ok || len(spoken) == 0 {
		return timings{words: proportionalWords(real, text, toReal(speech))}
	}
	spans, ok := probeWords(probe.samples, probe.rate, len(twin.samples), len(spoken))
	if ok {
		spans = mapToReal(spans, twin)
	} else {
		spans = shareSpan(speech, spoken)
	}
	for i := range spans {
		spans[i] = toReal(spans[i])
	}
	phs := placePhonemes(spoken, spans)
	owner, ok := alignWords(text, lone, phs)
	if !ok {
		owner = proportionalOwners(text, phs)
	}
	return timings{words: wordTimings(real, text, phs, owner), phonemes: phonemeTimings(real, phs)}
}

// shareSpan shares whole among the spoken words in proportion to their phoneme weights:
// the fallback when the probe cannot be split.
func shareSpan(whole span, spoken []phWord) []span {
	weights := make([]float64, len(spoken))
	for i, w := range spoken {
		for _, p := range w {
			weights[i] += weight(p)
		}
	}
	return share(whole, weights)
}

// share cuts whole into consecutive spans proportional to weights.
func share(whole span, weights []float64) []span {
	var total float64
	for _, w := range weights {
		total += w
	}
	out := make([]span, len(weights))
	var acc float64
	for i, w := range weights {
		a := whole.start + int(float64(whole.end-whole.start)*acc/max(total, 1e-9))
		acc += w
		b := whole.start + int(float64(whole.end-whole.start)*acc/max(total, 1e-9))
		out[i] = span{a, b}
	}
	return out
}

// placePhonemes shares each spoken word's span among its phonemes by weight.
func placePhonemes(spoken []phWord, spans []span) []timedPhoneme {
	var out []timedPhoneme
	for k, w := range spoken {
		weights := make([]float64, len(w))
		for i, p := range w {
			weights[i] = weight(p)
		}
		for i, s := range share(spans[k], weights) {
			out = append(out, timedPhoneme{phoneme: w[i], start: s.start, end: s.end, word: k})
		}
	}
	return out
}

// minPause is the shortest silence between spoken words reported as a "_" phoneme (the
// mouth at rest); shorter ones are stop closures and are left inside the neighbours.
const minPause = 60 * time.Millisecond

// phonemeTimings lists the phonemes with their visemes, and the pauses between words.
func phonemeTimings(real pcm, phs []timedPhoneme) []domain.PhonemeTiming {
	out := make([]domain.PhonemeTiming, 0, len(phs))
	for i, p := range phs {
		if i > 0 && real.at(p.start)-real.at(phs[i-1].end) >= minPause {
			out = append(out, domain.PhonemeTiming{Phoneme: "_", Viseme: VisemeSil, Start: real.at(phs[i-1].end), End: real.at(p.start)})
		}
		out = append(out, domain.PhonemeTiming{Phoneme: p.name, Viseme: visemeOf(p.name), Start: real.at(p.start), End: real.at(p.end)})
	}
	// An "h" takes the shape of what follows it (see visemeOf).
	for i := len(out) - 2; i >= 0; i-- {
		if out[i].Phoneme == "h" {
			out[i].Viseme = out[i+1].Viseme
		}
	}
	return out
}

// wordTimings gives each text word the span of the phonemes it owns. A word that owns
// none (espeak-ng swallowed it, as the "a" of "for a") gets an empty span where it
// would be.
func wordTimings(real pcm, text []string, phs []timedPhoneme, owner []int) []domain.WordTiming {
	type se struct{ start, end, n int }
	spans := make([]se, len(text))
	for i, p := range phs {
		o := owner[i]
		if spans[o].n == 0 {
			spans[o].start = p.start
		}
		spans[o].end = p.end
		spans[o].n++
	}
	out := make([]domain.WordTiming, len(text))
	prevEnd := 0
	if len(phs) > 0 {
		prevEnd = phs[0].start
	}
	for i, w := range text {
		s := spans[i]
		if s.n == 0 {
			s.start, s.end = prevEnd, prevEnd
		}
		s.start = max(s.start, prevEnd)
		s.end = max(s.end, s.start)
		out[i] = domain.WordTiming{Word: w, Start: real.at(s.start), End: real.at(s.end)}
		prevEnd = s.end
	}
	return out
}

// proportionalWords shares the speech among the text's words by letter count: the last
// resort when espeak-ng gave no phonemes.
func proportionalWords(real pcm, text []string, speech span) []domain.WordTiming {
	if speech.end <= speech.start {
		speech = span{0, len(real.samples)}
	}
	weights := make([]float64, len(text))
	for i, w := range text {
		weights[i] = float64(len([]rune(w)))
	}
	out := make([]domain.WordTiming, len(text))
	for i, s := range share(speech, weights) {
		out[i] = domain.WordTiming{Word: text[i], Start: real.at(s.start), End: real.at(s.end)}
	}
	return out
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
