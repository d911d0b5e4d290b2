package recognition

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var werFlag = flag.Bool("wer", false, "TestWER: measure the word error rate over pocketsphinx-testdata (about a minute)")

// normalizeWords prepares a transcript for scoring: lower case, the decoder's fillers and
// alternative markers dropped, "mr" spelt out as the references spell it.
func normalizeWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(baseWord(w), ".,!?;:\"")
		switch {
		case w == "" || filler(w):
		case w == "mr":
			out = append(out, "mister")
		default:
			out = append(out, w)
		}
	}
	return out
}

// wordErrors is the word-level edit distance between a reference and a hypothesis.
func wordErrors(ref, hyp []string) int {
	prev, cur := make([]int, len(hyp)+1), make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(hyp)]
}

// wer is the word error rate of hyp against ref.
func wer(ref, hyp string) float64 {
	r := normalizeWords(ref)
	return float64(wordErrors(r, normalizeWords(hyp))) / float64(max(1, len(r)))
}

func TestWordErrors(t *testing.T) {
	for _, tc := range []struct {
		ref, hyp string
		want     float64
	}{
		{"go forward ten meters", "go forward ten meters", 0},
		{"go forward ten meters", "go forward two meters", 0.25},
		{"go forward ten meters", "go ten meters", 0.25},
		{"go forward", "<s> go(2) forward [NOISE] </s>", 0},
		{"and mister john", "and Mr. John", 0},
		{"a b", "", 1},
	} {
		if got := wer(tc.ref, tc.hyp); got != tc.want {
			t.Errorf("wer(%q, %q) = %v, want %v", tc.ref, tc.hyp, got, tc.want)
		}
	}
}

// utteranceRef is one recording and what was said.
type utteranceRef struct {
	name  string
	audio []byte
	ref   string
}

// transcriptionLine is "<s> words </s> (id)" in pocketsphinx-testdata's references.
var transcriptionLine = regexp.MustCompile(`^\s*(?:<s>)?\s*(.*?)\s*(?:</s>)?\s*\(([^)]+)\)\s*$`)

// loadSet reads a pocketsphinx-testdata set: its WAV files and their references.
func loadSet(tb testing.TB, dir, transcription, wavName string) []utteranceRef {
	tb.Helper()
	f, err := os.Open(filepath.Join(testdata, dir, transcription))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var set []utteranceRef
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := transcriptionLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		audio, err := os.ReadFile(filepath.Join(testdata, dir, fmt.Sprintf(wavName, m[2])))
		if err != nil {
			tb.Fatal(err)
		}
		set = append(set, utteranceRef{m[2], audio, m[1]})
	}
	if len(set) == 0 {
		tb.Fatalf("no utterances in %s/%s", dir, transcription)
	}
	return set
}

// synthesizedSet is game dialogue spoken by the local TTS: espeak-ng's speech is far
// from what the acoustic model was trained on, so open vocabulary does badly on it.
func synthesizedSet(tb testing.TB) []utteranceRef {
	lines := []string{
		"bring me ten wolf pelts and i will pay you in gold",
		"the bridge is out so go round by the mill",
		"hello traveler welcome to the village",
		"the king wants to see you at once",
		"do not go into the forest at night",
		"i will sell you this sword for fifty coins",
	}
	var set []utteranceRef
	for i, l := range lines {
		set = append(set, utteranceRef{fmt.Sprint("tts", i), speak(tb, l, "local-en-us-m1", ""), l})
	}
	return set
}

// werResult sums a run over a set.
type werResult struct {
	errors, words int
	audio, wall   time.Duration
}

func (r werResult) rate() float64 { return float64(r.errors) / float64(max(1, r.words)) }
func (r werResult) rtf() float64  { return r.audio.Seconds() / r.wall.Seconds() }

// measureWER transcribes every utterance, open vocabulary or (phrases) with a grammar of
// the set's own references, and counts word errors.
func measureWER(tb testing.TB, r *Recognizer, set []utteranceRef, phrases bool) werResult {
	tb.Helper()
	var refs []string
	if phrases {
		for _, u := range set {
			refs = append(refs, u.ref)
		}
	}
	var res werResult
	for _, u := range set {
		start := time.Now()
		tr, err := r.Transcribe(tb.Context(), domain.TranscribeRequest{Audio: u.audio, Phrases: refs})
		if err != nil {
			tb.Fatalf("%s: %v", u.name, err)
		}
		res.wall += time.Since(start)
		res.audio += tr.Duration
		ref := normalizeWords(u.ref)
		e := wordErrors(ref, normalizeWords(tr.Text))
		res.errors += e
		res.words += len(ref)
		if testing.Verbose() && e > 0 {
			tb.Logf("  %s: %q heard as %q", u.name, u.ref, tr.Text)
		}
	}
	return res
}

