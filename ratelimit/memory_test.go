package ratelimit_test

import (
	"testing"
	"time"

	"github.com/troupe-ai/troupe/ratelimit"
)

// An exhausted budget refills one request per Window/Quota: not a nanosecond earlier,
// and exactly one.
func TestMemoryRefillsOneRequestPerInterval(t *testing.T) {
	t.Parallel()
	for _, p := range []ratelimit.Policy{
		{Name: "second", Quota: 10, Window: time.Second},
		{Name: "hour", Quota: 100, Window: time.Hour},
		{Name: "odd", Quota: 7, Window: time.Minute}, // an interval that is not a whole ms
	} {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			m := ratelimit.NewMemory(ratelimit.WithClock(clk.Now))
			allow := func() ratelimit.Result {
				t.Helper()
				r, err := m.Allow(t.Context(), "b", p)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			for range p.Quota {
				allow()
			}
			for round := range 3 {
				r := allow()
				if r.Allowed {
					t.Fatalf("round %d: allowed before the interval passed", round)
				}
				clk.Advance(r.RetryAfter - time.Nanosecond)
				if allow().Allowed {
					t.Fatalf("round %d: allowed a nanosecond before the interval passed", round)
				}
				clk.Advance(time.Nanosecond)
				if r := allow(); !r.Allowed || r.Remaining != 0 {
					t.Fatalf("round %d: after the interval %+v, want one allowed with none remaining", round, r)
				}
				if allow().Allowed {
					t.Fatalf("round %d: one interval refilled more than one request", round)
				}
			}
		})
	}
}

// After a full window an exhausted budget is whole again, and no more than whole.
func TestMemoryRefillsToTheQuota(t *testing.T) {
	t.Parallel()
	p := ratelimit.Policy{Name: "minute", Quota: 5, Window: time.Minute}
	clk := newClock()
	m := ratelimit.NewMemory(ratelimit.WithClock(clk.Now))
	for range p.Quota {
		m.Allow(t.Context(), "b", p)
	}
	clk.Advance(10 * p.Window)
	allowed := 0
	for range 2 * p.Quota {
		if r, _ := m.Allow(t.Context(), "b", p); r.Allowed {
			allowed++
		}
	}
	if allowed != p.Quota {
		t.Errorf("%d allowed after a long rest, want the quota %d", allowed, p.Quota)
	}
}

// The reset time counts the intervals spent: after n requests, n intervals.
func TestMemoryResetAfterCountsSpentIntervals(t *testing.T) {
	t.Parallel()
	p := ratelimit.Policy{Name: "hour", Quota: 100, Window: time.Hour}
	m := ratelimit.NewMemory(ratelimit.WithClock(newClock().Now))
	for n := 1; n <= 5; n++ {
		r, err := m.Allow(t.Context(), "b", p)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Duration(n) * p.Interval(); r.ResetAfter != want {
			t.Errorf("after %d requests reset after %s, want %s", n, r.ResetAfter, want)
		}
	}
}

// Memory forgets buckets that are full again, so a stream of new tenants does not grow it
// without bound.
func TestMemoryDropsFullBuckets(t *testing.T) {
	t.Parallel()
	const perRound, rounds = 20000, 10
	p := ratelimit.Policy{Name: "second", Quota: 3, Window: time.Second}
	clk := newClock()
	m := ratelimit.NewMemory(ratelimit.WithClock(clk.Now))
	for round := range rounds {
		for i := range perRound {
			m.Allow(t.Context(), itoa(round)+"/"+itoa(i), p)
		}
		clk.Advance(p.Window) // every bucket so far is full again
	}
	// Each shard sweeps when it has doubled, or at 1024 buckets: at most twice the live
	// buckets of a round plus a constant remain, of the rounds*perRound ever made.
	if bound := 2*perRound + 32*1024; m.Len() > bound {
		t.Errorf("%d buckets kept, want at most %d", m.Len(), bound)
	}
	// A forgotten bucket is a full one.
	if r, _ := m.Allow(t.Context(), "0/0", p); !r.Allowed || r.Remaining != p.Quota-1 {
		t.Errorf("a swept bucket's request: %+v, want allowed with %d remaining", r, p.Quota-1)
	}
}
