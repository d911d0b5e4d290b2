package ratelimit_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/ratelimit"
)

var (
	perSecond = ratelimit.Policy{Name: "second", Quota: 2, Window: time.Second}
	perHour   = ratelimit.Policy{Name: "hour", Quota: 100, Window: time.Hour}
)

func remaining(d ratelimit.Decision, policy string) int {
	for _, r := range d.Results {
		if r.Policy.Name == policy {
			return r.Result.Remaining
		}
	}
	return -1
}

// A request one policy refuses does not spend the others' budgets.
func TestCheckRefusalSpendsNothing(t *testing.T) {
	t.Parallel()
	clk := newClock()
	m := ratelimit.NewMemory(ratelimit.WithClock(clk.Now))
	policies := []ratelimit.Policy{perHour, perSecond}
	for i := range perSecond.Quota + 5 {
		d, err := ratelimit.Check(t.Context(), m, "tenant", policies)
		if err != nil {
			t.Fatal(err)
		}
		spent := min(i+1, perSecond.Quota)
		if d.Allowed != (i < perSecond.Quota) {
			t.Fatalf("request %d: allowed=%v", i+1, d.Allowed)
		}
		if got := remaining(d, "hour"); got != perHour.Quota-spent {
			t.Errorf("request %d: hour has %d left, want %d", i+1, got, perHour.Quota-spent)
		}
	}
	clk.Advance(perSecond.Window)
	d, _ := ratelimit.Check(t.Context(), m, "tenant", policies)
	if !d.Allowed || remaining(d, "hour") != perHour.Quota-perSecond.Quota-1 {
		t.Errorf("after a second: %+v", d)
	}
}

// A refusal names the policy that frees up last and rounds its wait up to whole seconds,
// never under one.
func TestCheckRefusal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		policies []ratelimit.Policy
		spend    int
		want     ratelimit.Policy
	}{
		{"one refuses", []ratelimit.Policy{perHour, perSecond}, perSecond.Quota, perSecond},
		{"both refuse", []ratelimit.Policy{
			{Name: "second", Quota: 1, Window: time.Second},
			{Name: "hour", Quota: 1, Window: time.Hour},
		}, 1, ratelimit.Policy{Name: "hour", Quota: 1, Window: time.Hour}},
		{"sub-second wait", []ratelimit.Policy{{Name: "fast", Quota: 10, Window: time.Second}}, 10,
			ratelimit.Policy{Name: "fast", Quota: 10, Window: time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := ratelimit.NewMemory(ratelimit.WithClock(newClock().Now))
			for range tc.spend {
				ratelimit.Check(t.Context(), m, "tenant", tc.policies)
			}
			d, err := ratelimit.Check(t.Context(), m, "tenant", tc.policies)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed || d.Policy != tc.want.Name {
				t.Fatalf("%+v, want refused by %q", d, tc.want.Name)
			}
			wait := tc.want.Interval()
			if want := max(int((wait+time.Second-1)/time.Second), 1); d.RetryAfter != want {
				t.Errorf("retry after %d s, want %d", d.RetryAfter, want)
			}
			h := http.Header{}
			d.SetHeaders(h)
			if h.Get("Retry-After") != strconv.Itoa(d.RetryAfter) {
				t.Errorf("Retry-After %q, want %d", h.Get("Retry-After"), d.RetryAfter)
			}
		})
	}
}

// The headers of a decision describe its results.
func TestCheckHeaders(t *testing.T) {
	t.Parallel()
	m := ratelimit.NewMemory(ratelimit.WithClock(newClock().Now))
	policies := []ratelimit.Policy{perHour, perSecond}
	d, err := ratelimit.Check(t.Context(), m, "tenant", policies)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	d.SetHeaders(h)
	if h.Get("RateLimit-Policy") != ratelimit.PolicyHeader(policies) {
		t.Errorf("RateLimit-Policy %q", h.Get("RateLimit-Policy"))
	}
	if h.Get("RateLimit") != ratelimit.RateLimitHeader(d.Results) {
		t.Errorf("RateLimit %q", h.Get("RateLimit"))
	}
	if h.Get("Retry-After") != "" {
		t.Errorf("an allowed request has Retry-After %q", h.Get("Retry-After"))
	}
	items, err := ratelimit.ParseHeader(h.Get("RateLimit"))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range policies {
		if items[i].Name != p.Name || items[i].Params["r"] != int64(p.Quota-1) {
			t.Errorf("member %d: %+v, want %q with r=%d", i, items[i], p.Name, p.Quota-1)
		}
	}
}

// Without policies everything is allowed and nothing is written.
func TestCheckWithoutPolicies(t *testing.T) {
	t.Parallel()
	d, err := ratelimit.Check(t.Context(), failing{}, "tenant", nil)
	if err != nil || !d.Allowed {
		t.Fatalf("%+v, %v", d, err)
	}
	h := http.Header{}
	d.SetHeaders(h)
	if len(h) != 0 {
		t.Errorf("headers %v", h)
	}
}

// A limiter's error ends Check with it, after refunding what was spent.
func TestCheckLimiterError(t *testing.T) {
	t.Parallel()
	m := ratelimit.NewMemory(ratelimit.WithClock(newClock().Now))
	broken := ratelimit.Policy{Name: "broken", Quota: 1, Window: time.Hour}
	l := failOn{Memory: m, policy: broken.Name}
	if _, err := ratelimit.Check(t.Context(), l, "tenant", []ratelimit.Policy{perHour, broken}); !errors.Is(err, errDown) {
		t.Fatalf("error %v, want %v", err, errDown)
	}
	r, _ := m.Allow(t.Context(), "tenant:hour", perHour)
	if r.Remaining != perHour.Quota-1 {
		t.Errorf("the failed check kept a request: %d left, want %d", r.Remaining, perHour.Quota-1)
	}
}

var errDown = errors.New("limiter down")

// failing is a Limiter whose every call fails.
type failing struct{}

func (failing) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Result, error) {
	return ratelimit.Result{}, errDown
}

// failOn is a Memory whose calls for one policy fail.
type failOn struct {
	*ratelimit.Memory
	policy string
}

func (f failOn) Allow(ctx context.Context, bucket string, p ratelimit.Policy) (ratelimit.Result, error) {
	if p.Name == f.policy {
		return ratelimit.Result{}, errDown
	}
	return f.Memory.Allow(ctx, bucket, p)
}
