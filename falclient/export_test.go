package falclient

import (
	"context"
	"errors"
	"io"
	"time"
)

// SetSleep replaces the wait between retries, so tests observe delays without waiting.
func SetSleep(c *Client, f func(ctx context.Context, d time.Duration) error) { c.sleep = f }

// SetDownloadLimit lowers the size limit of c's downloads to n bytes.
func SetDownloadLimit(c *Client, n int) { c.downloadLimit = n }

// Backoff, RetryAfter and CleanJSON expose internals to the tests.
var (
	Backoff    = backoff
	RetryAfter = retryAfter
	CleanJSON  = cleanJSON
)

// SSEEvent is a parsed server-sent event.
type SSEEvent struct{ Name, Data, ID string }

// ParseSSE reads every event of a stream.
func ParseSSE(r io.Reader) ([]SSEEvent, error) {
	sr := newSSEReader(r)
	var out []SSEEvent
	for {
		ev, err := sr.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, SSEEvent{Name: ev.name, Data: ev.data, ID: ev.id})
	}
}

// Deltas feeds outputs (the last one final) through the stream's delta tracker.
func Deltas(outputs ...string) []string {
	var d deltas
	var got []string
	for i, o := range outputs {
		if p := d.add(o, i == len(outputs)-1); p != "" {
			got = append(got, p)
		}
	}
	return got
}
