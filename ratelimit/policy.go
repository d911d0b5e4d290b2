package ratelimit

import (
	"fmt"
	"time"
)

// Policy is one GCRA budget: Quota requests per Window. The whole quota may be spent at
// once (the burst is the quota); it then refills evenly, one request every Window/Quota.
type Policy struct {
	// Name identifies the policy in the RateLimit headers ("hour", "second",
	// "generation-hour") and in the bucket that holds its budget.
	Name string
	// Quota is the number of requests the budget holds.
	Quota int
	// Window is the time an empty budget takes to refill; a whole number of seconds.
	Window time.Duration
}

// Interval is the time one request of the budget takes to refill.
func (p Policy) Interval() time.Duration { return p.Window / time.Duration(p.Quota) }

// usable is the part of Validate limiters check on every call: a rate they can compute
// with, a refill interval of at least one nanosecond.
func (p Policy) usable() error {
	if p.Quota < 1 || p.Window < time.Duration(p.Quota) {
		return fmt.Errorf("policy %q: %d per %s is not a usable rate", p.Name, p.Quota, p.Window)
	}
	return nil
}

// Validate reports what makes p unusable: a name the headers cannot carry, a quota below
// one, or a window that is not a positive whole number of seconds.
func (p Policy) Validate() error {
	if err := validName(p.Name); err != nil {
		return fmt.Errorf("policy name %q: %w", p.Name, err)
	}
	if p.Quota < 1 {
		return fmt.Errorf("policy %q: quota %d is below 1", p.Name, p.Quota)
	}
	if p.Window < time.Second || p.Window%time.Second != 0 {
		// The RateLimit-Policy field carries the window as integer seconds.
		return fmt.Errorf("policy %q: window %s is not a positive whole number of seconds", p.Name, p.Window)
	}
	return nil
}

// Tier is the set of policies a key's requests count against.
type Tier struct {
	// Name is the tier's name, as API keys record it.
	Name string
	// Requests apply to every authenticated request.
	Requests []Policy
	// Generations apply, on top of Requests, to requests that call a model or queue
	// media work.
	Generations []Policy
	// Unlimited tiers are never limited and get no RateLimit headers.
	Unlimited bool
}

// Policies returns the policies a request counts against: Requests, and Generations too
// when generation is true. Unlimited tiers have none.
func (t Tier) Policies(generation bool) []Policy {
	if t.Unlimited {
		return nil
	}
	if !generation || len(t.Generations) == 0 {
		return t.Requests
	}
	out := make([]Policy, 0, len(t.Requests)+len(t.Generations))
	return append(append(out, t.Requests...), t.Generations...)
}

// Validate reports what makes t unusable: an invalid policy, two policies of one name (the
// headers and the buckets tell policies apart by name), or limits on an unlimited tier.
func (t Tier) Validate() error {
	if err := validName(t.Name); err != nil {
		return fmt.Errorf("tier name %q: %w", t.Name, err)
	}
	if t.Unlimited {
		if len(t.Requests)+len(t.Generations) > 0 {
			return fmt.Errorf("tier %q: an unlimited tier has no policies", t.Name)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, p := range t.Policies(true) {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("tier %q: %w", t.Name, err)
		}
		if seen[p.Name] {
			return fmt.Errorf("tier %q: two policies are named %q", t.Name, p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// The names of the built-in tiers. FreeTier is also what a key of an unknown tier gets.
const (
	FreeTier      = "free"
	ProTier       = "pro"
	UnlimitedTier = "unlimited"
)

// DefaultTiers returns the built-in tiers:
//
//	free:      requests 100/hour + 10/second, generations 20/hour
//	pro:       requests 10000/hour + 50/second, generations 2000/hour
//	unlimited: no limits
func DefaultTiers() map[string]Tier {
	return map[string]Tier{
		FreeTier: {
			Name:        FreeTier,
			Requests:    []Policy{{"hour", 100, time.Hour}, {"second", 10, time.Second}},
			Generations: []Policy{{"generation-hour", 20, time.Hour}},
		},
		ProTier: {
			Name:        ProTier,
			Requests:    []Policy{{"hour", 10000, time.Hour}, {"second", 50, time.Second}},
			Generations: []Policy{{"generation-hour", 2000, time.Hour}},
		},
		UnlimitedTier: {Name: UnlimitedTier, Unlimited: true},
	}
}

// validName accepts what both a Structured Field string and a Redis key carry without
// escaping: 1 to 64 of lower-case letters, digits, '-', '_' and '.'.
func validName(s string) error {
	if s == "" || len(s) > 64 {
		return fmt.Errorf("must be 1 to 64 characters")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%q is not allowed (use a-z, 0-9, '-', '_', '.')", r)
		}
	}
	return nil
}
