package recognition

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// sphinxOutput is real pocketsphinx_continuous -time yes output (two utterances, the
// first with no hypothesis), with a third utterance that has a long pause in it.
const sphinxOutput = `
<s> 0.000 0.850 0.999800
</s> 0.860 0.910 1.000000
He was not an illness
<s> 1.380 1.480 0.999900
he 1.490 1.600 0.959345
<sil> 1.610 1.990 1.000100
was(2) 2.000 2.150 0.080115
[NOISE] 2.160 2.610 1.000000
</s> 2.620 2.790 1.000000
go forward
go 5.630 5.770 0.867433
<sil> 5.780 6.430 1.000000
forward 6.440 6.910 0.999400`

func TestParseSphinx(t *testing.T) {
	utts := parseSphinx([]byte(sphinxOutput))
	if len(utts) != 3 {
		t.Fatalf("%d utterances, want 3", len(utts))
	}
	words, segs := transcriptOf(utts)
	got := make([]string, len(words))
	for i, w := range words {
		got[i] = w.Word
	}
	if want := []string{"he", "was", "go", "forward"}; !slices.Equal(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
	if w := words[1]; w.Start != 2*time.Second || w.End != 2150*time.Millisecond || w.Confidence != 0.080115 {
		t.Errorf("was: %+v", w)
	}
	want := []domain.TranscriptSegment{
		{Start: 1490 * time.Millisecond, End: 2150 * time.Millisecond, Text: "he was", Confidence: (0.959345 + 0.080115) / 2},
		{Start: 5630 * time.Millisecond, End: 5770 * time.Millisecond, Text: "go", Confidence: 0.867433},
		{Start: 6440 * time.Millisecond, End: 6910 * time.Millisecond, Text: "forward", Confidence: 0.9994},
	}
	if !slices.Equal(segs, want) {
		t.Errorf("segments %+v\nwant %+v", segs, want)
	}
	if len(parseSphinx(nil)) != 0 {
		t.Error("no output, no utterances")
	}
}

func TestWordLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"hello 0.1 0.2 0.5", true},
		{"hello there", false},
		{"a b c d", false},
		{"x 0.1 NaN 0.5", false},
	} {
		if _, ok := wordLine(strings.Fields(tc.line)); ok != tc.ok {
			t.Errorf("wordLine(%q) ok = %v", tc.line, ok)
		}
	}
	if w, _ := wordLine(strings.Fields("w 1 2 1.0001")); w.Confidence != 1 {
		t.Errorf("confidence %v, want clamped to 1", w.Confidence)
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1)), formatWAV},
		{[]byte("OggS\x00\x02"), formatOGG},
		{[]byte("fLaC\x00\x00"), formatFLAC},
		{[]byte("ID3\x04\x00"), formatMP3},
		{[]byte{0xFF, 0xFB, 0x90, 0x64}, formatMP3},
		{[]byte("FORM\x00\x00\x00\x10AIFF"), formatAIFF},
		{[]byte{0xFF, 0xFF, 0xFF, 0xFF}, ""},
		{[]byte("<html>"), ""},
		{[]byte{0x1A, 0x45, 0xDF, 0xA3}, ""}, // WebM
	} {
		if got := sniff(tc.data); got != tc.want {
			t.Errorf("sniff(%q) = %q, want %q", tc.data, got, tc.want)
		}
	}
}
