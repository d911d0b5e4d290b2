package domain

import (
	"strings"
	"time"
	"unicode"
)

// How a synthesis's lip-sync timings were made, in SpeechResult.LipSync.
const (
	// LipSyncMeasured: the engine timed every phoneme of its own audio.
	LipSyncMeasured = "measured"
	// LipSyncEstimated: the visemes are read from the words' spelling and spread over
	// their timings, because the engine gave no phonemes (fal's Kokoro) or could not time
	// them this once. Good enough to move a mouth; not frame-exact.
	LipSyncEstimated = "estimated"
	// LipSyncNone: no timings could be made at all; the audio is still good.
	LipSyncNone = "none"
)

// withLipSync makes sure res has visemes: the engine's own when it timed phonemes,
// otherwise estimated from its word timings, and says which in res.LipSync. It never
// fails: lip sync is an extra, and missing timings must not cost the audio.
func withLipSync(res SpeechResult) SpeechResult {
	switch {
	case len(res.Phonemes) > 0:
		if res.LipSync == "" {
			res.LipSync = LipSyncMeasured
		}
	case len(res.Words) > 0:
		res.Phonemes = EstimateVisemes(res.Words)
		res.LipSync = LipSyncEstimated
	default:
		res.LipSync = LipSyncNone
	}
	return res
}

// EstimateVisemes gives each word's span a run of visemes read from its spelling
// (English letter rules: "th" is TH, "ch"/"sh" CH, vowels their mouth shapes, a final
// silent e nothing), vowels held twice as long as consonants, with silence in the gaps
// between words. Phoneme is the letters each viseme was read from.
func EstimateVisemes(words []WordTiming) []PhonemeTiming {
	var out []PhonemeTiming
	var last time.Duration
	for _, w := range words {
		if w.End <= w.Start {
			continue
		}
		if w.Start > last {
			out = append(out, PhonemeTiming{Phoneme: "_", Viseme: "sil", Start: last, End: w.Start})
		}
		out = append(out, spellVisemes(w)...)
		last = w.End
	}
	return out
}

// spellVisemes spreads the visemes of w's spelling over its span.
func spellVisemes(w WordTiming) []PhonemeTiming {
	type shape struct {
		letters, viseme string
		weight          int
	}
	var shapes []shape
	word := strings.ToLower(w.Word)
	rs := []rune(word)
	for i := 0; i < len(rs); {
		if i+1 < len(rs) {
			if v, ok := letterPairs[string(rs[i:i+2])]; ok {
				shapes = append(shapes, shape{string(rs[i : i+2]), v, weightOf(v)})
				i += 2
				continue
			}
		}
		r := rs[i]
		i++
		if r == 'e' && i == len(rs) && len(shapes) > 1 {
			continue // a silent final e: "stone"
		}
		if r == 'h' {
			continue
		}
		if v, ok := letterVisemes[r]; ok {
			shapes = append(shapes, shape{string(r), v, weightOf(v)})
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			shapes = append(shapes, shape{string(r), "E", 1})
		}
	}
	if len(shapes) == 0 {
		return []PhonemeTiming{{Phoneme: w.Word, Viseme: "E", Start: w.Start, End: w.End}}
	}
	total := 0
	for _, s := range shapes {
		total += s.weight
	}
	span := w.End - w.Start
	out := make([]PhonemeTiming, len(shapes))
	at, sum := w.Start, 0
	for i, s := range shapes {
		sum += s.weight
		end := w.Start + span*time.Duration(sum)/time.Duration(total)
		out[i] = PhonemeTiming{Phoneme: s.letters, Viseme: s.viseme, Start: at, End: end}
		at = end
	}
	return out
}

// weightOf holds vowels' shapes twice as long as consonants'.
func weightOf(viseme string) int {
	switch viseme {
	case "aa", "E", "ih", "oh", "ou":
		return 2
	}
	return 1
}

// letterPairs are the two-letter spellings with a mouth shape of their own.
var letterPairs = map[string]string{
	"th": "TH", "ch": "CH", "sh": "CH", "ph": "FF", "ng": "kk", "ck": "kk", "wh": "ou", "qu": "kk",
	"ee": "ih", "ea": "ih", "oo": "ou", "ou": "aa", "ow": "aa", "ai": "E", "ay": "E", "oa": "oh", "oi": "oh", "au": "oh",
}

// letterVisemes are the single letters' mouth shapes; h has none (it is breath through
// the next shape) and is skipped.
var letterVisemes = map[rune]string{
	'a': "aa", 'e': "E", 'i': "ih", 'o': "oh", 'u': "ou", 'y': "ih",
	'b': "PP", 'm': "PP", 'p': "PP", 'f': "FF", 'v': "FF",
	't': "DD", 'd': "DD", 'k': "kk", 'c': "kk", 'g': "kk", 'q': "kk", 'x': "kk",
	'j': "CH", 's': "SS", 'z': "SS", 'n': "nn", 'l': "nn", 'r': "RR", 'w': "ou",
}
