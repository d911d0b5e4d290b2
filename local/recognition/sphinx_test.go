package recognition

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Real pocketsphinx_batch output: the cards recording 001 ("ten of clubs") with the
// language model (-hypseg, then -ctm), and with a grammar of game phrases and the garbage
// loop, once heard as a phrase and once as garbage.
const (
	hypsegOpen    = "001 S 0 T -3685640 A -3684352 L -1288 0 -645120 0 <s> 15 -500736 -492 ten 34 -205824 -273 of 45 -1166336 -406 clubs 96 -1166336 -117 </s> 107"
	hypsegPhrase  = "u1 S 0 T -13880 A -13206 L -674 0 -1669 -337 <sil> 318 -2494 0 where(2) 367 -718 0 is 396 -4978 -337 <sil> 507 -809 0 the 520 -2538 0 blacksmith 604"
	hypsegGarbage = "u2 S 0 T -6141 A -3400 L -2741 0 -1014 -270 _dh 22 -175 -270 _eh 27 -299 -270 _n 33 -169 0 (NULL) 33 -100 -270 _ay 40"
)

func TestParseHypseg(t *testing.T) {
	ts, ok := parseHypseg(strings.Fields(hypsegPhrase))
	if !ok || len(ts) != 6 {
		t.Fatalf("%v %+v", ok, ts)
	}
	if want := (token{word: "where(2)", start: 318, end: 366, ascr: -2494}); ts[1] != want {
		t.Errorf("where: %+v, want %+v", ts[1], want)
	}
	if last := ts[5]; last.word != "blacksmith" || last.end != 603 {
		t.Errorf("blacksmith: %+v", last)
	}
	if ts, ok := parseHypseg(strings.Fields("end S 0 T 0 A 0 L 0 0")); !ok || len(ts) != 0 {
		t.Errorf("empty hypothesis: %v %+v", ok, ts)
	}
	for _, bad := range []string{"", "u1 S 0 T", "u1 X 0 T 0 A 0 L 0 0", "u1 S 0 T 0 A 0 L 0 0 x 0 w 5", "u1 S 0 T 0 A 0 L 0 9 -1 0 w 5"} {
		if _, ok := parseHypseg(strings.Fields(bad)); ok {
			t.Errorf("parseHypseg(%q) ok", bad)
		}
	}
}

func TestParseCTM(t *testing.T) {
	for _, tc := range []struct {
		line string
		word string
		p    float64
		ok   bool
	}{
		{"001 1 0.15 0.18 ten 0.276", "ten", 0.276, true},
		{"001 1 0.34 0.10 of 1.000100", "of", 1, true}, // clamped
		{"001 1 0.34 0.10 of NaN", "", 0, false},
		{hypsegOpen, "", 0, false},
	} {
		w, p, ok := parseCTM(strings.Fields(tc.line))
		if w != tc.word || p != tc.p || ok != tc.ok {
			t.Errorf("parseCTM(%q) = %q %v %v", tc.line, w, p, ok)
		}
	}
}

func TestOpenWords(t *testing.T) {
	ts, _ := parseHypseg(strings.Fields(hypsegOpen))
	rec := record{tokens: ts, posteriors: []posterior{{"ten", 0.276}, {"of", 0.961}, {"clubs", 0.525}}}
	words := openWords(rec, 1070*time.Millisecond)
	want := []domain.WordTiming{
		{Word: "ten", Start: 150 * time.Millisecond, End: 340 * time.Millisecond, Confidence: 0.276},
		{Word: "of", Start: 340 * time.Millisecond, End: 450 * time.Millisecond, Confidence: 0.961},
		{Word: "clubs", Start: 450 * time.Millisecond, End: 960 * time.Millisecond, Confidence: 0.525},
	}
	if !slices.Equal(words, want) {
		t.Errorf("words %+v\nwant  %+v", words, want)
	}
}

func TestPhraseWords(t *testing.T) {
	ts, _ := parseHypseg(strings.Fields(hypsegPhrase))
	words, ok := phraseWords(record{tokens: ts}, 3*time.Second, 4*time.Second)
	if !ok || len(words) != 4 || words[0].Word != "where" || words[0].Start != 180*time.Millisecond || words[3].End != 3040*time.Millisecond {
		t.Fatalf("%v %+v", ok, words)
	}
	for _, w := range words {
		if !(w.Confidence > 0 && w.Confidence < 1) {
			t.Errorf("%s: confidence %v", w.Word, w.Confidence)
		}
	}
	if ts, _ := parseHypseg(strings.Fields(hypsegGarbage)); len(ts) == 0 {
		t.Fatal("no garbage tokens")
	} else if words, ok := phraseWords(record{tokens: ts}, 0, time.Second); ok || words != nil {
		t.Errorf("garbage heard as %+v", words)
	}
}

func TestAcousticConfidence(t *testing.T) {
	prev := 1.0
	for _, s := range []int{0, -10, -30, -50, -100} {
		c := acousticConfidence(s*10, 10)
		if !(c > 0 && c < 1) || c >= prev {
			t.Errorf("score %d per frame: confidence %v (after %v)", s, c, prev)
		}
		prev = c
	}
	if c := acousticConfidence(int(confidenceMid*20), 20); c != 0.5 {
		t.Errorf("at the midpoint: %v", c)
	}
}

func TestSegmentsOf(t *testing.T) {
	ms := time.Millisecond
	words := []domain.WordTiming{
		{Word: "he", Start: 100 * ms, End: 300 * ms, Confidence: 0.5},
		{Word: "was", Start: 400 * ms, End: 700 * ms, Confidence: 1},
		{Word: "go", Start: 1200 * ms, End: 1400 * ms, Confidence: 0.25},
	}
	want := []domain.TranscriptSegment{
		{Start: 100 * ms, End: 700 * ms, Text: "he was", Confidence: 0.75},
		{Start: 1200 * ms, End: 1400 * ms, Text: "go", Confidence: 0.25},
	}
	if got := segmentsOf(words); !slices.Equal(got, want) {
		t.Errorf("segments %+v\nwant %+v", got, want)
	}
	if len(segmentsOf(nil)) != 0 {
		t.Error("no words, no segments")
	}
}
