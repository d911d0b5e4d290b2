package recognition

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/command"
)

var rejectFlag = flag.Bool("reject", false, "TestRejection, TestRejectionCandidates: measure false accepts and rejects in phrase mode (minutes)")

// unrelatedLines are game dialogue that is none of gamePhrases.
var unrelatedLines = []string{
	"bring me ten wolf pelts and i will pay you in gold", "the bridge is out so go round by the mill",
	"hello traveler welcome to the village", "the king wants to see you at once",
	"do not go into the forest at night", "i will sell you this sword for fifty coins",
	"the weather has been cold all week", "my brother went to the city to find work",
	"have you heard the news from the north", "we should leave before the sun goes down",
	"the soup is hot and the bread is fresh", "i lost my keys somewhere near the well",
	"yes", "no thanks", "maybe later", "how much does it cost",
}

// nearLines are close to one of gamePhrases: a word or two differ.
var nearLines = []string{
	"open the door", "attack the goblin", "give me the shield", "where is the tavern",
	"i need a healing spell", "follow the road", "run to the river", "what is your quest",
}

// localVoices are all the local TTS's voices.
var localVoices = []string{
	"local-en-us-m1", "local-en-us-m3", "local-en-us-m7", "local-en-gb-m2",
	"local-en-us-f1", "local-en-us-f3", "local-en-gb-f2", "local-en-us-f5",
	"local-en-gb-scotland-m4", "local-en-gb-rp-f4", "local-en-029-m6", "local-en-us-nyc-m8",
	"local-en-us-whisper", "local-en-us-grandpa",
}

// rawRecording reads one of pocketsphinx-testdata's 16 kHz raw recordings as WAV.
func rawRecording(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(testdata, name+".raw"))
	if err != nil {
		tb.Fatal(err)
	}
	return makeWAV(wavPCM, 0, 1, 16000, 16, raw)
}

// TestRejectsUnrelatedSpeech: speech that is none of the phrases, real or synthesised,
// gives no text, no words and no segments, and no error. The cases are among those
// measured as rejected under every garbage cost tried (TestRejectionCandidates).
func TestRejectsUnrelatedSpeech(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	requireTools(t, "espeak-ng")
	r := newRecognizer(t)
	cases := map[string][]byte{
		"goforward.raw": rawRecording(t, "goforward"),
		"something.raw": rawRecording(t, "something"),
	}
	for _, u := range loadSet(t, "cards", "cards.transcription", "%s.wav") {
		cases["cards "+u.name] = u.audio
	}
	for _, l := range []string{"the weather has been cold all week", "have you heard the news from the north", "i lost my keys somewhere near the well", "how much does it cost"} {
		for _, v := range []string{"local-en-us-m1", "local-en-us-f3"} {
			cases[v+" "+l] = speak(t, l, v, "")
		}
	}
	for name, audio := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: gamePhrases})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Text != "" || len(tr.Words) != 0 || len(tr.Segments) != 0 || tr.Duration <= 0 {
				t.Errorf("heard %q: %+v", tr.Text, tr)
			}
		})
	}
}

// TestRecordingsInGrammar: real recordings come back exactly as the phrase they are,
// with a grammar of phrases of the same kind (the other playing cards), and among the
// game phrases.
func TestRecordingsInGrammar(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	r := newRecognizer(t)
	cards := loadSet(t, "cards", "cards.transcription", "%s.wav")
	var refs []string
	for _, u := range cards {
		refs = append(refs, u.ref)
	}
	type tc struct {
		audio   []byte
		said    string
		phrases []string
	}
	cases := map[string]tc{"goforward.raw": {rawRecording(t, "goforward"), "go forward ten meters", append([]string{"go forward ten meters"}, gamePhrases...)}}
	for _, u := range cards {
		cases["cards "+u.name] = tc{u.audio, u.ref, refs}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: c.audio, Phrases: c.phrases})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Text != c.said || len(tr.Segments) != 1 || len(tr.Words) != len(normalizePhrase(c.said)) {
				t.Errorf("heard %q, want %q: %+v", tr.Text, c.said, tr)
			}
		})
	}
}

