package falclient

import (
	"math/bits"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// estimateWords spreads the words of text over [start, end] in proportion to their
// length: a word weighs its letters and digits, the gap after it one unit for the space
// plus two per comma-like and four per stop-like punctuation mark (where speakers
// pause), one per other character. Tokens with no letters or digits only lengthen the
// gap before them. Timings are monotonic and within [start, end]; an empty span gives
// none.
func estimateWords(text string, start, end time.Duration) []domain.WordTiming {
	if end <= start {
		return nil
	}
	type token struct {
		word       string
		weight     int64
		gap        int64 // after it
		startUnits int64
	}
	var toks []token
	for _, f := range strings.Fields(text) {
		word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		var pause int64
		for _, r := range f {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
			case strings.ContainsRune(".!?…", r):
				pause += 4
			case strings.ContainsRune(",;:—–", r):
				pause += 2
			default:
				pause++
			}
		}
		if word == "" {
			if len(toks) > 0 {
				toks[len(toks)-1].gap += pause
			}
			continue
		}
		toks = append(toks, token{word: word, weight: int64(utf8.RuneCountInString(word)), gap: 1 + pause})
	}
	if len(toks) == 0 {
		return nil
	}
	var total int64
	for i := range toks {
		toks[i].startUnits = total
		total += toks[i].weight
		if i < len(toks)-1 {
			total += toks[i].gap
		}
	}
	// Exact integer arithmetic keeps the timings monotonic; the 128-bit product cannot
	// overflow however long the audio or the text, and the quotient is at most span.
	span := uint64(end - start)
	at := func(units int64) time.Duration {
		hi, lo := bits.Mul64(span, uint64(units))
		q, _ := bits.Div64(hi, lo, uint64(total))
		return start + time.Duration(q)
	}
	words := make([]domain.WordTiming, len(toks))
	for i, t := range toks {
		words[i] = domain.WordTiming{Word: t.word, Start: at(t.startUnits), End: at(t.startUnits + t.weight)}
	}
	return words
}
