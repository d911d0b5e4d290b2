package server

import (
	"context"
	"encoding/base64"
	"errors"
	"sync"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// audioStartedEvent is the payload of audio.started.
func audioStartedEvent(s domain.SpeechStreamStart) map[string]any {
	return map[string]any{
		"format": s.Format, "sample_rate": s.SampleRate, "channels": s.Channels,
		"voice_id": s.VoiceID, "engine": s.Engine, "model": s.Model,
	}
}

// audioDeltaEvent is the payload of audio.delta; the PCM goes in "audio" only when
// withAudio (the WebSocket sends it as a binary frame instead).
func audioDeltaEvent(c domain.SpeechChunk, withAudio bool) map[string]any {
	e := map[string]any{
		"index": c.Index, "text": c.Text, "start_ms": ms(c.Start), "duration_ms": ms(c.Duration),
		"words":    mapSlice(c.Words, toWordTiming),
		"visemes":  mapSlice(c.Phonemes, toPhonemeTiming),
		"lip_sync": lipSyncOf(c.LipSync),
	}
	if withAudio {
		e["audio"] = base64.StdEncoding.EncodeToString(c.PCM)
	}
	return e
}

// audioCompletedEvent is the payload of audio.completed.
func audioCompletedEvent(s domain.SpeechStreamSummary) map[string]any {
	format := s.Format
	if format == "" {
		format = domain.StreamFormat // nothing was spoken, so no audio.started said it
	}
	return map[string]any{
		"chunks": s.Chunks, "duration_ms": ms(s.Duration), "characters": s.Characters,
		"format": format, "sample_rate": s.SampleRate, "voice_id": s.VoiceID,
		"engine": s.Engine, "model": s.Model, "lip_sync": lipSyncOf(s.LipSync),
	}
}

// lipSyncOf reads an empty LipSync (nothing spoken) as none.
func lipSyncOf(s string) string {
	if s == "" {
		return domain.LipSyncNone
	}
	return s
}

func toPhonemeTiming(p domain.PhonemeTiming) gen.PhonemeTiming {
	return gen.PhonemeTiming{Phoneme: p.Phoneme, Viseme: p.Viseme, StartMs: ms(p.Start), EndMs: ms(p.End)}
}

// sseSpeech sends a speech stream's audio as events on an SSE stream, each with the
// extra fields (a conversation's turn_index), and remembers whether a write to the
// client failed, so a failure of the voice can be told from the client leaving.
type sseSpeech struct {
	mu        sync.Mutex
	stream    *sseStream
	extra     map[string]any
	requestID string
	sendErr   error
}

// events are the domain's callbacks, writing to s.stream (set before the first text is
// written to the speech stream).
func (s *sseSpeech) events() domain.SpeechEvents {
	return domain.SpeechEvents{
		Start: func(st domain.SpeechStreamStart) error { return s.send("audio.started", audioStartedEvent(st)) },
		Chunk: func(c domain.SpeechChunk) error { return s.send("audio.delta", audioDeltaEvent(c, true)) },
	}
}

func (s *sseSpeech) send(name string, payload map[string]any) error {
	for k, v := range s.extra {
		payload[k] = v
	}
	err := s.stream.event(name, payload)
	if err != nil {
		s.mu.Lock()
		s.sendErr = err
		s.mu.Unlock()
	}
	return err
}

// finish ends the speech stream: audio.completed when it spoke, audio.failed (the voice
// broke; the line goes on) when synthesis failed. It returns an error only when the
// client is gone.
func (s *sseSpeech) finish(h *handlers, speech *domain.SpeechStream) error {
	sum, err := speech.Close()
	s.mu.Lock()
	sendErr := s.sendErr
	s.mu.Unlock()
	if sendErr != nil {
		return sendErr
	}
	if err != nil {
		return s.failed(h, err)
	}
	return s.send("audio.completed", audioCompletedEvent(sum))
}

// failed sends audio.failed with err as the standard error object.
func (s *sseSpeech) failed(h *handlers, err error) error {
	de := toDomainError(err, h.cfg.MaxBodyBytes)
	if de.Code == domain.CodeInternal && !errors.Is(err, context.Canceled) {
		h.cfg.Logger.Error("speech stream failed", "request_id", s.requestID, "error", err)
	}
	return s.send("audio.failed", map[string]any{"error": gen.ApiError{
		Code: gen.ErrorCode(de.Code), Message: de.Message, Details: toDetails(de.Details), RequestId: s.requestID,
	}})
}
