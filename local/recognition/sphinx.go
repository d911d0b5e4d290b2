package recognition

import (
	"bufio"
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Where Debian's pocketsphinx-en-us puts the model. pocketsphinx_continuous has these
// paths compiled in; they are checked only to report a missing package clearly.
const (
	modelDir   = "/usr/share/pocketsphinx/model/en-us"
	acoustic   = modelDir + "/en-us"
	languageLM = modelDir + "/en-us.lm.bin"
	dictionary = modelDir + "/cmudict-en-us.dict"
)

// sphinxArgs are the pocketsphinx_continuous (5prealpha, Debian 12) arguments for a
// 16 kHz mono WAV file. -time yes prints each word with its start, end (seconds) and
// posterior probability after each utterance's hypothesis line.
//
// Open vocabulary keeps the default voice-activity detection (-remove_silence yes): the
// audio is cut into utterances at silences and times stay absolute. With a grammar,
// -remove_silence no makes the whole file one utterance: cut into pieces, each piece
// must match the grammar alone, and a phrase split by a pause is lost (measured: "open
// the gate" after 1.5 s of silence gave no hypothesis at all).
func sphinxArgs(wavPath, logPath, grammarPath string) []string {
	args := []string{"-infile", wavPath, "-time", "yes", "-logfn", logPath}
	if grammarPath != "" {
		args = append(args, "-jsgf", grammarPath, "-remove_silence", "no")
	}
	return args
}

// utterance is one hypothesis of pocketsphinx_continuous and its timed words, fillers
// included.
type utterance struct {
	words []domain.WordTiming
}

// parseSphinx reads pocketsphinx_continuous -time yes output: for each utterance a
// hypothesis line (possibly empty), then one "word start end posterior" line per word.
func parseSphinx(out []byte) []utterance {
	var utts []utterance
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if w, ok := wordLine(f); ok {
			if len(utts) == 0 {
				utts = append(utts, utterance{})
			}
			u := &utts[len(utts)-1]
			u.words = append(u.words, w)
			continue
		}
		utts = append(utts, utterance{}) // a hypothesis line starts an utterance
	}
	return utts
}

// wordLine parses "word start end posterior".
func wordLine(f []string) (domain.WordTiming, bool) {
	if len(f) != 4 {
		return domain.WordTiming{}, false
	}
	var v [3]float64
	for i := range v {
		x, err := strconv.ParseFloat(f[i+1], 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return domain.WordTiming{}, false
		}
		v[i] = x
	}
	return domain.WordTiming{
		Word: f[0], Start: seconds(v[0]), End: seconds(v[1]),
		// Posteriors are probabilities but print a hair over 1 ("1.000100").
		Confidence: max(0, min(1, v[2])),
	}, true
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

// filler says whether a decoder token is silence or noise rather than a word: <s>, </s>,
// <sil>, and the noise words in brackets ([NOISE], [SPEECH]).
func filler(word string) bool {
	return strings.HasPrefix(word, "<") || strings.HasPrefix(word, "[") || strings.HasPrefix(word, "++")
}

// baseWord strips the alternative-pronunciation marker: "was(2)" is "was".
func baseWord(word string) string {
	if i := strings.IndexByte(word, '('); i > 0 && strings.HasSuffix(word, ")") {
		return word[:i]
	}
	return word
}

// segmentPause is the shortest silence between words that starts a new segment.
const segmentPause = 500 * time.Millisecond

// transcriptOf turns utterances into words and segments: fillers dropped, alternatives
// stripped, a segment per utterance, split further at pauses of segmentPause or more.
func transcriptOf(utts []utterance) ([]domain.WordTiming, []domain.TranscriptSegment) {
	var words []domain.WordTiming
	var segs []domain.TranscriptSegment
	for _, u := range utts {
		var cur []domain.WordTiming
		flush := func() {
			if len(cur) == 0 {
				return
			}
			segs = append(segs, segmentOf(cur))
			cur = nil
		}
		for _, w := range u.words {
			if filler(w.Word) {
				continue
			}
			w.Word = baseWord(w.Word)
			if len(cur) > 0 && w.Start-cur[len(cur)-1].End >= segmentPause {
				flush()
			}
			cur = append(cur, w)
			words = append(words, w)
		}
		flush()
	}
	return words, segs
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
