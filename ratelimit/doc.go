// Package ratelimit enforces per-tenant request budgets with the generic cell rate algorithm
// (GCRA) and formats them as the RateLimit and RateLimit-Policy header fields of the IETF
// rate-limit headers draft (draft-ietf-httpapi-ratelimit-headers-11).
//
// A Tier is a set of Policies; each Policy is a budget of Quota requests per Window that
// may be spent at once and refills evenly, one request every Window/Quota. A Limiter keeps
// the budgets: Memory inside one process, Redis across processes, and FailOpen in front of
// Redis so that a Redis outage degrades limits to per-process ones instead of failing
// requests. Check evaluates every policy of a request against a Limiter and returns the
// Decision with the header values.
package ratelimit