// TestPhraseConfidence: words heard with a grammar have confidences within 0–1, a
// segment's is its words' mean, and on real recordings the words of the right phrase
// score higher than words forced onto unrelated speech by a grammar without rejection.
// (On the TTS's speech the two overlap: it fits the acoustic model badly even when
// right, so it is not asserted.)
func TestPhraseConfidence(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	r := newRecognizer(t)
	forcing := newRecognizer(t)
	forcing.garbage = 0
	cards := loadSet(t, "cards", "cards.transcription", "%s.wav")
	var refs []string
	for _, u := range cards {
		refs = append(refs, u.ref)
	}
	mean := func(r *Recognizer, audio []byte, phrases []string) (float64, bool) {
		t.Helper()
		tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: phrases})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Words) == 0 {
			return 0, false
		}
		var sum float64
		for _, w := range tr.Words {
			if !(w.Confidence >= 0 && w.Confidence <= 1) {
				t.Errorf("%q: confidence %v", w.Word, w.Confidence)
			}
			sum += w.Confidence
		}
		m := sum / float64(len(tr.Words))
		if len(tr.Segments) != 1 || math.Abs(tr.Segments[0].Confidence-m) > 1e-12 {
			t.Errorf("segments %+v, words' mean confidence %v", tr.Segments, m)
		}
		return m, true
	}
	lowestRight := 1.0
	for _, u := range cards {
		m, ok := mean(r, u.audio, refs)
		if !ok {
			t.Fatalf("%s: rejected", u.name)
		}
		lowestRight = min(lowestRight, m)
	}
	highestForced := 0.0
	unrelated := [][]byte{rawRecording(t, "something"), rawRecording(t, "goforward")}
	for _, u := range cards {
		unrelated = append(unrelated, u.audio)
	}
	forced := 0
	for _, audio := range unrelated {
		if m, ok := mean(forcing, audio, gamePhrases); ok {
			forced++
			highestForced = max(highestForced, m)
		}
	}
	t.Logf("lowest mean confidence of a right phrase %.3f, highest of a forced one %.3f (%d forced)", lowestRight, highestForced, forced)
	if forced == 0 {
		t.Fatal("no phrase was forced onto unrelated speech")
	}
	if highestForced >= lowestRight {
		t.Errorf("a forced phrase scored %.3f, a right one %.3f", highestForced, lowestRight)
	}
}

// rejectionItem is one utterance of the rejection measurement.
type rejectionItem struct {
	// kind is in-* for speech of one of the phrases (to be accepted), out-* for speech of
	// none (to be rejected), near-* for speech a word or two off a phrase (to be
	// rejected, hardest), loo-* for a real recording with the others of its set as the
	// phrases (leave one out).
	kind, name, said string
	phrases          []string
	audio            []byte
}

// rejectionCorpus is the game phrases spoken by every local voice, unrelated and near
// lines by every other voice, and the real recordings: LibriVox and cards, with their
// own set as the grammar, leave-one-out and with the game phrases, and goforward,
// something and numbers.
func rejectionCorpus(tb testing.TB) []rejectionItem {
	var items []rejectionItem
	for i, v := range localVoices {
		for _, p := range gamePhrases {
			items = append(items, rejectionItem{"in-tts", v, p, gamePhrases, speak(tb, p, v, "")})
		}
		if i%2 == 1 {
			continue
		}
		for _, l := range unrelatedLines {
			items = append(items, rejectionItem{"out-tts", v, l, gamePhrases, speak(tb, l, v, "")})
		}
		for _, l := range nearLines {
			items = append(items, rejectionItem{"near-tts", v, l, gamePhrases, speak(tb, l, v, "")})
		}
	}
	for _, set := range [][]utteranceRef{loadSet(tb, "librivox", "transcription", "%s.wav"), loadSet(tb, "cards", "cards.transcription", "%s.wav")} {
		var refs []string
		for _, u := range set {
			refs = append(refs, u.ref)
		}
		for i, u := range set {
			items = append(items,
				rejectionItem{"in-real", u.name, u.ref, refs, u.audio},
				rejectionItem{"out-real", u.name, u.ref, gamePhrases, u.audio},
				rejectionItem{"loo-real", u.name, u.ref, slices.Delete(slices.Clone(refs), i, i+1), u.audio})
		}
	}
	items = append(items, rejectionItem{"in-real", "goforward", "go forward ten meters", append([]string{"go forward ten meters"}, gamePhrases...), rawRecording(tb, "goforward")})
	for _, name := range []string{"goforward", "something", "numbers"} {
		items = append(items, rejectionItem{"out-real", name, name, gamePhrases, rawRecording(tb, name)})
	}
	return items
}

