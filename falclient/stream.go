package falclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Stream calls endpoint's SSE stream (POST {RunURL}/{endpoint}/stream) and calls onEvent
// with each event's JSON data, in order. It returns nil when the stream ends, or at a
// "[DONE]" event.
//
// Failing before the stream starts is retried like any call; once events flow nothing is
// retried. An "error" event, or an event whose JSON has a non-empty "error" field, ends
// the stream with CodeFalServiceError. An error from onEvent ends it and is returned as
// is. Timeout bounds the whole stream.
func (c *Client) Stream(ctx context.Context, endpoint string, input any, onEvent func(data json.RawMessage) error) error {
	o, err := c.begin(ctx, endpoint, c.cfg.Timeout)
	if err != nil {
		return err
	}
	defer o.end()
	body, err := encodeInput(input)
	if err != nil {
		return err
	}
	u := c.cfg.RunURL + "/" + endpoint
	if !strings.HasSuffix(endpoint, "/stream") {
		u += "/stream"
	}
	h := http.Header{"Accept": {"text/event-stream"}}
	resp, _, err := c.exchange(o, request{method: http.MethodPost, url: u, body: body, header: h, stream: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		// Not a stream after all: a JSON answer is the one and final event.
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			return o.broken(err)
		}
		return o.dispatch(sseEvent{data: string(data)}, onEvent)
	}
	r := newSSEReader(resp.Body)
	for {
		ev, err := r.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return o.broken(err)
		}
		if strings.TrimSpace(ev.data) == "[DONE]" {
			return nil
		}
		if err := o.dispatch(ev, onEvent); err != nil {
			return err
		}
		// Stop promptly when the caller gives up, even if events are already buffered.
		if err := o.doneErr(); err != nil {
			return err
		}
	}
}

// dispatch checks one event for an in-band error and hands its data to onEvent.
func (o *op) dispatch(ev sseEvent, onEvent func(json.RawMessage) error) error {
	data := strings.TrimSpace(ev.data)
	if data == "" {
		return nil // a keep-alive with an empty data line
	}
	if ev.name == "error" {
		msg := payloadError([]byte(data))
		if msg == "" {
			msg = data
		}
		return o.inBand(msg, nil)
	}
	if !json.Valid([]byte(data)) {
		return o.badAnswer(http.StatusOK, []byte(data), errors.New("stream event is not JSON"))
	}
	if msg := payloadError([]byte(data)); msg != "" {
		return o.inBand(msg, nil)
	}
	return onEvent(json.RawMessage(data))
}

// broken maps a failure to read the stream: the caller or the deadline ended it, or the
// connection broke (not retried: events may already have been handed out).
func (o *op) broken(err error) error {
	if derr := o.doneErr(); derr != nil {
		return derr
	}
	if errors.Is(err, errSSETooLarge) {
		return o.badAnswer(http.StatusOK, nil, err)
	}
	e := o.unreachable(err)
	e.Message = "fal.ai failed: the " + o.endpoint + " stream broke off."
	return e
}
