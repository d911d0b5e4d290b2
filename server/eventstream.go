package server

import (
	"context"
	"fmt"
	"io"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// eventStream runs produce in its own goroutine and returns the reader a strict handler
// copies to the client as server-sent events. produce sends its events on the stream; if
// it fails (or panics) the stream ends with an error event carrying the standard error
// object. The client going away cancels ctx, and the next write then fails, so produce
// stops. what names the stream in the log of an internal failure.
func (h *handlers) eventStream(ctx context.Context, what string, produce func(stream *sseStream) error) io.ReadCloser {
	pr, pw := io.Pipe()
	// Closing the reader when ctx ends fails any pending write.
	stopWatch := context.AfterFunc(ctx, func() { pr.CloseWithError(ctx.Err()) })
	stream := &sseStream{w: pw}
	requestID := requestIDFrom(ctx)
	go func() {
		defer stopWatch()
		defer pw.Close()
		if h.cfg.TrackStream != nil {
			defer h.cfg.TrackStream()()
		}
		stopBeat := stream.heartbeat(heartbeatInterval)
		defer stopBeat()
		fail := func(err error) {
			de := toDomainError(err, h.cfg.MaxBodyBytes)
			stream.event("error", map[string]any{"error": gen.ApiError{
				Code: gen.ErrorCode(de.Code), Message: de.Message, Details: toDetails(de.Details), RequestId: requestID,
			}})
			if de.Code == domain.CodeInternal && ctx.Err() == nil {
				h.cfg.Logger.Error(what+" stream failed", "request_id", requestID, "error", err)
			}
		}
		// Echo's recover covers only the handler's goroutine; a panic here would kill the
		// server.
		defer func() {
			if p := recover(); p != nil {
				fail(fmt.Errorf("panic: %v", p))
			}
		}()
		if err := produce(stream); err != nil {
			fail(err)
		}
	}()
	return pr
}
