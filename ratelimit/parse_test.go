package ratelimit_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/ratelimit"
)

func TestDefaultTiersAreValid(t *testing.T) {
	t.Parallel()
	for name, tier := range ratelimit.DefaultTiers() {
		if tier.Name != name {
			t.Errorf("tier %q is filed under %q", tier.Name, name)
		}
		if err := tier.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// The documented spec of the built-in tiers parses to exactly the built-in tiers.
func TestParseTiersOfTheDefaultsIsTheDefaults(t *testing.T) {
	t.Parallel()
	got, err := ratelimit.ParseTiers("free=requests:100/h+10/s,generations:20/h; pro=requests:10000/h+50/s,generations:2000/h; unlimited=unlimited")
	if err != nil {
		t.Fatal(err)
	}
	if want := ratelimit.DefaultTiers(); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseTiers(t *testing.T) {
	t.Parallel()
	defaults := ratelimit.DefaultTiers()
	with := func(extra ...ratelimit.Tier) map[string]ratelimit.Tier {
		m := ratelimit.DefaultTiers()
		for _, t := range extra {
			m[t.Name] = t
		}
		return m
	}
	for _, tc := range []struct {
		spec string
		want map[string]ratelimit.Tier
	}{
		{"", defaults},
		{"  ;; ", defaults},
		{"enterprise=unlimited", with(ratelimit.Tier{Name: "enterprise", Unlimited: true})},
		{"free = requests : 5/m", with(ratelimit.Tier{Name: "free",
			Requests: []ratelimit.Policy{{Name: "minute", Quota: 5, Window: time.Minute}}})},
		{"studio=requests:1000/d+30/10s,generations:50/h+5/m;", with(ratelimit.Tier{Name: "studio",
			Requests: []ratelimit.Policy{
				{Name: "day", Quota: 1000, Window: 24 * time.Hour},
				{Name: "10s", Quota: 30, Window: 10 * time.Second},
			},
			Generations: []ratelimit.Policy{
				{Name: "generation-hour", Quota: 50, Window: time.Hour},
				{Name: "generation-minute", Quota: 5, Window: time.Minute},
			}})},
		{"gen-only=generations:3/1h", with(ratelimit.Tier{Name: "gen-only",
			Generations: []ratelimit.Policy{{Name: "generation-hour", Quota: 3, Window: time.Hour}}})},
	} {
		got, err := ratelimit.ParseTiers(tc.spec)
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\ngot  %+v\nwant %+v", tc.spec, got, tc.want)
		}
	}
}

// Every error names the tier and the part that is wrong.
func TestParseTiersErrorsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, want string }{
		{"free", `"free": want name=limits`},
		{"Free=unlimited", `tier name "Free"`},
		{"=unlimited", `tier name ""`},
		{"free=", `tier "free" has no limits`},
		{"free=requests", `tier "free": "requests": want requests:LIMITS`},
		{"free=queries:10/s", `unknown group "queries"`},
		{"free=requests:10/s,requests:5/h", `requests is given twice`},
		{"free=unlimited,requests:10/s", `unlimited cannot be combined`},
		{"free=requests:10", `"10": want QUOTA/WINDOW`},
		{"free=requests:ten/s", `quota "ten"`},
		{"free=requests:0/s", `quota "0"`},
		{"free=requests:10/w", `unknown window unit "w"`},
		{"free=requests:10/5", `window "5" has no unit`},
		{"free=requests:10/0s", `window count "0"`},
		{"free=requests:10/400d", `longer than 366 days`},
		{"free=requests:10/h+20/1h", `two policies are named "hour"`},
		{"free=requests:+10/h", `"": want QUOTA/WINDOW`},
		{"a=unlimited;a=unlimited", `tier "a" is defined twice`},
	} {
		_, err := ratelimit.ParseTiers(tc.spec)
		if err == nil {
			t.Errorf("%q: no error", tc.spec)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want it to say %s", tc.spec, err, tc.want)
		}
	}
}

func TestTierValidate(t *testing.T) {
	t.Parallel()
	hour := ratelimit.Policy{Name: "hour", Quota: 1, Window: time.Hour}
	for _, tc := range []struct {
		tier ratelimit.Tier
		want string
	}{
		{ratelimit.Tier{Name: "x", Requests: []ratelimit.Policy{hour}, Generations: []ratelimit.Policy{hour}}, `two policies are named "hour"`},
		{ratelimit.Tier{Name: "x", Unlimited: true, Requests: []ratelimit.Policy{hour}}, "unlimited tier has no policies"},
		{ratelimit.Tier{Name: "x", Requests: []ratelimit.Policy{{Name: "half", Quota: 1, Window: 1500 * time.Millisecond}}}, "whole number of seconds"},
		{ratelimit.Tier{Name: "x", Requests: []ratelimit.Policy{{Name: `a"b`, Quota: 1, Window: time.Hour}}}, `policy name "a\"b"`},
		{ratelimit.Tier{Name: "x", Requests: []ratelimit.Policy{{Name: "none", Window: time.Hour}}}, "quota 0 is below 1"},
	} {
		err := tc.tier.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want it to say %s", tc.tier, err, tc.want)
		}
	}
}

func TestTierPolicies(t *testing.T) {
	t.Parallel()
	free := ratelimit.DefaultTiers()[ratelimit.FreeTier]
	if got := free.Policies(false); !reflect.DeepEqual(got, free.Requests) {
		t.Errorf("a plain request counts against %v, want %v", got, free.Requests)
	}
	if got, want := free.Policies(true), append(append([]ratelimit.Policy{}, free.Requests...), free.Generations...); !reflect.DeepEqual(got, want) {
		t.Errorf("a generation counts against %v, want %v", got, want)
	}
	if got := ratelimit.DefaultTiers()[ratelimit.UnlimitedTier].Policies(true); len(got) != 0 {
		t.Errorf("the unlimited tier counts against %v", got)
	}
}
