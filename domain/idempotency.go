package domain

import (
	"context"
	"errors"
	"time"
)

// Idempotency keys let a client retry a POST or PATCH without doing its work twice: the
// first request with a key claims it, and once that request has answered, a retry with the
// same key and the same request gets the stored answer instead of running again. A key is
// scoped to a data space (see Principal.Space), so tenants, and a tenant's live and test
// modes, never see each other's keys.

// IdempotencyClaim is a request's attempt to take an idempotency key.
type IdempotencyClaim struct {
	// Space is the data space the key belongs to (what TenantFrom returns).
	Space string
	// Key is the client's Idempotency-Key.
	Key string
	// Fingerprint identifies the request (method, path and body); a retry must match it.
	Fingerprint string
	// RequestID is the request's id, replayed as the original request's id.
	RequestID string
	// At is when the claim is made.
	At time.Time
	// LockUntil is when the claim lapses if the request never completes or releases it
	// (its process died); a retry after then may take the key over.
	LockUntil time.Time
	// ExpiresAt is when the key is forgotten: a request with it after then is a new one.
	ExpiresAt time.Time
}

// IdempotencyLease is the hold a claim gave its request on a key. Only the holder of the
// token may complete or release the key, so a request that outlived its lock cannot
// overwrite the answer of the request that took the key over.
type IdempotencyLease struct {
	Space, Key, Token string
}

// IdempotentResponse is a response as stored for replay.
type IdempotentResponse struct {
	Status int
	// Header holds the headers worth replaying, in canonical form.
	Header map[string][]string
	Body   []byte
}

// IdempotencyRecord is the state of a claimed key.
type IdempotencyRecord struct {
	Space, Key, Fingerprint string
	// RequestID is the id of the request that claimed the key (and made Response).
	RequestID string
	CreatedAt time.Time
	ExpiresAt time.Time
	// LockedUntil is when an unfinished claim lapses; zero once completed.
	LockedUntil time.Time
	// Response is the stored answer; nil while the request that claimed the key still runs.
	Response *IdempotentResponse
}

// InProgress reports whether the request that claimed the key has not answered yet.
func (r *IdempotencyRecord) InProgress() bool { return r.Response == nil }

// ErrIdempotencyLeaseLost is what completing or releasing a key returns when the lease no
// longer holds it: the lock lapsed and another request took the key over, or the key
// expired and was reused or deleted.
var ErrIdempotencyLeaseLost = errors.New("the idempotency key is no longer held by this request")

// IdempotencyStore keeps idempotency keys and the responses stored under them.
type IdempotencyStore interface {
	// ClaimIdempotencyKey atomically takes the key for the claiming request when nobody
	// holds it: it is new, its earlier use expired, or an unfinished claim with the same
	// fingerprint lapsed. It returns the lease when it took the key, else the record as it
	// stands (the caller compares the fingerprint and decides); exactly one is non-nil.
	ClaimIdempotencyKey(ctx context.Context, c IdempotencyClaim) (*IdempotencyLease, *IdempotencyRecord, error)
	// CompleteIdempotencyKey stores the response under a held key. It fails with
	// ErrIdempotencyLeaseLost when the lease no longer holds the key.
	CompleteIdempotencyKey(ctx context.Context, l IdempotencyLease, r IdempotentResponse, at time.Time) error
	// ReleaseIdempotencyKey forgets a held, unfinished key, so a retry runs afresh. It
	// fails with ErrIdempotencyLeaseLost when the lease no longer holds the key.
	ReleaseIdempotencyKey(ctx context.Context, l IdempotencyLease) error
	// DeleteExpiredIdempotencyKeys deletes every key whose expiry is at or before the
	// time (pass the current time) and returns how many it deleted.
	DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}
