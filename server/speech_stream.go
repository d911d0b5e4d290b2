package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// StreamSpeech answers POST /v1/voice/tts/stream with the audio as server-sent events:
// audio.started, audio.delta per piece, then audio.completed or error. The request is
// checked (and the tenant's stream slot taken) before the stream starts, so bad input is
// a plain error with its status.
func (h *handlers) StreamSpeech(ctx context.Context, req gen.StreamSpeechRequestObject) (gen.StreamSpeechResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if err := domain.CheckSpeechText(b.Text); err != nil {
		return nil, err
	}
	out := &sseSpeech{requestID: requestIDFrom(ctx)}
	// The text is written once the event stream exists, so no event can come before it.
	speech, err := h.svc.Voice.StreamSpeech(ctx, tenant, domain.SpeechStreamInput{
		VoiceID: deref(b.VoiceId), CharacterID: deref(b.CharacterId), Speed: deref(b.Speed),
	}, out.events())
	if err != nil {
		return nil, err
	}
	body := h.eventStream(ctx, "speech", func(stream *sseStream) error {
		out.stream = stream
		if err := speech.Write(b.Text); err != nil {
			speech.Abort()
			return err
		}
		sum, err := speech.Close()
		if err != nil {
			return err
		}
		return stream.event("audio.completed", audioCompletedEvent(sum))
	})
	return body, nil
}
