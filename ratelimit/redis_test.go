package ratelimit_test

import (
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
)

// Two processes, each with its own client and Limiter on one Redis, share one budget:
// the quota is allowed across both, and then both refuse.
func TestRedisLimitersShareOneBudget(t *testing.T) {
	t.Parallel()
	c := sharedRedis(t)
	prefix := uniquePrefix(t, c)
	a := ratelimit.NewRedis(c, prefix)
	b := ratelimit.NewRedis(sharedRedis(t), prefix)
	p := ratelimit.Policy{Name: "hour", Quota: 25, Window: time.Hour}
	allowed, last := 0, p.Quota
	for i := range 2 * p.Quota {
		l := a
		if i%2 == 1 {
			l = b
		}
		r, err := l.Allow(t.Context(), "tenant", p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Allowed {
			allowed++
			if r.Remaining != last-1 {
				t.Errorf("request %d: %d remaining, want %d", i+1, r.Remaining, last-1)
			}
			last = r.Remaining
		} else if i < p.Quota {
			t.Errorf("request %d refused within the quota", i+1)
		}
	}
	if allowed != p.Quota {
		t.Errorf("%d allowed across both, want the quota %d", allowed, p.Quota)
	}
}

// Check over two processes' limiters refuses exactly the excess of the tightest policy
// and refunds the others on each refusal.
func TestRedisCheckAcrossProcesses(t *testing.T) {
	t.Parallel()
	c := sharedRedis(t)
	prefix := uniquePrefix(t, c)
	ls := []ratelimit.Limiter{ratelimit.NewRedis(c, prefix), ratelimit.NewRedis(sharedRedis(t), prefix)}
	policies := []ratelimit.Policy{
		{Name: "hour", Quota: 50, Window: time.Hour},
		{Name: "generation-hour", Quota: 5, Window: time.Hour},
	}
	var last ratelimit.Decision
	refused := 0
	for i := range 12 {
		d, err := ratelimit.Check(t.Context(), ls[i%2], "tenant:live:free", policies)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Allowed {
			refused++
			if d.Policy != "generation-hour" {
				t.Errorf("refused by %q", d.Policy)
			}
		}
		last = d
	}
	if refused != 12-5 {
		t.Errorf("%d refused, want %d", refused, 12-5)
	}
	if got := remaining(last, "hour"); got != 50-5 {
		t.Errorf("hour has %d left after 5 allowed and 7 refused, want %d", got, 50-5)
	}
}

func TestRedisStatus(t *testing.T) {
	t.Parallel()
	c := sharedRedis(t)
	r := ratelimit.NewRedis(c, uniquePrefix(t, c))
	if s := r.Status(t.Context()); s.Status != domain.StatusOK || s.Engine != "redis" {
		t.Errorf("status %+v", s)
	}
}