// werSets are the sets the WER is measured on.
func werSets(tb testing.TB) map[string][]utteranceRef {
	return map[string][]utteranceRef{
		"librivox": loadSet(tb, "librivox", "transcription", "%s.wav"),
		"cards":    loadSet(tb, "cards", "cards.transcription", "%s.wav"),
		"espeak":   synthesizedSet(tb),
	}
}

// TestWER prints the word error rate and real-time factor on real recorded speech (the
// LibriVox and playing-card sets of pocketsphinx-testdata) and on the local TTS's speech,
// open vocabulary and with a grammar of each set's sentences:
//
//	go test -run TestWER -v ./local/recognition -wer
//
// The bounds are loose regression guards; the figures are the point.
func TestWER(t *testing.T) {
	if !*werFlag {
		t.Skip("slow: run with -wer")
	}
	requireEngine(t)
	requireTestdata(t)
	requireTools(t, "espeak-ng")
	r := newRecognizer(t)
	bounds := map[string][2]float64{ // open, phrases; measured 26.8, 4.8, 73.6 % and 0
		"librivox": {0.30, 0.05},
		"cards":    {0.10, 0.05},
		"espeak":   {0.80, 0.05},
	}
	sets := werSets(t)
	for _, name := range []string{"librivox", "cards", "espeak"} {
		set := sets[name]
		for i, phrases := range []bool{false, true} {
			res := measureWER(t, r, set, phrases)
			mode := map[bool]string{false: "open vocabulary", true: "phrases"}[phrases]
			t.Logf("%-8s %-15s WER %5.1f %% (%d errors / %d words), RTF %.1f× (%.1f s of audio in %.1f s)",
				name, mode, 100*res.rate(), res.errors, res.words, res.rtf(), res.audio.Seconds(), res.wall.Seconds())
			if res.rate() > bounds[name][i] {
				t.Errorf("%s, %s: WER %.1f %% is above %.0f %%", name, mode, 100*res.rate(), 100*bounds[name][i])
			}
		}
	}
}

// BenchmarkWER reports the same figures as metrics:
//
//	go test -run='^$' -bench=WER -benchtime=1x ./local/recognition
func BenchmarkWER(b *testing.B) {
	requireEngine(b)
	requireTestdata(b)
	requireTools(b, "espeak-ng")
	r := newRecognizer(b)
	sets := werSets(b)
	for _, name := range []string{"librivox", "cards", "espeak"} {
		for _, phrases := range []bool{false, true} {
			mode := map[bool]string{false: "open", true: "phrases"}[phrases]
			b.Run(name+"/"+mode, func(b *testing.B) {
				var res werResult
				for b.Loop() {
					res = measureWER(b, r, sets[name], phrases)
				}
				b.ReportMetric(100*res.rate(), "wer-%")
				b.ReportMetric(res.rtf(), "rtf")
			})
		}
	}
}

// BenchmarkTranscribe reports the real-time factor (seconds of audio per second of wall
// time) of one call, open vocabulary on a 3 s LibriVox recording and with a grammar on a
// synthesised phrase, once the decoder is warm, and (-cold) with a new recognizer per
// call, which starts its decoder and loads the model first:
//
//	go test -run='^$' -bench=Transcribe -benchtime=5x ./local/recognition
func BenchmarkTranscribe(b *testing.B) {
	requireEngine(b)
	requireTestdata(b)
	open, err := os.ReadFile(filepath.Join(testdata, "librivox", "sense_and_sensibility_01_austen_64kb-0880.wav"))
	if err != nil {
		b.Fatal(err)
	}
	phrase := speak(b, "give me the sword", "local-en-us-m1", "")
	for _, tc := range []struct {
		name    string
		audio   []byte
		phrases []string
		cold    bool
	}{
		{"open", open, nil, false},
		{"phrases", phrase, gamePhrases, false},
		{"open-cold", open, nil, true},
		{"phrases-cold", phrase, gamePhrases, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := newRecognizer(b)
			transcribe := func(r *Recognizer) time.Duration {
				tr, err := r.Transcribe(b.Context(), domain.TranscribeRequest{Audio: tc.audio, Phrases: tc.phrases})
				if err != nil {
					b.Fatal(err)
				}
				return tr.Duration
			}
			if !tc.cold {
				transcribe(r) // starts the decoder
			}
			var audio time.Duration
			for b.Loop() {
				if tc.cold {
					r := New()
					audio += transcribe(r)
					_ = r.Close()
				} else {
					audio += transcribe(r)
				}
			}
			b.ReportMetric(audio.Seconds()/b.Elapsed().Seconds(), "rtf")
		})
	}
}
