package domain

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/audio"
)

// toneSynth is a SpeechSynth that speaks each piece as 10 samples per character at
// 8 kHz, one word timing per word and no phonemes, counting its calls. With gate set,
// each synthesis waits for a value on it.
type toneSynth struct {
	gate  chan struct{}
	mu    sync.Mutex
	calls []string
}

func (s *toneSynth) Synthesize(ctx context.Context, req SpeechRequest) (SpeechResult, error) {
	s.mu.Lock()
	s.calls = append(s.calls, req.Text)
	s.mu.Unlock()
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return SpeechResult{}, ctx.Err()
		}
	}
	samples := make([]int16, 10*len(req.Text))
	for i := range samples {
		samples[i] = int16(len(req.Text)*100 + i)
	}
	var words []WordTiming
	at := time.Duration(0)
	for _, w := range strings.Fields(req.Text) {
		d := time.Duration(10*len(w)) * time.Millisecond
		words = append(words, WordTiming{Word: w, Start: at, End: at + d})
		at += d + 10*time.Millisecond
	}
	return SpeechResult{Data: audio.EncodeWAV16(samples, 8000), Format: AudioWAV, SampleRate: 8000,
		Engine: "tone", Model: "tone", VoiceID: "tone-1", Words: words}, nil
}

func (s *toneSynth) Voices(context.Context) []Voice {
	return []Voice{{ID: "tone-1", Engine: "tone", Available: true}}
}
func (s *toneSynth) Status(context.Context) DependencyHealth {
	return DependencyHealth{Status: StatusOK}
}

func (s *toneSynth) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func TestSpeechSentences(t *testing.T) {
	t.Parallel()
	long := "We rode north through the pass, past the old watchtower, over the frozen river, " +
		"under the eyes of the wolves; and when the snow came at last, we made camp beside the cairn of the kings."
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Welcome, traveller. The forge is hot!", []string{"Welcome, traveller.", "The forge is hot!"}},
		{"Is it you? \"Aye,\" he said. Fine.", []string{"Is it you?", "\"Aye,\" he said.", "Fine."}},
		{"Mr. Bram sells 3.5 swords... and more. Dr. Vell agrees.", []string{"Mr. Bram sells 3.5 swords... and more.", "Dr. Vell agrees."}},
		{"J. R. Smith wrote it. No.", []string{"J. R. Smith wrote it.", "No."}},
		{"One line\nand another", []string{"One line", "and another"}},
		{"no end mark", []string{"no end mark"}},
		{"So do I. Then we ride.", []string{"So do I.", "Then we ride."}},
		{"你好。我是铁匠。", []string{"你好。", "我是铁匠。"}},
		{"   ", nil},
		{long, []string{
			// The last clause mark within 160 characters.
			"We rode north through the pass, past the old watchtower, over the frozen river, under the eyes of the wolves; and when the snow came at last,",
			"we made camp beside the cairn of the kings.",
		}},
	} {
		got := SpeechSentences(c.text)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SpeechSentences(%q) = %q, want %q", c.text, got, c.want)
		}
		// Cutting a piece again gives the piece: an engine that assembles a whole
		// synthesis from pieces says each streamed piece the same way.
		for _, p := range got {
			if again := SpeechSentences(p); len(again) != 1 || again[0] != p {
				t.Errorf("SpeechSentences(%q) = %q, want the piece itself", p, again)
			}
		}
	}
}

