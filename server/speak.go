package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// heartbeatInterval is how often an idle dialogue stream gets a comment line.
var heartbeatInterval = 15 * time.Second

type acceptKey struct{}

// acceptToContext hands the Accept header to strict handlers, which see only the request
// context, so speak can choose between JSON and an event stream.
func acceptToContext(f gen.StrictHandlerFunc, _ string) gen.StrictHandlerFunc {
	return func(c echo.Context, req any) (any, error) {
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), acceptKey{}, r.Header.Get(echo.HeaderAccept))))
		return f(c, req)
	}
}

// wantsStream says whether speak (not speak/stream) answers with events, as it did before
// streaming had its own operation: when the Accept header names text/event-stream, or the
// deprecated "stream": true is set and Accept does not ask for JSON alone. A generated
// JSON client, which sends Accept: application/json, always gets the JSON it was typed for.
func wantsStream(ctx context.Context, body *gen.SpeakRequest) bool {
	accept, _ := ctx.Value(acceptKey{}).(string)
	if strings.Contains(accept, "text/event-stream") {
		return true
	}
	if body.Stream == nil || !*body.Stream {
		return false
	}
	return !acceptsOnlyJSON(accept)
}

// acceptsOnlyJSON reports whether an Accept header lists JSON and nothing that an event
// stream would satisfy (no */* or text/*).
func acceptsOnlyJSON(accept string) bool {
	listsJSON := false
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(canonicalMediaType(strings.TrimSpace(part)), ";")
		switch mt {
		case "application/json":
			listsJSON = true
		case "*/*", "text/*":
			return false
		}
	}
	return listsJSON
}

// SpeakCharacter answers POST /v1/characters/{character_id}/speak with the line as JSON,
// or, for older clients that ask (see wantsStream), as the events speak/stream sends.
func (h *handlers) SpeakCharacter(ctx context.Context, req gen.SpeakCharacterRequestObject) (gen.SpeakCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	in := toSpeakInput(req.Body)
	voice := deref(req.Body.Voice)
	if wantsStream(ctx, req.Body) {
		stream, err := h.speakStream(ctx, tenant, req.CharacterId, in, voice)
		if err != nil {
			return nil, err
		}
		return legacySpeakStream{stream, req.CharacterId}, nil
	}
	if voice {
		return nil, domain.ValidationError(domain.FieldError{Field: "voice",
			Message: "needs a stream to put the audio in: call POST /v1/characters/{character_id}/speak/stream"})
	}
	res, err := h.svc.Characters.Speak(ctx, tenant, req.CharacterId, in, nil)
	if err != nil {
		return nil, err
	}
	return gen.SpeakCharacter200JSONResponse{Body: h.toSpeakResponse(res)}, nil
}

// StreamSpeakCharacter answers POST /v1/characters/{character_id}/speak/stream with
// server-sent events: dialogue.delta events, then one dialogue.completed or error.
func (h *handlers) StreamSpeakCharacter(ctx context.Context, req gen.StreamSpeakCharacterRequestObject) (gen.StreamSpeakCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	return h.speakStream(ctx, tenant, req.CharacterId, toSpeakInput(req.Body), deref(req.Body.Voice))
}

// legacySpeakStream lets speak answer with the stream speak/stream sends.
type legacySpeakStream struct {
	eventStreamResponse
	characterID string
}

// VisitSpeakCharacterResponse implements gen.SpeakCharacterResponseObject; the answer says
// the form is deprecated and names speak/stream as its successor.
func (s legacySpeakStream) VisitSpeakCharacterResponse(w http.ResponseWriter) error {
	markDeprecated(w.Header(), legacyStreamDeprecated, legacyStreamSunset, "/v1/characters/"+s.characterID+"/speak/stream")
	return s.VisitStreamSpeakCharacterResponse(w)
}

// speakStream starts the character's line as an event stream. It fails before the stream
// starts when it can, so bad input is a plain 422 and a missing character a plain 404.
// With voice, the line is also spoken as it is written (see speakAloud): the voice and
// the tenant's stream slot are checked before the stream starts too.
func (h *handlers) speakStream(ctx context.Context, tenant string, characterID string, in domain.SpeakInput, voice bool) (eventStreamResponse, error) {
	if err := domain.ValidateSpeak(in); err != nil {
		return eventStreamResponse{}, err
	}
	if _, err := h.svc.Characters.Get(ctx, tenant, characterID); err != nil {
		return eventStreamResponse{}, err
	}
	var speech *domain.SpeechStream
	aloud := &sseSpeech{requestID: requestIDFrom(ctx)}
	if voice {
		var err error
		speech, err = h.svc.Voice.StreamSpeech(ctx, tenant, domain.SpeechStreamInput{CharacterID: characterID}, aloud.events())
		if err != nil {
			return eventStreamResponse{}, err
		}
	}
	resp := h.eventStream(ctx, "dialogue", func(stream *sseStream) error {
		aloud.stream = stream
		res, err := h.svc.Characters.Speak(ctx, tenant, characterID, in, func(delta string) error {
			if err := stream.event("dialogue.delta", map[string]any{"delta": delta}); err != nil {
				return err
			}
			if speech != nil {
				return speech.Write(delta)
			}
			return nil
		})
		if err != nil {
			if speech != nil {
				speech.Abort()
			}
			return err
		}
		if speech != nil {
			if err := aloud.finish(h, speech); err != nil {
				return err
			}
		}
		return stream.event("dialogue.completed", map[string]any{"response": h.toSpeakResponse(res)})
	})
	return resp, nil
}

func toSpeakInput(b *gen.SpeakRequest) domain.SpeakInput {
	in := domain.SpeakInput{GameContext: deref(b.GameContext), Mood: deref(b.Mood), PlayerID: deref(b.PlayerId), Actions: fromCatalogue(b.Actions)}
	for _, m := range b.ContextMessages {
		in.Messages = append(in.Messages, domain.Line{Speaker: m.Speaker, Text: m.Text})
	}
	if b.Length != nil {
		in.Length = string(*b.Length)
	}
	if b.TabooWords != nil {
		in.TabooWords = *b.TabooWords
	}
	return in
}
