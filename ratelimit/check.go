package ratelimit

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// PolicyResult is one policy's outcome in a Decision. Result.Allowed says whether that
// policy allowed the request; when another refused it, Result is the state after the
// refund.
type PolicyResult struct {
	Policy Policy
	Result Result
}

// Decision is the outcome of Check for one request.
type Decision struct {
	// Allowed reports whether every policy allowed the request.
	Allowed bool
	// Policy names the violated policy when refused: of the refusing policies, the one
	// that frees up last.
	Policy string
	// RetryAfter is the Retry-After value in seconds, rounded up: at least 1 when
	// refused, 0 when allowed.
	RetryAfter int
	// RateLimit and RateLimitPolicy are the header field values; empty without policies.
	RateLimit, RateLimitPolicy string
	// Results holds each policy's state after the request, in the order given.
	Results []PolicyResult
}

// SetHeaders sets the RateLimit and RateLimit-Policy fields, and Retry-After when the
// request was refused.
func (d Decision) SetHeaders(h http.Header) {
	if len(d.Results) == 0 {
		return
	}
	h[canonicalPolicy] = []string{d.RateLimitPolicy}
	h[canonicalRateLimit] = []string{d.RateLimit}
	if !d.Allowed {
		h[canonicalRetryAfter] = []string{strconv.Itoa(d.RetryAfter)}
	}
}

// The canonical forms of the header names, computed once instead of on every Set. On the
// wire names are case-insensitive (HTTP/2 lower-cases them all).
var (
	canonicalPolicy     = http.CanonicalHeaderKey(HeaderRateLimitPolicy)
	canonicalRateLimit  = http.CanonicalHeaderKey(HeaderRateLimit)
	canonicalRetryAfter = http.CanonicalHeaderKey(HeaderRetryAfter)
)

// Check counts one request against every policy, each in the bucket bucketPrefix + ":" +
// policy name, and decides.
//
// A refused request costs nothing: every policy is asked (so each header value is
// current), and when any refuses, Check refunds the request to those that allowed it
// when l is a Refunder. Without refunds, or when a refund fails, the allowing policies
// keep the spent request. Another process may see the spent request in the instant
// between the two calls; that is the only cost of not evaluating all policies in one
// atomic step.
//
// An error of l ends Check, after refunding what it had spent, with the error.
func Check(ctx context.Context, l Limiter, bucketPrefix string, policies []Policy) (Decision, error) {
	d := Decision{Allowed: true}
	if len(policies) == 0 {
		return d, nil
	}
	d.Results = make([]PolicyResult, len(policies))
	for i, p := range policies {
		r, err := l.Allow(ctx, bucketPrefix+":"+p.Name, p)
		if err != nil {
			refund(ctx, l, bucketPrefix, d.Results[:i])
			return Decision{}, err
		}
		d.Results[i] = PolicyResult{Policy: p, Result: r}
	}
	var longest time.Duration
	for _, pr := range d.Results {
		p, r := pr.Policy, pr.Result
		if !r.Allowed {
			if !d.Allowed && r.RetryAfter <= longest {
				continue
			}
			d.Allowed, d.Policy, longest = false, p.Name, r.RetryAfter
		}
	}
	if !d.Allowed {
		refund(ctx, l, bucketPrefix, d.Results)
		d.RetryAfter = int(max(ceilSeconds(longest), 1))
	}
	d.RateLimitPolicy = PolicyHeader(policies)
	d.RateLimit = RateLimitHeader(d.Results)
	return d, nil
}

// refund gives back the request to the allowing policies of results, updating their
// state to what the limiter reports.
func refund(ctx context.Context, l Limiter, bucketPrefix string, results []PolicyResult) {
	rf, ok := l.(Refunder)
	if !ok {
		return
	}
	for i := range results {
		pr := &results[i]
		if !pr.Result.Allowed {
			continue
		}
		if r, err := rf.Refund(ctx, bucketPrefix+":"+pr.Policy.Name, pr.Policy); err == nil {
			pr.Result.Remaining, pr.Result.ResetAfter = r.Remaining, r.ResetAfter
		}
	}
}
