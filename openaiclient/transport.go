package openaiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxErrorBody is how much of a failed response is read: enough for any real error message,
// bounded so a misbehaving server cannot make us buffer a page of HTML.
const maxErrorBody = 64 << 10

// watchdog cancels an attempt that makes no progress for its duration. Complete arms it once
// for the whole attempt; Stream re-arms it on every event, so it measures silence.
type watchdog struct {
	d time.Duration
	t *time.Timer
}

func newWatchdog(d time.Duration, cancel context.CancelCauseFunc) *watchdog {
	return &watchdog{d: d, t: time.AfterFunc(d, func() { cancel(errWatchdog) })}
}

// reset re-arms the watchdog for another full duration.
func (w *watchdog) reset() { w.t.Reset(w.d) }

// stop disarms the watchdog, while the caller rather than the server is busy.
func (w *watchdog) stop() { w.t.Stop() }

// attempt sends one request and hands a 2xx response to read. Everything else becomes a
// failure: the caller's cancellation, the watchdog, a connection error or an error status.
func (c *Client) attempt(ctx context.Context, body []byte, accept string,
	read func(actx context.Context, resp *http.Response, wd *watchdog) *failure) *failure {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	wd := newWatchdog(c.timeout, cancel)
	defer wd.stop()

	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return &failure{err: c.connError(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "troupe-openaiclient")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportFailure(ctx, actx, err, true)
	}
	// Closing the body is also what stops the upstream read when the caller goes away.
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.statusFailure(ctx, resp)
	}
	return read(actx, resp, wd)
}

// transportFailure classifies an error from sending or reading: the caller's ctx comes
// first (it is theirs, not the provider's fault), then the watchdog, then the connection.
func (c *Client) transportFailure(ctx, actx context.Context, err error, retry bool) *failure {
	switch {
	case ctx.Err() != nil:
		return &failure{err: canceled(ctx.Err())}
	case errors.Is(context.Cause(actx), errWatchdog):
		// Not retried: the attempt already used a whole Timeout, and another would make
		// the caller wait several.
		return &failure{err: c.timeoutError()}
	default:
		return &failure{err: c.connError(err), retry: retry}
	}
}

// statusFailure turns an error status into a PROVIDER_ERROR, retryable for 429 and 5xx.
func (c *Client) statusFailure(ctx context.Context, resp *http.Response) *failure {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if ctx.Err() != nil {
		return &failure{err: canceled(ctx.Err())}
	}
	cause := fmt.Errorf("upstream status %d", resp.StatusCode)
	var env struct{ Error *apiError }
	if json.Unmarshal(data, &env) == nil && env.Error != nil && env.Error.Message != "" {
		cause = fmt.Errorf("upstream status %d: %s", resp.StatusCode, truncate(env.Error.Message, maxUpstreamBody))
	}
	return &failure{
		err:        c.upstreamError(resp.StatusCode, string(data), cause),
		retry:      resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500,
		retryAfter: retryAfter(resp.Header, time.Now()),
	}
}
