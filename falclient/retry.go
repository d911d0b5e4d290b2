package falclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// maxErrorBody caps how much of a failed response is read.
const maxErrorBody = 64 << 10

// exchange sends r within o, retrying what is worth retrying, and returns the answer.
// It is the one retry loop of every call to fal and every download of what fal made.
// Without r.stream the body is read (a broken read is retried like a broken connection);
// with it, the body is left to the caller, who must close it. Every failure is already
// mapped: *domain.Error (a download's with details {"stage": "download"}), or the
// caller's context error.
func (c *Client) exchange(o *op, r request) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		resp, body, failure, retry, wait := c.attempt(o, r, attempt)
		if failure == nil {
			return resp, body, nil
		}
		if err := o.doneErr(); err != nil {
			return nil, nil, err
		}
		if !retry || attempt >= c.cfg.MaxRetries {
			return nil, nil, r.failed(failure)
		}
		// A wait that outlasts the call's deadline would only end in a timeout; the
		// upstream failure says more.
		if dl, ok := o.ctx.Deadline(); ok && time.Until(dl) <= wait {
			return nil, nil, r.failed(failure)
		}
		if err := c.sleep(o.ctx, wait); err != nil {
			if err := o.doneErr(); err != nil {
				return nil, nil, err
			}
			return nil, nil, r.failed(failure)
		}
	}
}

// failed is the error an exchange of r ends with after failure: a download's carries
// details {"stage": "download"}.
func (r request) failed(failure error) error {
	var de *domain.Error
	if r.media != nil && errors.As(failure, &de) {
		return downloadErr(de)
	}
	return failure
}

// attempt sends r once. On failure it says whether to retry and after how long.
func (c *Client) attempt(o *op, r request, n int) (resp *http.Response, body []byte, failure error, retry bool, wait time.Duration) {
	req, err := c.newHTTPRequest(o.ctx, r)
	if err != nil {
		return nil, nil, fmt.Errorf("falclient: build request: %w", o.redact(err)), false, 0
	}
	delay := backoff(n, c.cfg.RetryBase, c.cfg.RetryMax)
	resp, err = c.http.Do(req)
	if err != nil {
		return nil, nil, o.unreachable(err), true, delay
	}
	ok := resp.StatusCode/100 == 2 || (r.accept != 0 && resp.StatusCode == r.accept)
	if ok && r.stream {
		return resp, nil, nil, false, 0
	}
	if ok {
		defer resp.Body.Close()
		limit := maxBody
		if r.media != nil {
			limit = r.media.limit
		}
		body, err = io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
		if err != nil {
			return nil, nil, o.unreachable(err), true, delay
		}
		if len(body) > limit {
			if r.media != nil {
				// A file's bytes say nothing useful in details.
				return nil, nil, o.badAnswer(resp.StatusCode, nil, errors.New(r.media.noun+" too large")), false, 0
			}
			return nil, nil, o.badAnswer(resp.StatusCode, body[:maxDetailBody], errors.New("answer too large")), false, 0
		}
		return resp, body, nil, false, 0
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	failure = o.upstream(resp.StatusCode, resp.Header, body)
	if !retryable(resp) {
		return nil, nil, failure, false, 0
	}
	if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return nil, nil, failure, true, min(d, c.cfg.RetryMax)
	}
	return nil, nil, failure, true, delay
}

// retryable reports whether an HTTP failure may succeed when sent again: 429 and the
// transient 5xx, except a 504 for a start timeout the caller itself asked for.
func retryable(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
		return true
	case http.StatusGatewayTimeout:
		return resp.Header.Get("X-Fal-Request-Timeout-Type") != "user"
	}
	return false
}

// backoff is the wait before retry n+1: full jitter, uniform in [0, min(max, base·2^n)].
func backoff(n int, base, max time.Duration) time.Duration {
	ceil := max
	if n < 62 && base < max>>n {
		ceil = base << n
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil + 1)
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleepCtx waits d, or less if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
