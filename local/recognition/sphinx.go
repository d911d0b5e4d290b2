package recognition

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Where Debian's pocketsphinx-en-us puts the model. pocketsphinx_batch has these paths
// compiled in; they are checked only to report a missing package clearly.
const (
	modelDir   = "/usr/share/pocketsphinx/model/en-us"
	acoustic   = modelDir + "/en-us"
	languageLM = modelDir + "/en-us.lm.bin"
	dictionary = modelDir + "/cmudict-en-us.dict"
)

// decoderProgram is the decoder spawned. pocketsphinx_continuous decodes one file and
// exits; pocketsphinx_batch reads the files to decode from its control file one line at
// a time, so with the control file on a pipe it stays up between requests with its
// model loaded. It also normalises each file's cepstra over the whole file (batch CMN)
// where pocketsphinx_continuous estimates the mean as it goes, which is most of why it is
// more accurate on short utterances (see the package documentation).
const decoderProgram = "pocketsphinx_batch"

// frameRate is the decoder's frames per second (-frate).
const frameRate = 100

// sentinel is the empty file decoded after every request: its record (an empty
// hypothesis) marks the end of the request's output, which has one line per word with
// -ctm and so no fixed length.
const sentinel = "end"

// batchArgs are the arguments for a decoder reading 16 kHz 16-bit raw files named on
// its standard input (relative to dir, without the .raw extension), writing each file's
// -hypseg line (words, frames and acoustic scores) and, with the language model, its -ctm
// lines (each word's posterior probability) to standard output.
//
// -remove_silence no keeps every frame: with voice-activity detection the silences are
// dropped before decoding and every later time shifts (measured: a word 3.18 s into the
// file was reported at 1.13 s). Word error rates are the same either way (TestWER).
//
// With a grammar, the beams are wider than the defaults: on synthetic speech the default
// beams lost the only path through a phrase and gave no hypothesis (3 of 112 game phrases
// without rejection, 10 with the defaults).
func batchArgs(dir string, g *grammarFiles) []string {
	args := []string{
		"-ctl", "/dev/stdin", "-cepdir", dir, "-cepext", ".raw", "-adcin", "yes",
		"-samprate", strconv.Itoa(rate), "-remove_silence", "no", "-hypseg", "/dev/stdout",
	}
	if g == nil {
		return append(args, "-ctm", "/dev/stdout")
	}
	return append(args, "-fsg", g.fsg, "-dict", g.dict, "-beam", "1e-80", "-pbeam", "1e-80", "-wbeam", "1e-60")
}

// grammarFiles are where a decoder's grammar and dictionary are written.
type grammarFiles struct{ fsg, dict string }

// token is one entry of a -hypseg line: a word, filler, null transition or garbage
// phone, its frames and its acoustic score.
type token struct {
	word       string
	start, end int // frames, end inclusive
	ascr       int
}

// record is what the decoder wrote for one file.
type record struct {
	tokens []token
	// posteriors are the -ctm words (fillers left out) and their posterior probabilities,
	// in order; only with the language model.
	posteriors []posterior
}

// parseHypseg reads "uttid S 0 T total A ascr L lscr", then "sf ascr lscr word" per token
// and the last frame + 1: "001 S 0 T -4660 A -3986 L -674 0 -1345 0 open 31 -137 0 the 40".
func parseHypseg(f []string) ([]token, bool) {
	if len(f) < 10 || f[1] != "S" || (len(f)-9)%4 != 1 {
		return nil, false
	}
	rest := f[9:]
	var ts []token
	for len(rest) >= 5 {
		sf, e1 := strconv.Atoi(rest[0])
		ascr, e2 := strconv.Atoi(rest[1])
		next, e3 := strconv.Atoi(rest[4])
		if e1 != nil || e2 != nil || e3 != nil || next < sf {
			return nil, false
		}
		ts = append(ts, token{word: rest[3], start: sf, end: next - 1, ascr: ascr})
		rest = rest[4:]
	}
	return ts, true
}

// parseCTM reads a -ctm line, "uttid 1 start duration word posterior", and returns the
// word and its posterior.
func parseCTM(f []string) (string, float64, bool) {
	if len(f) != 6 || f[1] != "1" {
		return "", 0, false
	}
	p, err := strconv.ParseFloat(f[5], 64)
	if err != nil || math.IsNaN(p) {
		return "", 0, false
	}
	// Posteriors are probabilities but print a hair over 1 ("1.000100").
	return f[4], max(0, min(1, p)), true
}

// filler says whether a decoder token is silence or noise rather than a word: <s>, </s>,
// <sil>, the noise words in brackets ([NOISE], [SPEECH]), and the grammar's null
// transitions, "(NULL)".
func filler(word string) bool {
	return strings.HasPrefix(word, "<") || strings.HasPrefix(word, "[") || strings.HasPrefix(word, "++") || word == "(NULL)"
}

// baseWord strips the alternative-pronunciation marker: "was(2)" is "was".
func baseWord(word string) string {
	if i := strings.IndexByte(word, '('); i > 0 && strings.HasSuffix(word, ")") {
		return word[:i]
	}
	return word
}

// frameTime is when a frame starts, less the padding put before the audio, clamped to
// the audio.
func frameTime(frame int, pad, length time.Duration) time.Duration {
	t := time.Duration(frame)*time.Second/frameRate - pad
	return max(0, min(length, t))
}

// segmentPause is the shortest silence between words that starts a new segment.
const segmentPause = 500 * time.Millisecond

// segmentsOf cuts words into segments at pauses of segmentPause or more.
func segmentsOf(words []domain.WordTiming) []domain.TranscriptSegment {
	var segs []domain.TranscriptSegment
	first := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || words[i].Start-words[i-1].End >= segmentPause {
			segs = append(segs, segmentOf(words[first:i]))
			first = i
		}
	}
	return segs
}

// segmentOf is a segment of words: their span, text and mean confidence.
func segmentOf(ws []domain.WordTiming) domain.TranscriptSegment {
	texts := make([]string, len(ws))
	var conf float64
	for i, w := range ws {
		texts[i] = w.Word
		conf += w.Confidence
	}
	return domain.TranscriptSegment{
		Start: ws[0].Start, End: ws[len(ws)-1].End, Text: strings.Join(texts, " "), Confidence: conf / float64(len(ws)),
	}
}
