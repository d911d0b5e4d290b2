package server

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// eventStreamResponse answers an operation with server-sent events that produce writes
// straight to the client, in the handler's own goroutine: no pipe, no copy buffer and no
// second goroutine per stream, which is what lets one replica hold thousands open. If
// produce fails (or panics) the stream ends with an error event carrying the standard
// error object. The client going away cancels ctx, and the next write then fails, so
// produce stops. what names the stream in the log of an internal failure.
//
// It is the answer of every streaming operation (speak, conversation turns, speech).
type eventStreamResponse struct {
	h       *handlers
	ctx     context.Context
	what    string
	produce func(stream *sseStream) error
}

func (h *handlers) eventStream(ctx context.Context, what string, produce func(stream *sseStream) error) eventStreamResponse {
	return eventStreamResponse{h: h, ctx: ctx, what: what, produce: produce}
}

// VisitStreamSpeakCharacterResponse implements gen.StreamSpeakCharacterResponseObject.
func (r eventStreamResponse) VisitStreamSpeakCharacterResponse(w http.ResponseWriter) error {
	return r.serve(w)
}

// VisitStreamConversationTurnsResponse implements gen.StreamConversationTurnsResponseObject.
func (r eventStreamResponse) VisitStreamConversationTurnsResponse(w http.ResponseWriter) error {
	return r.serve(w)
}

// VisitStreamSpeechResponse implements gen.StreamSpeechResponseObject.
func (r eventStreamResponse) VisitStreamSpeechResponse(w http.ResponseWriter) error {
	return r.serve(w)
}

func (r eventStreamResponse) serve(w http.ResponseWriter) error {
	h := r.h
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	stream := &sseStream{w: flushingWriter{w: w, flusher: flusher}}
	if h.cfg.TrackStream != nil {
		defer h.cfg.TrackStream()()
	}
	// A first comment at once sends the status and headers: the client knows the stream
	// is open before the first event, however long that takes. Should the client be gone
	// already, produce still runs and fails at its first event, so what it holds (a
	// speech stream, its slot) is given back as it would be on any failure.
	_ = stream.comment("open")
	stopBeat := stream.heartbeat(heartbeatInterval)
	// No write may reach w once the handler has returned.
	defer stream.close(stopBeat)
	requestID := requestIDFrom(r.ctx)
	fail := func(err error) {
		de := toDomainError(err, h.cfg.MaxBodyBytes)
		_ = stream.event("error", map[string]any{"error": gen.ApiError{
			Code: gen.ErrorCode(de.Code), Message: de.Message, Details: toDetails(de.Details), RequestId: requestID,
		}})
		if de.Code == domain.CodeInternal && r.ctx.Err() == nil {
			h.cfg.Logger.Error(r.what+" stream failed", "request_id", requestID, "error", err)
		}
	}
	// Echo's recover would answer a panic with a 500 the client can no longer see, the
	// status having gone out with the first comment.
	defer func() {
		if p := recover(); p != nil {
			fail(fmt.Errorf("panic: %v", p))
		}
	}()
	if err := r.produce(stream); err != nil {
		fail(err)
	}
	return nil
}

// flushingWriter flushes every write, so each event reaches the client as it is written.
type flushingWriter struct {
	w       io.Writer
	flusher http.Flusher
}

func (f flushingWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil && f.flusher != nil {
		f.flusher.Flush()
	}
	return n, err
}
