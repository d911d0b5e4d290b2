package openaiclient

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// failure is how one attempt failed, and whether another attempt may follow it.
type failure struct {
	err   error
	retry bool
	// retryAfter is what the server asked us to wait (Retry-After); 0 when it did not ask.
	retryAfter time.Duration
	// callers marks an error that onDelta returned: it is passed back untouched.
	callers bool
}

// withRetries runs attempt until it succeeds, fails for good, or the retries run out. The
// caller's ctx is checked before every attempt and interrupts every wait, so a canceled
// call never sends another request.
func (c *Client) withRetries(ctx context.Context, attempt func(ctx context.Context) *failure) error {
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return canceled(err)
		}
		f := attempt(ctx)
		if f == nil {
			return nil
		}
		if de, ok := f.err.(*domain.Error); ok && de.Details != nil && !f.callers {
			de.Details["attempts"] = n + 1
		}
		if !f.retry || n >= c.maxRetries || ctx.Err() != nil {
			return f.err
		}
		wait, ok := c.backoff(n, f.retryAfter)
		if !ok {
			return f.err
		}
		if err := sleep(ctx, wait); err != nil {
			return canceled(err)
		}
	}
}

// backoff is the wait before retry n+1: RetryBase doubled n times, capped at RetryMax, with
// "equal jitter" (a random point in the upper half) so that clients failing together do not
// retry together. A Retry-After lengthens the wait; one beyond RetryMax makes ok false,
// since waiting that long inside a request is worse than failing now.
func (c *Client) backoff(n int, retryAfter time.Duration) (wait time.Duration, ok bool) {
	if retryAfter > c.retryMax {
		return 0, false
	}
	d := c.retryMax
	if n < 32 { // beyond that the shift overflows, and the cap was reached long before
		d = min(c.retryBase<<n, c.retryMax)
	}
	half := d / 2
	wait = half + rand.N(d-half+1)
	return max(wait, retryAfter), true
}

// retryAfter reads how long the server asked us to wait: OpenAI's retry-after-ms, else
// Retry-After in seconds or as an HTTP date. It is 0 when absent or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 || s > 1e6 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