// rejectionTally counts, per kind, the utterances and the mistakes: for in-* the
// rejected and the wrongly heard, for the others the accepted.
type rejectionTally map[string]*[3]int // kind → {utterances, rejected or accepted, wrong}

func (t rejectionTally) add(it rejectionItem, heard string) {
	c := t[it.kind]
	if c == nil {
		c = &[3]int{}
		t[it.kind] = c
	}
	c[0]++
	switch {
	case !strings.HasPrefix(it.kind, "in-"):
		if heard != "" {
			c[1]++
		}
	case heard == "":
		c[1]++
	case strings.Join(normalizePhrase(heard), " ") != strings.Join(normalizePhrase(it.said), " "):
		c[2]++
	}
}

// rate is the share of kind's utterances mistaken (rejected or accepted, and wrong).
func (t rejectionTally) rate(kind string) float64 {
	c := t[kind]
	if c == nil {
		return 0
	}
	return float64(c[1]+c[2]) / float64(c[0])
}

func (t rejectionTally) String() string {
	var parts []string
	for _, k := range []string{"in-tts", "in-real", "out-tts", "out-real", "near-tts", "loo-real"} {
		c := t[k]
		if c == nil {
			continue
		}
		if strings.HasPrefix(k, "in-") {
			parts = append(parts, fmt.Sprintf("%s FR %d/%d (+%d wrong)", k, c[1], c[0], c[2]))
		} else {
			parts = append(parts, fmt.Sprintf("%s FA %d/%d", k, c[1], c[0]))
		}
	}
	return strings.Join(parts, ", ")
}

// TestRejection measures the rejection as shipped, through Transcribe: false rejects
// (FR) of speech that is one of the phrases and false accepts (FA) of speech that is not:
//
//	go test -run 'TestRejection$' -v ./local/recognition -reject
//
// The bounds are loose regression guards around the measured figures (package
// documentation).
func TestRejection(t *testing.T) {
	if !*rejectFlag {
		t.Skip("slow: run with -reject")
	}
	requireEngine(t)
	requireTestdata(t)
	requireTools(t, "espeak-ng")
	r := newRecognizer(t)
	tally := rejectionTally{}
	for _, it := range rejectionCorpus(t) {
		tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: it.audio, Phrases: it.phrases})
		if err != nil {
			t.Fatal(err)
		}
		tally.add(it, tr.Text)
		if testing.Verbose() && (tr.Text == "") == strings.HasPrefix(it.kind, "in-") {
			t.Logf("  %s %s: %q heard as %q", it.kind, it.name, it.said, tr.Text)
		}
	}
	t.Log(tally)
	for kind, bound := range map[string]float64{"in-tts": 0.25, "in-real": 0.1, "out-tts": 0.05, "out-real": 0.1, "near-tts": 0.3, "loo-real": 0.4} {
		if got := tally.rate(kind); got > bound {
			t.Errorf("%s: %.0f %% mistaken, above %.0f %%", kind, 100*got, 100*bound)
		}
	}
}

// garbageWords are common English words, the alternative garbage loop tried.
var garbageWords = strings.Fields("the of and to a in is it you that he was for on are with as i his they be at one have this from or had by word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form great think say help low line turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand large even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father")

