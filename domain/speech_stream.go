package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/audio"
)

// StreamFormat is the audio of every streamed chunk: raw signed 16-bit little-endian
// mono PCM at the stream's sample rate.
const StreamFormat = "pcm_s16le"

// speechLookahead is how many pieces are synthesised at once, ahead of the one being
// sent. One: the next piece is made while the current one is sent (and played, which
// takes far longer than synthesis), and the first piece does not share the CPU with the
// second, so the first audio comes as soon as it can; a slow or gone client stops
// synthesis after one more piece.
const speechLookahead = 1

// SpeechStreamStart describes a stream's audio before its first chunk.
type SpeechStreamStart struct {
	Format     string
	SampleRate int
	Channels   int
	VoiceID    string
	Engine     string
	Model      string
}

// SpeechChunk is one piece (a sentence, or a clause of a long one) of a streamed
// synthesis. Times are on the stream's timeline: 0 is the start of the first chunk.
type SpeechChunk struct {
	// Index counts chunks from 0.
	Index int
	Text  string
	// PCM is StreamFormat audio at the stream's sample rate.
	PCM      []byte
	Start    time.Duration
	Duration time.Duration
	Words    []WordTiming
	Phonemes []PhonemeTiming
	// LipSync says how Phonemes were made (LipSyncMeasured, …); never an error.
	LipSync string
}

// SpeechStreamSummary is what a finished stream spoke.
type SpeechStreamSummary struct {
	SpeechStreamStart
	Chunks     int
	Duration   time.Duration
	Characters int
	// LipSync is the weakest of the chunks': LipSyncNone if any had none, else
	// LipSyncEstimated if any was estimated.
	LipSync string
}

// SpeechEvents receives a stream's audio, from one goroutine, in order: Start once
// before the first chunk, then every Chunk. An error returned (the client is gone) stops
// the synthesis.
type SpeechEvents struct {
	Start func(SpeechStreamStart) error
	Chunk func(SpeechChunk) error
}

// SpeechStream synthesises text as it is written, piece by piece (SpeechSentences), and
// hands each piece's audio to its SpeechEvents as soon as it is ready and every earlier
// one has been sent. Write may be called as text arrives (a character's line while the
// model is still writing it); Close ends the text and waits for the last audio. At most
// speechLookahead pieces are synthesised ahead of the one being sent, so a slow client
// holds back synthesis, never the text.
type SpeechStream struct {
	synth  SpeechSynth
	req    SpeechRequest
	events SpeechEvents
	ctx    context.Context
	cancel context.CancelFunc
	// release frees the tenant's stream slot; called once when the stream ends.
	release func()

	mu      sync.Mutex
	pending string   // text written that is not yet a complete piece
	pieces  []string // complete pieces, in order
	closed  bool
	notify  chan struct{}
	done    chan struct{}
	err     error
	sum     SpeechStreamSummary
}

// startSpeechStream starts the stream's worker; the request is checked by the caller.
func startSpeechStream(ctx context.Context, synth SpeechSynth, req SpeechRequest, events SpeechEvents, release func()) *SpeechStream {
	ctx, cancel := context.WithCancel(ctx)
	s := &SpeechStream{
		synth: synth, req: req, events: events, ctx: ctx, cancel: cancel, release: release,
		notify: make(chan struct{}, 1), done: make(chan struct{}),
	}
	go s.run()
	return s
}

// Write adds text to speak. It never waits for synthesis. Writing after Close is an
// error.
func (s *SpeechStream) Write(text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("speech stream: write after close")
	}
	done, rest := cutSentences(s.pending+text, false)
	s.pending = keepTrailingSpace(rest, s.pending+text)
	s.pieces = append(s.pieces, done...)
	s.wake()
	return nil
}

// keepTrailingSpace gives pending back the whitespace the text written so far ended
// with, which cutSentences trimmed, so "Hello " + "there" stays two words.
func keepTrailingSpace(pending, written string) string {
	if pending == "" {
		return ""
	}
	if trimmed := strings.TrimRight(written, " \t\r\n"); len(trimmed) < len(written) {
		return pending + written[len(trimmed):]
	}
	return pending
}

// Close ends the text, waits until every piece has been synthesised and sent, and
// returns what was spoken. The first error of synthesis or of the events ends the
// stream early and is returned.
func (s *SpeechStream) Close() (SpeechStreamSummary, error) {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.pieces = append(s.pieces, SpeechSentences(s.pending)...)
		s.pending = ""
		s.wake()
	}
	s.mu.Unlock()
	<-s.done
	return s.sum, s.err
}

// Abort stops the stream at once (the text it was fed failed) and waits for its worker.
func (s *SpeechStream) Abort() {
	s.cancel()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	<-s.done
}

// wake tells the worker there is news; s.mu is held.
func (s *SpeechStream) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// spokenPiece is one piece being synthesised.
type spokenPiece struct {
	text string
	done chan struct{}
	res  SpeechResult
	err  error
}

