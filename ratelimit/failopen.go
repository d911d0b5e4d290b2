package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// FailOpen is a Limiter that uses its primary (Redis) and, when the primary fails,
// answers from its fallback (Memory) instead: a rate limiter outage must not fail
// requests. While the primary is down each process enforces its own budgets, so a tenant
// can get up to one quota per process.
//
// After a failure FailOpen is degraded: calls go straight to the fallback, costing no
// wait on the dead primary, and once per back-off period a single call probes the primary
// again; the first success ends the degraded state. Calls to the primary are bounded by
// a timeout. A call whose own context ends says nothing about the primary and changes
// no state.
type FailOpen struct {
	primary, fallback Limiter
	log               *slog.Logger
	now               func() time.Time
	backoff, timeout  time.Duration

	// degraded is read on every call, hence atomic; mu guards the probe below.
	degraded atomic.Bool
	mu       sync.Mutex
	probing  bool
	probeAt  time.Time
}

// NewFailOpen returns a FailOpen over primary and fallback that logs its state changes to
// logger (slog.Default when nil). It reads WithClock, WithBackoff and WithTimeout.
func NewFailOpen(primary, fallback Limiter, logger *slog.Logger, opts ...Option) *FailOpen {
	o := newOptions(opts)
	if logger == nil {
		logger = slog.Default()
	}
	return &FailOpen{primary: primary, fallback: fallback, log: logger, now: o.now, backoff: o.backoff, timeout: o.timeout}
}

// Allow implements Limiter. It never fails unless the fallback does.
func (f *FailOpen) Allow(ctx context.Context, bucket string, p Policy) (Result, error) {
	var r Result
	if f.tryPrimary(ctx, func(ctx context.Context) (err error) {
		r, err = f.primary.Allow(ctx, bucket, p)
		return err
	}) {
		return r, nil
	}
	return f.fallback.Allow(ctx, bucket, p)
}

// Refund implements Refunder, on whichever limiter serves calls now; a limiter that
// cannot refund makes it a no-op.
func (f *FailOpen) Refund(ctx context.Context, bucket string, p Policy) (Result, error) {
	if pr, ok := f.primary.(Refunder); ok && !f.degraded.Load() {
		var r Result
		if f.tryPrimary(ctx, func(ctx context.Context) (err error) {
			r, err = pr.Refund(ctx, bucket, p)
			return err
		}) {
			return r, nil
		}
	}
	if fr, ok := f.fallback.(Refunder); ok {
		return fr.Refund(ctx, bucket, p)
	}
	return Result{Allowed: true}, nil
}

// Status reports ok while the primary serves, degraded while the fallback does (never
// unavailable: requests are still limited, per process). When degraded and a probe is
// due, it pings a primary that is a domain.Pinger first, so health recovers without
// traffic.
func (f *FailOpen) Status(ctx context.Context) domain.DependencyHealth {
	if pinger, ok := f.primary.(domain.Pinger); ok && f.degraded.Load() {
		f.tryPrimary(ctx, pinger.Ping)
	}
	if f.degraded.Load() {
		return domain.DependencyHealth{Status: domain.StatusDegraded, Engine: engineOf(f.fallback, "fallback"),
			Detail: engineOf(f.primary, "the primary rate limiter") + " does not answer; each process enforces the limits on its own"}
	}
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: engineOf(f.primary, "primary")}
}

// Degraded reports whether the fallback serves calls.
func (f *FailOpen) Degraded() bool { return f.degraded.Load() }

// tryPrimary runs call against the primary when the primary is healthy or a probe is due,
// records the outcome, and reports whether call succeeded.
func (f *FailOpen) tryPrimary(ctx context.Context, call func(context.Context) error) bool {
	probe := f.degraded.Load()
	if probe && !f.claimProbe() {
		return false
	}
	cctx, cancel := context.WithTimeout(ctx, f.timeout)
	err := call(cctx)
	cancel()
	if err == nil && !probe && !f.degraded.Load() {
		return true // the common case takes no lock and writes nothing shared
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if probe {
		f.probing = false
	}
	switch {
	case err == nil:
		if f.degraded.Swap(false) {
			f.log.Info("rate limiter: primary answers again", slog.String("engine", engineOf(f.primary, "primary")))
		}
		return true
	case ctx.Err() != nil:
		// The caller went away, which says nothing about the primary.
		return false
	default:
		if !f.degraded.Swap(true) {
			f.log.Warn("rate limiter: primary failed; limiting per process until it answers",
				slog.String("engine", engineOf(f.primary, "primary")), slog.Any("error", err))
		}
		f.probeAt = f.now().Add(f.backoff)
		return false
	}
}

// claimProbe makes the caller the one probe of the primary when the back-off has passed.
func (f *FailOpen) claimProbe() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.probing || f.now().Before(f.probeAt) {
		return false
	}
	f.probing = true
	return true
}

func engineOf(l any, unnamed string) string {
	if e, ok := l.(interface{ Engine() string }); ok {
		return e.Engine()
	}
	return unnamed
}
