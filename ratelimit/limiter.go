package ratelimit

import (
	"context"
	"time"
)

// Limiter keeps GCRA budgets. Allow spends one request of bucket's budget under policy p
// when the budget has one left; a refused request spends nothing.
type Limiter interface {
	Allow(ctx context.Context, bucket string, p Policy) (Result, error)
}

// Refunder is a Limiter that can give back a request Allow spent. Check uses it so that a
// request one policy refuses does not consume the other policies' budgets.
type Refunder interface {
	Refund(ctx context.Context, bucket string, p Policy) (Result, error)
}

// Result is the state of one budget after a call.
type Result struct {
	// Allowed reports whether the request was allowed (and spent).
	Allowed bool
	// Remaining is the number of requests the budget allows right now.
	Remaining int
	// ResetAfter is the time until the budget is full again.
	ResetAfter time.Duration
	// RetryAfter is the time until the budget allows one request; 0 when Allowed.
	RetryAfter time.Duration
}

// Option configures NewMemory and NewFailOpen.
type Option func(*options)

type options struct {
	now     func() time.Time
	backoff time.Duration
	timeout time.Duration
}

func newOptions(opts []Option) options {
	o := options{now: time.Now, backoff: time.Second, timeout: 250 * time.Millisecond}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithClock makes the limiter read the time from now instead of time.Now, so tests can
// move time without sleeping.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithBackoff sets how long FailOpen leaves its primary alone after the primary failed,
// before one call probes it again. The default is one second.
func WithBackoff(d time.Duration) Option { return func(o *options) { o.backoff = d } }

// WithTimeout bounds each call FailOpen makes to its primary. The default is 250 ms. A
// go-redis client honours it only when created with ContextTimeoutEnabled.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }
