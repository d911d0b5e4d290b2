package server

import (
	"context"
	"fmt"
	"io"
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

// wantsStream says whether to answer with events: "stream": true or an Accept header
// naming text/event-stream. The validator writes the schema's default ("stream": false)
// into every body, so an explicit false cannot be told apart and does not override the
// header.
func wantsStream(ctx context.Context, body *gen.SpeakRequest) bool {
	if body.Stream != nil && *body.Stream {
		return true
	}
	accept, _ := ctx.Value(acceptKey{}).(string)
	return strings.Contains(accept, "text/event-stream")
}

// SpeakCharacter answers POST /v1/characters/{character_id}/speak, as JSON or, when asked,
// as server-sent events: dialogue.delta events, then one dialogue.completed or error.
func (h *handlers) SpeakCharacter(ctx context.Context, req gen.SpeakCharacterRequestObject) (gen.SpeakCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	in := toSpeakInput(req.Body)
	if !wantsStream(ctx, req.Body) {
		res, err := h.svc.Characters.Speak(ctx, tenant, req.CharacterId, in, nil)
		if err != nil {
			return nil, err
		}
		return gen.SpeakCharacter200JSONResponse{Body: toSpeakResponse(res)}, nil
	}
	// Fail before the stream starts when we can, so bad input is a plain 422 and a missing
	// character a plain 404.
	if err := domain.ValidateSpeak(in); err != nil {
		return nil, err
	}
	if _, err := h.svc.Characters.Get(ctx, tenant, req.CharacterId); err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	// The client going away cancels ctx; closing the reader then fails any pending write.
	stopWatch := context.AfterFunc(ctx, func() { pr.CloseWithError(ctx.Err()) })
	stream := &sseStream{w: pw}
	requestID := requestIDFrom(ctx)
	go func() {
		defer stopWatch()
		defer pw.Close()
		stopBeat := stream.heartbeat(heartbeatInterval)
		defer stopBeat()
		fail := func(err error) {
			de := toDomainError(err, h.cfg.MaxBodyBytes)
			stream.event("error", map[string]any{"error": gen.Error{
				Code: string(de.Code), Message: de.Message, Details: toDetails(de.Details), RequestId: requestID,
			}})
			if de.Code == domain.CodeInternal && ctx.Err() == nil {
				h.cfg.Logger.Error("dialogue stream failed", "request_id", requestID, "error", err)
			}
		}
		// Echo's recover covers only the handler's goroutine; a panic here would kill the
		// server.
		defer func() {
			if p := recover(); p != nil {
				fail(fmt.Errorf("panic: %v", p))
			}
		}()
		res, err := h.svc.Characters.Speak(ctx, tenant, req.CharacterId, in, func(delta string) error {
			return stream.event("dialogue.delta", map[string]any{"delta": delta})
		})
		if err != nil {
			fail(err)
			return
		}
		stream.event("dialogue.completed", map[string]any{"response": toSpeakResponse(res)})
	}()
	return gen.SpeakCharacter200TexteventStreamResponse{
		Body: pr, Headers: gen.SpeakCharacter200ResponseHeaders{CacheControl: ptr("no-cache")},
	}, nil
}

func toSpeakInput(b *gen.SpeakRequest) domain.SpeakInput {
	in := domain.SpeakInput{GameContext: deref(b.GameContext), Mood: deref(b.Mood)}
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
