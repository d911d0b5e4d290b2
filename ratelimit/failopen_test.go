package ratelimit_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// switchable is a primary whose health the test sets, counting the calls it gets.
type switchable struct {
	ratelimit.Limiter
	down  atomic.Bool
	calls atomic.Int64
	// entered, when set, receives each call before it proceeds past release.
	entered chan struct{}
	release chan struct{}
}

func (s *switchable) Allow(ctx context.Context, bucket string, p ratelimit.Policy) (ratelimit.Result, error) {
	s.calls.Add(1)
	if s.entered != nil {
		s.entered <- struct{}{}
		<-s.release
	}
	if s.down.Load() {
		return ratelimit.Result{}, errDown
	}
	return s.Limiter.Allow(ctx, bucket, p)
}

func (s *switchable) Ping(context.Context) error {
	s.calls.Add(1)
	if s.down.Load() {
		return errDown
	}
	return nil
}

func (s *switchable) Engine() string { return "fake" }

// While the primary is down FailOpen answers from the fallback and leaves the primary
// alone until the back-off has passed; then one call probes it, and a success ends the
// degraded state.
func TestFailOpenBacksOffAndProbes(t *testing.T) {
	t.Parallel()
	clk := newClock()
	primary := &switchable{Limiter: ratelimit.NewMemory(ratelimit.WithClock(clk.Now))}
	f := ratelimit.NewFailOpen(primary, ratelimit.NewMemory(ratelimit.WithClock(clk.Now)), quiet,
		ratelimit.WithClock(clk.Now), ratelimit.WithBackoff(time.Second))
	allow := func() ratelimit.Result {
		t.Helper()
		r, err := f.Allow(t.Context(), "b", perHour)
		if err != nil {
			t.Fatalf("FailOpen failed: %v", err)
		}
		return r
	}

	allow()
	if s := f.Status(t.Context()); s.Status != domain.StatusOK || s.Engine != "fake" {
		t.Errorf("healthy status %+v", s)
	}

	primary.down.Store(true)
	calls := primary.calls.Load()
	// The fallback starts from a full budget of its own.
	for i := range 5 {
		if r := allow(); !r.Allowed || r.Remaining != perHour.Quota-1-i {
			t.Fatalf("fallback request %d: %+v", i+1, r)
		}
	}
	if got := primary.calls.Load() - calls; got != 1 {
		t.Errorf("the primary got %d calls during the back-off, want only the one that failed", got)
	}
	if s := f.Status(t.Context()); s.Status != domain.StatusDegraded || s.Engine != "memory" {
		t.Errorf("degraded status %+v", s)
	}

	clk.Advance(time.Second)
	calls = primary.calls.Load()
	allow() // the probe, which fails
	allow() // within the new back-off
	if got := primary.calls.Load() - calls; got != 1 {
		t.Errorf("the primary got %d calls once the back-off passed, want one probe", got)
	}
	if !f.Degraded() {
		t.Error("a failed probe ended the degraded state")
	}

	primary.down.Store(false)
	clk.Advance(time.Second)
	allow()
	if f.Degraded() {
		t.Error("a successful probe left FailOpen degraded")
	}
	calls = primary.calls.Load()
	allow()
	if primary.calls.Load()-calls != 1 {
		t.Error("after recovery calls do not reach the primary")
	}
}

// Only one call probes at a time: the others keep answering from the fallback while the
// probe waits on the primary.
func TestFailOpenProbesOnce(t *testing.T) {
	t.Parallel()
	clk := newClock()
	primary := &switchable{Limiter: ratelimit.NewMemory()}
	f := ratelimit.NewFailOpen(primary, ratelimit.NewMemory(), quiet, ratelimit.WithClock(clk.Now))
	primary.down.Store(true)
	f.Allow(t.Context(), "b", perHour)
	clk.Advance(time.Second)

	primary.entered, primary.release = make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { f.Allow(t.Context(), "b", perHour) })
	<-primary.entered // the probe is in the primary
	for range 10 {
		if _, err := f.Allow(t.Context(), "b", perHour); err != nil {
			t.Fatal(err)
		}
	}
	close(primary.release)
	wg.Wait()
	if got := primary.calls.Load(); got != 2 {
		t.Errorf("the primary got %d calls, want the failure and one probe", got)
	}
}

// A call whose caller went away says nothing about the primary.
func TestFailOpenIgnoresCanceledCalls(t *testing.T) {
	t.Parallel()
	primary := &switchable{Limiter: ratelimit.NewMemory()}
	primary.down.Store(true)
	f := ratelimit.NewFailOpen(primary, ratelimit.NewMemory(), quiet)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.Allow(ctx, "b", perHour); err != nil {
		t.Fatal(err)
	}
	if f.Degraded() {
		t.Error("a canceled call made FailOpen degraded")
	}
}

// Health recovers without traffic: Status pings a primary that can be pinged once the
// back-off has passed.
func TestFailOpenStatusProbes(t *testing.T) {
	t.Parallel()
	clk := newClock()
	primary := &switchable{Limiter: ratelimit.NewMemory()}
	f := ratelimit.NewFailOpen(primary, ratelimit.NewMemory(), quiet, ratelimit.WithClock(clk.Now))
	primary.down.Store(true)
	f.Allow(t.Context(), "b", perHour)
	primary.down.Store(false)
	if s := f.Status(t.Context()); s.Status != domain.StatusDegraded {
		t.Errorf("status within the back-off %+v", s)
	}
	clk.Advance(time.Second)
	if s := f.Status(t.Context()); s.Status != domain.StatusOK {
		t.Errorf("status after the back-off %+v", s)
	}
}

// A real Redis outage: requests keep being answered from memory and health says
// degraded; once the same Redis is back, the next probe returns to it.
func TestFailOpenSurvivesARedisOutage(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	clk := newClock()
	client := srv.Client()
	prefix := uniquePrefix(t, client)
	f := ratelimit.NewFailOpen(ratelimit.NewRedis(client, prefix), ratelimit.NewMemory(ratelimit.WithClock(clk.Now)), quiet,
		ratelimit.WithClock(clk.Now), ratelimit.WithBackoff(time.Second))
	policies := []ratelimit.Policy{perHour}
	check := func() ratelimit.Decision {
		t.Helper()
		d, err := ratelimit.Check(t.Context(), f, "tenant", policies)
		if err != nil {
			t.Fatalf("Check failed: %v", err)
		}
		return d
	}

	for range 3 {
		check()
	}
	if got := remaining(check(), "hour"); got != perHour.Quota-4 || f.Degraded() {
		t.Fatalf("on Redis: %d left, degraded=%v", got, f.Degraded())
	}

	srv.Stop()
	for i := range 5 {
		if d := check(); !d.Allowed || remaining(d, "hour") != perHour.Quota-1-i {
			t.Fatalf("during the outage, request %d: %+v", i+1, d)
		}
	}
	if s := f.Status(t.Context()); s.Status != domain.StatusDegraded || s.Engine != "memory" {
		t.Errorf("status during the outage %+v", s)
	}

	srv.Start()
	clk.Advance(time.Second)
	// Redis restarted empty (no persistence), so its budget is full again.
	if d := check(); remaining(d, "hour") != perHour.Quota-1 || f.Degraded() {
		t.Errorf("after the restart: %+v, degraded=%v", d, f.Degraded())
	}
	if s := f.Status(t.Context()); s.Status != domain.StatusOK || s.Engine != "redis" {
		t.Errorf("status after the restart %+v", s)
	}
}
