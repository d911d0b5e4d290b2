package openaiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// streamState is what one streaming attempt has gathered.
type streamState struct {
	text strings.Builder
	// model and usage are the last the server reported; usage comes in a final chunk.
	model string
	usage *chatUsage
	// delivered is set once onDelta has been called: from then on the attempt must not be
	// retried, since the caller has already shown the text.
	delivered bool
	// finished is set by a finish_reason, done by [DONE]. Either makes the end of the body
	// a normal end; without them it is a cut stream.
	finished, done bool
}

// Stream sends req as a streaming request and calls onDelta with each piece of text as it
// arrives. The result is what Complete would return; in JSON mode its Text has any Markdown
// fence removed, while the deltas are the server's text as sent.
//
// A server that ignores "stream": true and answers plain JSON is accepted: its whole answer
// is one delta. Any other body that is not an event stream (a proxy's HTML page) fails as
// Complete would fail on it, with the body in upstream_body.
func (c *Client) Stream(ctx context.Context, req domain.TextRequest, onDelta func(delta string) error) (domain.TextResult, error) {
	start := time.Now()
	if c.unusable != "" {
		return domain.TextResult{}, c.unavailableError()
	}
	model := c.modelFor(req)
	body, err := json.Marshal(buildRequest(model, req, true))
	if err != nil { // only a NaN or infinite temperature gets here
		return domain.TextResult{}, fmt.Errorf("openaiclient: encoding the request: %w", err)
	}
	var st *streamState
	err = c.withRetries(ctx, func(ctx context.Context) *failure {
		st = &streamState{}
		return c.attempt(ctx, body, "text/event-stream", func(actx context.Context, resp *http.Response, wd *watchdog) *failure {
			if isEventStream(resp.Header.Get("Content-Type")) {
				return c.readEvents(ctx, actx, resp, wd, st, onDelta)
			}
			return c.readUnstreamed(ctx, actx, resp, st, onDelta)
		})
	})
	if err != nil {
		return domain.TextResult{}, err
	}
	return c.result(req, model, st.model, st.text.String(), st.usage, start), nil
}

// readEvents reads the event stream into st, passing each delta to onDelta.
func (c *Client) readEvents(ctx, actx context.Context, resp *http.Response, wd *watchdog,
	st *streamState, onDelta func(string) error) *failure {
	events := newSSEReader(resp.Body)
	wd.reset() // the headers arrived; from now on the watchdog measures silence between events
	for {
		data, err := events.next()
		switch {
		case errors.Is(err, io.EOF):
			if st.finished || st.done {
				return nil
			}
			return c.cutStream(ctx, actx, st, io.ErrUnexpectedEOF)
		case errors.Is(err, errEventTooLarge):
			return &failure{err: c.upstreamError(resp.StatusCode, "", err)}
		case err != nil && st.finished && ctx.Err() == nil:
			// The answer was complete and only the usage or [DONE] is missing: a server
			// that holds the connection open or drops it then has still answered.
			return nil
		case err != nil:
			return c.cutStream(ctx, actx, st, err)
		}
		wd.reset()
		data = bytes.TrimSpace(data)
		if string(data) == "[DONE]" {
			st.done = true
			return nil
		}
		var chunk chatResponse
		if err := json.Unmarshal(data, &chunk); err != nil {
			return &failure{err: c.upstreamError(resp.StatusCode, string(data), err)}
		}
		if chunk.Error != nil {
			// An in-band error: the status was 200, but the model failed mid-answer.
			return &failure{err: c.upstreamError(resp.StatusCode, string(data), errors.New(chunk.Error.Message))}
		}
		if chunk.Model != "" {
			st.model = chunk.Model
		}
		if chunk.Usage != nil {
			st.usage = chunk.Usage
		}
		if len(chunk.Choices) == 0 { // the usage chunk has none
			continue
		}
		choice := chunk.Choices[0]
		if choice.FinishReason != nil && *choice.FinishReason != "" {
			st.finished = true
		}
		if d := choice.Delta.Content; d != nil && *d != "" {
			if f := deliver(st, *d, wd, onDelta); f != nil {
				return f
			}
		}
	}
}

// readUnstreamed accepts a non-streamed answer to a streaming request as a single delta.
func (c *Client) readUnstreamed(ctx, actx context.Context, resp *http.Response, st *streamState,
	onDelta func(string) error) *failure {
	answer, f := c.readAnswer(ctx, actx, resp)
	if f != nil {
		return f
	}
	st.model, st.usage, st.finished = answer.Model, answer.Usage, true
	if text := *answer.Choices[0].Message.Content; text != "" {
		return deliver(st, text, nil, onDelta)
	}
	return nil
}

// deliver records a delta and hands it to the caller. The watchdog is off meanwhile: a slow
// caller (a client reading a stream over a bad network) is not the provider timing out.
func deliver(st *streamState, delta string, wd *watchdog, onDelta func(string) error) *failure {
	st.text.WriteString(delta)
	st.delivered = true
	if wd != nil {
		wd.stop()
		defer wd.reset()
	}
	if err := onDelta(delta); err != nil {
		return &failure{err: err, callers: true}
	}
	return nil
}

// cutStream classifies a stream that ended early. It may be retried only while the caller
// has seen nothing of it.
func (c *Client) cutStream(ctx, actx context.Context, st *streamState, err error) *failure {
	return c.transportFailure(ctx, actx, err, !st.delivered)
}

// isEventStream reports whether a Content-Type announces an event stream. A missing one is
// taken as a stream too, since a server that streams without saying so is likelier than one
// that answers a streaming request with an unlabeled plain body.
func isEventStream(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/event-stream"
}