// candidate is a way of rejecting tried by TestRejectionCandidates.
type candidate struct {
	name string
	// spec is the decoder configuration for a grammar (nil for keyword spotting).
	spec func(grammar, lexicon) *decoderSpec
	// minScore, if not 0, also rejects a phrase whose words' mean acoustic score per
	// frame is below it.
	minScore float64
	// kws, if not 0, spots the phrases as keyphrases with a threshold of kws per phone.
	kws float64
}

// phoneLoop is the shipped grammar with a phone loop costing prob per phone (0: none).
func phoneLoop(prob float64) func(grammar, lexicon) *decoderSpec {
	return func(g grammar, _ lexicon) *decoderSpec { return &decoderSpec{fsg: g.fsg(prob), dict: g.dict()} }
}

// wordLoop is the grammar with a loop of garbageWords costing prob per word.
func wordLoop(prob float64) func(grammar, lexicon) *decoderSpec {
	return func(g grammar, lex lexicon) *decoderSpec {
		fsg := g.fsg(0)
		var states int
		fmt.Sscanf(fsg[strings.Index(fsg, "NUM_STATES"):], "NUM_STATES %d", &states)
		var loop strings.Builder
		for _, w := range garbageWords {
			fmt.Fprintf(&loop, "TRANSITION 0 %d %g %s\nTRANSITION %d %d %g %s\n", states, prob, w, states, states, prob, w)
		}
		fmt.Fprintf(&loop, "TRANSITION %d 1 1\nFSG_END\n", states)
		fsg = strings.Replace(fsg, fmt.Sprintf("NUM_STATES %d", states), fmt.Sprintf("NUM_STATES %d", states+1), 1)
		fsg = strings.Replace(fsg, "FSG_END\n", loop.String(), 1)
		dict := g.dict()
		have := map[string]bool{}
		for _, p := range g.phrases {
			for _, w := range p {
				have[w] = true
			}
		}
		for _, w := range garbageWords {
			if !have[w] {
				dict += strings.Join(lex[w], "\n") + "\n"
			}
		}
		return &decoderSpec{fsg: fsg, dict: dict}
	}
}

// TestRejectionCandidates measures each way of rejecting tried, on the same corpus as
// TestRejection (decoding with the decoders directly, the audio padded as shipped):
//
//	go test -run TestRejectionCandidates -v ./local/recognition -reject
func TestRejectionCandidates(t *testing.T) {
	if !*rejectFlag {
		t.Skip("slow: run with -reject")
	}
	requireEngine(t)
	requireTestdata(t)
	requireTools(t, "espeak-ng")
	lex, err := loadLexicon(dictionary)
	if err != nil {
		t.Fatal(err)
	}
	items := rejectionCorpus(t)
	samples := make([][]int16, len(items))
	for i, it := range items {
		w, err := audio.ParseWAV(it.audio)
		if err != nil {
			t.Fatal(err)
		}
		samples[i] = padded(audio.ToInt16(audio.Resample(w.Mono(), w.Rate, rate)))
	}
	candidates := []candidate{
		{name: "no rejection", spec: phoneLoop(0)},
		{name: "acoustic score ≥ -20", spec: phoneLoop(0), minScore: -20},
		{name: "acoustic score ≥ -30", spec: phoneLoop(0), minScore: -30},
		{name: "acoustic score ≥ -40", spec: phoneLoop(0), minScore: -40},
		{name: "phone loop 1e-1", spec: phoneLoop(1e-1)},
		{name: "phone loop 10^-1.5", spec: phoneLoop(math.Pow(10, -1.5))},
		{name: "phone loop 1e-2 (shipped)", spec: phoneLoop(1e-2)},
		{name: "phone loop 10^-2.5", spec: phoneLoop(math.Pow(10, -2.5))},
		{name: "phone loop 1e-3", spec: phoneLoop(1e-3)},
		{name: "phone loop 1e-2, score ≥ -40", spec: phoneLoop(1e-2), minScore: -40},
		{name: "word loop 1e-3", spec: wordLoop(1e-3)},
		{name: "word loop 1e-5", spec: wordLoop(1e-5)},
		{name: "keyword spotting 1e-1/phone", kws: 1},
		{name: "keyword spotting 1e-2/phone", kws: 2},
		{name: "keyword spotting 1e-4/phone", kws: 4},
	}
	bin, err := New().lookPath(decoderProgram)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range candidates {
		tally := rejectionTally{}
		decoders := map[string]*decoder{}
		for i, it := range items {
			g, err := buildGrammar(it.phrases, lex)
			if err != nil {
				t.Fatal(err)
			}
			var heard string
			if c.kws != 0 {
				heard = spot(t, bin, g, lex, c.kws, samples[i])
			} else {
				spec := c.spec(g, lex)
				d := decoders[spec.fsg]
				if d == nil {
					if d, err = startDecoder(bin, spec); err == nil {
						err = d.ready(t.Context())
					}
					if err != nil {
						t.Fatal(err)
					}
					decoders[spec.fsg] = d
				}
				rec, err := d.decode(t.Context(), samples[i])
				if err != nil {
					t.Fatal(err)
				}
				heard = candidateHeard(g, rec, c.minScore)
			}
			tally.add(it, heard)
		}
		for _, d := range decoders {
			d.close()
		}
		t.Logf("%-30s %s", c.name, tally)
	}
}

