package ratelimit_test

import (
	"testing"
	"time"

	"github.com/troupe-ai/troupe/ratelimit"
)

// limiters returns the Limiters every GCRA property must hold for: Memory on a frozen
// clock, and Redis on the shared server (whose clock moves, so the policies here refill
// far slower than a test runs).
func limiters(t *testing.T) map[string]func(t *testing.T) (ratelimit.Limiter, string) {
	return map[string]func(t *testing.T) (ratelimit.Limiter, string){
		"memory": func(t *testing.T) (ratelimit.Limiter, string) {
			return ratelimit.NewMemory(ratelimit.WithClock(newClock().Now)), "bucket"
		},
		"redis": func(t *testing.T) (ratelimit.Limiter, string) {
			c := sharedRedis(t)
			return ratelimit.NewRedis(c, uniquePrefix(t, c)), "bucket"
		},
	}
}

// A burst of quota+k requests gets exactly k refusals; each allowed request leaves one
// fewer, and each refusal says when the next request fits and spends nothing.
func TestBurstRefusesExactlyTheExcess(t *testing.T) {
	t.Parallel()
	policies := []ratelimit.Policy{
		{Name: "one", Quota: 1, Window: time.Hour},
		{Name: "ten", Quota: 10, Window: time.Hour},
		{Name: "hundred", Quota: 100, Window: 24 * time.Hour},
	}
	for name, newLimiter := range limiters(t) {
		for _, p := range policies {
			for _, k := range []int{1, 7} {
				t.Run(name+"/"+p.Name+"/excess-"+itoa(k), func(t *testing.T) {
					t.Parallel()
					l, bucket := newLimiter(t)
					refused := 0
					for i := range p.Quota + k {
						r, err := l.Allow(t.Context(), bucket, p)
						if err != nil {
							t.Fatal(err)
						}
						if i < p.Quota {
							if !r.Allowed || r.Remaining != p.Quota-1-i || r.RetryAfter != 0 {
								t.Fatalf("request %d: %+v, want allowed with %d remaining", i+1, r, p.Quota-1-i)
							}
							continue
						}
						refused++
						if r.Allowed || r.Remaining != 0 {
							t.Fatalf("request %d: %+v, want refused", i+1, r)
						}
						// The next request fits once one interval has refilled; Redis's clock
						// has moved on a little since the burst began.
						if r.RetryAfter <= 0 || r.RetryAfter > p.Interval() {
							t.Errorf("request %d: retry after %s, want (0, %s]", i+1, r.RetryAfter, p.Interval())
						}
						if r.ResetAfter <= p.Window-p.Interval() || r.ResetAfter > p.Window {
							t.Errorf("request %d: reset after %s, want about %s", i+1, r.ResetAfter, p.Window)
						}
					}
					if refused != k {
						t.Errorf("%d refusals, want %d", refused, k)
					}
				})
			}
		}
	}
}

// A refund gives one request back.
func TestRefundGivesBackOneRequest(t *testing.T) {
	t.Parallel()
	p := ratelimit.Policy{Name: "hour", Quota: 10, Window: time.Hour}
	for name, newLimiter := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, bucket := newLimiter(t)
			for range 3 {
				if _, err := l.Allow(t.Context(), bucket, p); err != nil {
					t.Fatal(err)
				}
			}
			r, err := l.(ratelimit.Refunder).Refund(t.Context(), bucket, p)
			if err != nil {
				t.Fatal(err)
			}
			if r.Remaining != p.Quota-2 {
				t.Errorf("after 3 requests and a refund %d remain, want %d", r.Remaining, p.Quota-2)
			}
			r, err = l.Allow(t.Context(), bucket, p)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Allowed || r.Remaining != p.Quota-3 {
				t.Errorf("the next request: %+v, want allowed with %d remaining", r, p.Quota-3)
			}
		})
	}
}

// Buckets do not share budgets, even under one policy.
func TestBucketsAreIndependent(t *testing.T) {
	t.Parallel()
	p := ratelimit.Policy{Name: "hour", Quota: 2, Window: time.Hour}
	for name, newLimiter := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, bucket := newLimiter(t)
			for range p.Quota + 1 {
				if _, err := l.Allow(t.Context(), bucket+"-a", p); err != nil {
					t.Fatal(err)
				}
			}
			r, err := l.Allow(t.Context(), bucket+"-b", p)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Allowed || r.Remaining != p.Quota-1 {
				t.Errorf("another bucket's first request: %+v, want allowed with %d remaining", r, p.Quota-1)
			}
		})
	}
}

// Limiters refuse a policy they cannot compute a rate for instead of dividing by zero.
func TestUnusablePolicyIsAnError(t *testing.T) {
	t.Parallel()
	for name, newLimiter := range limiters(t) {
		for _, p := range []ratelimit.Policy{
			{Name: "zero", Quota: 0, Window: time.Hour},
			{Name: "no-window", Quota: 5},
		} {
			t.Run(name+"/"+p.Name, func(t *testing.T) {
				t.Parallel()
				l, bucket := newLimiter(t)
				if _, err := l.Allow(t.Context(), bucket, p); err == nil {
					t.Error("no error")
				}
			})
		}
	}
}