func TestSpeechStreamWrittenInDeltas(t *testing.T) {
	t.Parallel()
	text := "Aye, the forge is hot. Mind the sparks! Come back at dusk."
	// However the text is cut into deltas, the pieces and the audio are the same.
	var reference []byte
	for _, size := range []int{1, 3, 7, len(text)} {
		synth := &toneSynth{}
		var pcm []byte
		var texts []string
		var started int
		s := startSpeechStream(t.Context(), synth, SpeechRequest{VoiceID: "tone-1", Speed: 1}, SpeechEvents{
			Start: func(SpeechStreamStart) error { started++; return nil },
			Chunk: func(c SpeechChunk) error {
				pcm = append(pcm, c.PCM...)
				texts = append(texts, c.Text)
				if c.LipSync != LipSyncEstimated || len(c.Phonemes) == 0 {
					t.Errorf("chunk %d: lip sync %q with %d visemes; want estimated ones", c.Index, c.LipSync, len(c.Phonemes))
				}
				return nil
			},
		}, func() {})
		for i := 0; i < len(text); i += size {
			if err := s.Write(text[i:min(i+size, len(text))]); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if started != 1 || strings.Join(texts, "|") != "Aye, the forge is hot.|Mind the sparks!|Come back at dusk." {
			t.Fatalf("deltas of %d: started %d times, pieces %q", size, started, texts)
		}
		if sum.Chunks != 3 || sum.SampleRate != 8000 || sum.Duration != samplesDuration(len(pcm)/2, 8000) || sum.LipSync != LipSyncEstimated {
			t.Fatalf("summary %+v", sum)
		}
		if reference == nil {
			reference = pcm
		} else if !bytes.Equal(reference, pcm) {
			t.Fatalf("deltas of %d gave other audio", size)
		}
	}
}

func TestSpeechStreamCutsDeltasAsTheWholeText(t *testing.T) {
	t.Parallel()
	for _, deltas := range [][]string{
		{"Wait... ", "and then it broke."},
		{"Hello", " ", "", "there."},
		{"One line\n", "and another."},
	} {
		var texts []string
		s := startSpeechStream(t.Context(), &toneSynth{}, SpeechRequest{}, SpeechEvents{
			Chunk: func(c SpeechChunk) error { texts = append(texts, c.Text); return nil },
		}, func() {})
		for _, d := range deltas {
			s.Write(d)
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if want := SpeechSentences(strings.Join(deltas, "")); strings.Join(texts, "|") != strings.Join(want, "|") {
			t.Errorf("deltas %q spoke %q; the whole text is %q", deltas, texts, want)
		}
	}
}

func TestSpeechStreamHoldsBackForASlowClient(t *testing.T) {
	t.Parallel()
	synth := &toneSynth{}
	sent := make(chan struct{}, 1)
	release := make(chan struct{})
	s := startSpeechStream(t.Context(), synth, SpeechRequest{}, SpeechEvents{
		Chunk: func(SpeechChunk) error {
			select {
			case sent <- struct{}{}:
			default:
			}
			<-release // the client reads no further
			return nil
		},
	}, func() {})
	s.Write(strings.Repeat("One more sentence. ", 10))
	<-sent
	// Syntheses start only in the worker, which is blocked sending the first piece: no
	// more than it and the speechLookahead pieces after it have been started.
	if n := synth.callCount(); n > 1+speechLookahead {
		t.Fatalf("%d of 10 syntheses started for a client that read one piece; want at most %d", n, 1+speechLookahead)
	}
	close(release)
	s.Abort()
}

func TestSpeechStreamStopsWhenTheClientGoes(t *testing.T) {
	t.Parallel()
	synth := &toneSynth{}
	gone := errors.New("client gone")
	var released bool
	s := startSpeechStream(t.Context(), synth, SpeechRequest{}, SpeechEvents{
		Chunk: func(c SpeechChunk) error {
			if c.Index == 1 {
				return gone
			}
			return nil
		},
	}, func() { released = true })
	s.Write(strings.Repeat("One more sentence. ", 20))
	if _, err := s.Close(); !errors.Is(err, gone) {
		t.Fatalf("Close: %v, want the client's error", err)
	}
	if n := synth.callCount(); n > 2+speechLookahead {
		t.Fatalf("%d of 20 pieces synthesised after the client left at the second", n)
	}
	if !released {
		t.Fatal("the stream's slot was not released")
	}
}

func TestSpeechStreamSlots(t *testing.T) {
	t.Parallel()
	v := &VoiceService{Synth: &toneSynth{}, MaxStreams: 2}
	open := func(tenant string) (*SpeechStream, error) {
		return v.StreamSpeech(t.Context(), tenant, SpeechStreamInput{VoiceID: "tone-1"}, SpeechEvents{Chunk: func(SpeechChunk) error { return nil }})
	}
	a, _ := open("t1")
	b, _ := open("t1")
	if _, err := open("t1"); ErrorCode(err) != CodeRateLimited {
		t.Fatalf("third stream of t1: %v, want RATE_LIMITED", err)
	}
	if c, err := open("t2"); err != nil {
		t.Fatalf("another tenant: %v", err)
	} else {
		c.Close()
	}
	a.Close()
	if c, err := open("t1"); err != nil {
		t.Fatalf("after one closed: %v", err)
	} else {
		c.Close()
	}
	b.Abort()
	for _, bad := range []SpeechStreamInput{{Text: strings.Repeat("a", MaxSpeechText+1)}, {Speed: 9}, {VoiceID: "nope"}} {
		if _, err := v.StreamSpeech(t.Context(), "t3", bad, SpeechEvents{}); ErrorCode(err) != CodeValidation {
			t.Errorf("%+v: %v, want VALIDATION_ERROR", bad, err)
		}
	}
	if n := v.slots.open["t3"]; n != 0 {
		t.Fatalf("refused streams hold %d slots", n)
	}
}

func TestEstimateVisemes(t *testing.T) {
	t.Parallel()
	words := []WordTiming{{Word: "the", Start: 0, End: 100 * time.Millisecond}, {Word: "forge", Start: 150 * time.Millisecond, End: 400 * time.Millisecond}}
	got := EstimateVisemes(words)
	var shapes []string
	for i, p := range got {
		shapes = append(shapes, p.Viseme)
		if p.End < p.Start || i > 0 && p.Start != got[i-1].End {
			t.Fatalf("visemes not back to back: %+v", got)
		}
	}
	if want := "TH E sil FF oh RR kk"; strings.Join(shapes, " ") != want {
		t.Fatalf("visemes %v, want %s", shapes, want)
	}
	if got[len(got)-1].End != 400*time.Millisecond {
		t.Fatalf("last viseme ends at %v", got[len(got)-1].End)
	}
}
