package recognition

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// startedDecoders records every decoder a recognizer starts.
type startedDecoders struct {
	mu sync.Mutex
	ds []*decoder
}

// watch makes r report its decoders to s, calling sent (if not nil) with each request a
// decoder is sent.
func (s *startedDecoders) watch(r *Recognizer, sent func(*decoder)) {
	r.decoders.mu.Lock()
	defer r.decoders.mu.Unlock()
	r.decoders.started = func(d *decoder) {
		s.mu.Lock()
		s.ds = append(s.ds, d)
		s.mu.Unlock()
		if sent != nil {
			d.sent = func() { sent(d) }
		}
	}
}

func (s *startedDecoders) list() []*decoder {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*decoder(nil), s.ds...)
}

// exited fails the test for each decoder whose process has not exited.
func (s *startedDecoders) exited(t *testing.T) {
	t.Helper()
	for _, d := range s.list() {
		select {
		case <-d.exited:
			if d.cmd.ProcessState == nil {
				t.Errorf("decoder %d: no exit status", d.cmd.Process.Pid)
			}
		default:
			t.Errorf("decoder %d is still running", d.cmd.Process.Pid)
		}
	}
}

// TestWarmPool: concurrent calls, open vocabulary and with two phrase sets, get the same
// transcripts as calls one at a time; decoders are reused rather than started per call,
// at most one per CPU (plus none) per configuration; Close stops every one of them.
func TestWarmPool(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	requireTools(t, "espeak-ng")
	raw, err := os.ReadFile(filepath.Join(testdata, "goforward.raw"))
	if err != nil {
		t.Fatal(err)
	}
	otherPhrases := []string{"go forward ten meters", "go back", "stop"}
	reqs := []domain.TranscribeRequest{
		{Audio: makeWAV(wavPCM, 0, 1, 16000, 16, raw)},
		{Audio: makeWAV(wavPCM, 0, 1, 16000, 16, raw), Phrases: otherPhrases},
		{Audio: speak(t, "run away", "local-en-us-m1", ""), Phrases: gamePhrases},
		{Audio: speak(t, "follow me", "local-en-us-f1", ""), Phrases: gamePhrases},
	}
	r := New()
	var started startedDecoders
	started.watch(r, nil)
	want := make([]domain.Transcript, len(reqs))
	for i, req := range reqs {
		if want[i], err = r.Transcribe(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	if want[0].Text == "" || want[1].Text != "go forward ten meters" || want[2].Text != "run away" || want[3].Text != "follow me" {
		t.Fatalf("one at a time: %q %q %q %q", want[0].Text, want[1].Text, want[2].Text, want[3].Text)
	}

	const rounds = 3
	var wg sync.WaitGroup
	errs := make(chan error, rounds*len(reqs))
	for range rounds {
		for i, req := range reqs {
			wg.Go(func() {
				got, err := r.Transcribe(t.Context(), req)
				switch {
				case err != nil:
					errs <- err
				case !reflect.DeepEqual(got, want[i]):
					errs <- fmt.Errorf("request %d: %+v, alone %+v", i, got, want[i])
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Three configurations, each with at most a decoder per CPU, however many calls.
	if n, most := len(started.list()), 3*r.decoders.limit; n > most {
		t.Errorf("%d decoders started for %d calls, want at most %d", n, (rounds+1)*len(reqs), most)
	}

	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	started.exited(t)
	if _, err := r.Transcribe(t.Context(), reqs[0]); !errors.Is(err, errDecoderClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestCancelKillsDecode: cancelling a call while its audio is being decoded kills the
// decoder's process, and the call returns the cancellation.
func TestCancelKillsDecode(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	audio, err := os.ReadFile(filepath.Join(testdata, "librivox", "sense_and_sensibility_01_austen_64kb-0870.wav"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := newRecognizer(t)
	var started startedDecoders
	victim := make(chan *decoder, 1)
	started.watch(r, func(d *decoder) {
		victim <- d
		cancel()
	})
	if _, err := r.Transcribe(ctx, domain.TranscribeRequest{Audio: audio}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the cancellation", err)
	}
	d := <-victim
	select {
	case <-d.exited:
	case <-t.Context().Done():
		t.Fatal("the decoder was not killed")
	}
	if d.cmd.ProcessState.Success() {
		t.Errorf("the decoder exited normally: %v", d.cmd.ProcessState)
	}
	_ = r.Close()
	started.exited(t)
}

// TestGrammarLRU: phrase sets beyond maxGrammars stop the decoders of the least recently
// used ones, and a grammar used again is served warm.
func TestGrammarLRU(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTools(t, "espeak-ng")
	audio := speak(t, "stop", "local-en-us-m1", "")
	r := newRecognizer(t)
	var started startedDecoders
	started.watch(r, nil)
	words := []string{"stop", "go", "wait", "run", "hide", "jump", "fight", "talk", "rest", "look"}
	for i := range maxGrammars + 2 {
		tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: []string{"stop", words[i]}})
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && tr.Text != "stop" {
			t.Errorf("grammar %d heard %q", i, tr.Text)
		}
	}
	r.decoders.mu.Lock()
	n := len(r.decoders.grammars)
	r.decoders.mu.Unlock()
	if n > maxGrammars {
		t.Errorf("%d grammars kept, want at most %d", n, maxGrammars)
	}
	r.decoders.wg.Wait() // the evicted decoders' exits
	stopped := 0
	for _, d := range started.list() {
		select {
		case <-d.exited:
			stopped++
		default:
		}
	}
	if stopped == 0 {
		t.Error("no decoder of an evicted grammar was stopped")
	}
}