// run synthesises pieces in order, speechLookahead at a time, the next while the one
// before it is sent, and sends each when it is ready.
func (s *SpeechStream) run() {
	var inFlight []*spokenPiece
	defer close(s.done)
	defer s.release()
	defer func() {
		// The slot is free only once nothing of this stream runs: cancelled
		// syntheses are waited for.
		s.cancel()
		for _, p := range inFlight {
			<-p.done
		}
	}()
	defer func() {
		// A panic in an engine or an event callback ends this stream, not the server.
		if r := recover(); r != nil {
			s.err = fmt.Errorf("speech stream: panic: %v", r)
		}
	}()
	started := 0
	// topUp starts the next pieces' synthesis while there is room.
	topUp := func() (finished bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for len(inFlight) < speechLookahead && started < len(s.pieces) {
			inFlight = append(inFlight, s.synthesise(s.pieces[started]))
			started++
		}
		return s.closed && started == len(s.pieces)
	}
	for {
		finished := topUp()
		if len(inFlight) == 0 {
			if finished {
				return
			}
			select {
			case <-s.notify:
			case <-s.ctx.Done():
				s.err = s.ctx.Err()
				return
			}
			continue
		}
		select {
		case <-inFlight[0].done:
		case <-s.notify:
			continue // more text: start its synthesis if there is room
		case <-s.ctx.Done():
			s.err = s.ctx.Err()
			return
		}
		p := inFlight[0]
		inFlight = inFlight[1:]
		if p.err == nil {
			topUp() // the next piece is made while this one is sent
			p.err = s.send(p)
		}
		if p.err != nil {
			s.err = p.err
			return
		}
	}
}

// synthesise starts one piece's synthesis.
func (s *SpeechStream) synthesise(text string) *spokenPiece {
	p := &spokenPiece{text: text, done: make(chan struct{})}
	req := s.req
	req.Text, req.Format = text, AudioWAV
	go func() {
		defer close(p.done)
		defer func() {
			if r := recover(); r != nil {
				p.err = fmt.Errorf("speech synthesis: panic: %v", r)
			}
		}()
		p.res, p.err = s.synth.Synthesize(s.ctx, req)
	}()
	return p
}

// send decodes a piece's WAV to the stream's PCM and hands it to the events, moving its
// timings onto the stream's timeline.
func (s *SpeechStream) send(p *spokenPiece) error {
	res := withLipSync(p.res)
	w, err := audio.ParseWAV(res.Data)
	if err != nil && !errors.Is(err, audio.ErrNoSamples) {
		// A piece with nothing to hear ("…") is a chunk of no samples, not a failure.
		return fmt.Errorf("speech stream: the engine's audio is not WAV: %w", err)
	}
	samples := w.PCM16()
	if s.sum.Chunks == 0 {
		s.sum.SpeechStreamStart = SpeechStreamStart{
			Format: StreamFormat, SampleRate: w.Rate, Channels: 1, VoiceID: res.VoiceID, Engine: res.Engine, Model: res.Model,
		}
		if s.events.Start != nil {
			if err := s.events.Start(s.sum.SpeechStreamStart); err != nil {
				return err
			}
		}
	} else if w.Rate != s.sum.SampleRate {
		// One stream has one rate: a piece at another is resampled to the first's.
		samples = audio.ToInt16(audio.Resample(w.Mono(), w.Rate, s.sum.SampleRate))
	}
	offset := s.sum.Duration
	chunk := SpeechChunk{
		Index: s.sum.Chunks, Text: p.text, PCM: audio.PCM16Bytes(samples), Start: offset,
		Duration: samplesDuration(len(samples), s.sum.SampleRate),
		Words:    ShiftWords(res.Words, offset), Phonemes: ShiftPhonemes(res.Phonemes, offset), LipSync: res.LipSync,
	}
	s.sum.Chunks++
	s.sum.Duration += chunk.Duration
	s.sum.Characters += utf8.RuneCountInString(p.text)
	s.sum.LipSync = weakerLipSync(s.sum.LipSync, res.LipSync)
	return s.events.Chunk(chunk)
}

// samplesDuration is how long n samples play at rate.
func samplesDuration(n, rate int) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(int64(n) * int64(time.Second) / int64(rate))
}

// weakerLipSync is the less precise of two LipSync values ("" is none yet).
func weakerLipSync(a, b string) string {
	rank := map[string]int{"": 0, LipSyncMeasured: 1, LipSyncEstimated: 2, LipSyncNone: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// ShiftWords returns words moved later by d: the timings of a piece placed after the
// audio before it.
func ShiftWords(words []WordTiming, d time.Duration) []WordTiming {
	out := make([]WordTiming, len(words))
	for i, w := range words {
		w.Start += d
		w.End += d
		out[i] = w
	}
	return out
}

// ShiftPhonemes returns phonemes moved later by d, as ShiftWords does words.
func ShiftPhonemes(phs []PhonemeTiming, d time.Duration) []PhonemeTiming {
	out := make([]PhonemeTiming, len(phs))
	for i, p := range phs {
		p.Start += d
		p.End += d
		out[i] = p
	}
	return out
}