// candidateHeard is the phrase a grammar decode heard, or "" if it is rejected: garbage
// (phones or loop words), no phrase, or a mean score under minScore.
func candidateHeard(g grammar, rec record, minScore float64) string {
	words, ok := phraseWords(rec, 0, math.MaxInt64)
	if !ok {
		return ""
	}
	heard := make([]string, len(words))
	for i, w := range words {
		heard[i] = w.Word
	}
	phrase, ok := g.phraseFor(heard)
	if !ok || minScore == 0 {
		return phrase
	}
	var ascr, frames int
	for _, tk := range rec.tokens {
		if !filler(tk.word) {
			ascr += tk.ascr
			frames += tk.end - tk.start + 1
		}
	}
	if float64(ascr)/float64(max(1, frames)) < minScore {
		return ""
	}
	return phrase
}

// spot decodes samples with pocketsphinx's keyword spotting, each phrase a keyphrase
// with a threshold of 10^-perPhone per phone, and returns what it heard if that is
// exactly one phrase.
func spot(t *testing.T, bin string, g grammar, lex lexicon, perPhone float64, samples []int16) string {
	dir := t.TempDir()
	var kws strings.Builder
	for _, p := range g.phrases {
		n := 0
		for _, w := range p {
			n += len(strings.Fields(lex[w][0])) - 1
		}
		fmt.Fprintf(&kws, "%s /1e-%d/\n", strings.Join(p, " "), int(perPhone*float64(n)))
	}
	raw := make([]byte, 2*len(samples))
	for i, s := range samples {
		raw[2*i], raw[2*i+1] = byte(s), byte(uint16(s)>>8)
	}
	for name, data := range map[string][]byte{"k.kws": []byte(kws.String()), "k.dict": []byte(g.dict()), "u.raw": raw, "ctl": []byte("u\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := command.Run(t.Context(), bin, []string{"-ctl", filepath.Join(dir, "ctl"), "-cepdir", dir, "-cepext", ".raw", "-adcin", "yes",
		"-remove_silence", "no", "-kws", filepath.Join(dir, "k.kws"), "-dict", filepath.Join(dir, "k.dict"), "-hyp", "/dev/stdout", "-logfn", "/dev/null"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// "-hyp" writes "words (uttid score)".
	line := strings.TrimSpace(string(out))
	if i := strings.LastIndex(line, "("); i >= 0 {
		line = line[:i]
	}
	if p, ok := g.phraseFor(strings.Fields(line)); ok {
		return p
	}
	return ""
}
