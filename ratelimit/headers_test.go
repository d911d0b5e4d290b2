package ratelimit_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/ratelimit"
)

// RateLimit-Policy lists each policy with its quota and its window in seconds.
func TestPolicyHeaderParsesBackToThePolicies(t *testing.T) {
	t.Parallel()
	for name, tier := range ratelimit.DefaultTiers() {
		policies := tier.Policies(true)
		if len(policies) == 0 {
			continue
		}
		v := ratelimit.PolicyHeader(policies)
		items, err := ratelimit.ParseHeader(v)
		if err != nil {
			t.Fatalf("%s: %q: %v", name, v, err)
		}
		if len(items) != len(policies) {
			t.Fatalf("%s: %q has %d members, want %d", name, v, len(items), len(policies))
		}
		for i, p := range policies {
			want := ratelimit.Item{Name: p.Name, Params: map[string]int64{"q": int64(p.Quota), "w": int64(p.Window / time.Second)}}
			if !reflect.DeepEqual(items[i], want) {
				t.Errorf("%s: member %d is %+v, want %+v", name, i, items[i], want)
			}
		}
	}
}

// RateLimit gives each policy's remaining requests and the seconds until it is full,
// rounded up.
func TestRateLimitHeaderRoundsTheResetUp(t *testing.T) {
	t.Parallel()
	results := []ratelimit.PolicyResult{
		{Policy: ratelimit.Policy{Name: "hour", Quota: 100, Window: time.Hour}, Result: ratelimit.Result{Remaining: 93, ResetAfter: 2399*time.Second + time.Millisecond}},
		{Policy: ratelimit.Policy{Name: "second", Quota: 10, Window: time.Second}, Result: ratelimit.Result{Remaining: 9, ResetAfter: 100 * time.Millisecond}},
		{Policy: ratelimit.Policy{Name: "full", Quota: 10, Window: time.Second}, Result: ratelimit.Result{Remaining: 10}},
		{Policy: ratelimit.Policy{Name: "exact", Quota: 10, Window: time.Minute}, Result: ratelimit.Result{Remaining: 0, ResetAfter: time.Minute}},
	}
	v := ratelimit.RateLimitHeader(results)
	items, err := ratelimit.ParseHeader(v)
	if err != nil {
		t.Fatalf("%q: %v", v, err)
	}
	if len(items) != len(results) {
		t.Fatalf("%q has %d members, want %d", v, len(items), len(results))
	}
	for i, r := range results {
		reset := r.Result.ResetAfter.Seconds()
		if got := items[i].Params["t"]; float64(got) < reset || float64(got) >= reset+1 {
			t.Errorf("%s: t=%d for a reset after %s", r.Policy.Name, got, r.Result.ResetAfter)
		}
		if got := items[i].Params["r"]; got != int64(r.Result.Remaining) {
			t.Errorf("%s: r=%d, want %d", r.Policy.Name, got, r.Result.Remaining)
		}
		if items[i].Name != r.Policy.Name {
			t.Errorf("member %d is %q, want %q", i, items[i].Name, r.Policy.Name)
		}
	}
}

func TestParseHeader(t *testing.T) {
	t.Parallel()
	item := func(name string, kv ...any) ratelimit.Item {
		it := ratelimit.Item{Name: name, Params: map[string]int64{}}
		for i := 0; i < len(kv); i += 2 {
			it.Params[kv[i].(string)] = int64(kv[i+1].(int))
		}
		return it
	}
	for _, tc := range []struct {
		in   string
		want []ratelimit.Item
	}{
		{``, nil},
		{`"burst";q=100;w=60,"daily";q=1000;w=86400`, []ratelimit.Item{item("burst", "q", 100, "w", 60), item("daily", "q", 1000, "w", 86400)}},
		{`  "default";r=50;t=30  ,   "x" `, []ratelimit.Item{item("default", "r", 50, "t", 30), item("x")}},
		{`default;r=0;t=-1`, []ratelimit.Item{item("default", "r", 0, "t", -1)}},
		{`"a\"b\\c";r=1`, []ratelimit.Item{item(`a"b\c`, "r", 1)}},
		{`"x"; r=1`, []ratelimit.Item{item("x", "r", 1)}},
	} {
		got, err := ratelimit.ParseHeader(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{`"a";q=1,`, "ends with ','"},
		{`"a";q=1 "b"`, "want ','"},
		{`"a`, "not closed"},
		{`"a\n"`, "bad escape"},
		{`"a";q`, "has no value"},
		{`"a";q=1.5`, "decimals"},
		{`"a";q=1234567890123456`, "1 to 15 digits"},
		{`"a";Q=1`, "want a parameter key"},
		{`"a";q=1;q=2`, "given twice"},
		{`1;q=1`, "want a string or a token"},
	} {
		_, err := ratelimit.ParseHeader(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want it to say %s", tc.in, err, tc.want)
		}
	}
}
