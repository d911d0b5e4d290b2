package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

const (
	idemLock      = 5 * time.Minute
	idemRetention = 24 * time.Hour
)

// idemClaim is a claim made at the time with the usual lock and retention.
func idemClaim(space, key, fingerprint, requestID string, at time.Time) domain.IdempotencyClaim {
	return domain.IdempotencyClaim{
		Space: space, Key: key, Fingerprint: fingerprint, RequestID: requestID,
		At: at, LockUntil: at.Add(idemLock), ExpiresAt: at.Add(idemRetention),
	}
}

// mustClaim claims a key that must be free.
func mustClaim(t *testing.T, db *store.DB, c domain.IdempotencyClaim) domain.IdempotencyLease {
	t.Helper()
	lease, rec, err := db.ClaimIdempotencyKey(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if lease == nil {
		t.Fatalf("claim of %s/%s was refused, the key is held: %+v", c.Space, c.Key, rec)
	}
	if lease.Space != c.Space || lease.Key != c.Key || lease.Token == "" {
		t.Fatalf("lease %+v for claim %+v", lease, c)
	}
	return *lease
}

// mustBeHeld claims a key that must already be taken and returns its record.
func mustBeHeld(t *testing.T, db *store.DB, c domain.IdempotencyClaim) *domain.IdempotencyRecord {
	t.Helper()
	lease, rec, err := db.ClaimIdempotencyKey(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if lease != nil || rec == nil {
		t.Fatalf("claim of a held key %s/%s: lease %+v, record %+v", c.Space, c.Key, lease, rec)
	}
	return rec
}

func sampleResponse() domain.IdempotentResponse {
	body := make([]byte, 256)
	for i := range body {
		body[i] = byte(i) // every byte value, NUL included, must survive storage
	}
	return domain.IdempotentResponse{
		Status: 201,
		Header: map[string][]string{"Content-Type": {"application/json"}, "Location": {"/v1/worlds/wld_1"}, "Vary": {"Accept", "Origin"}},
		Body:   body,
	}
}

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			base := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

			t.Run("a claimed key is in progress, then replays what was stored", func(t *testing.T) {
				t.Parallel()
				lease := mustClaim(t, db, idemClaim("acme", "k-replay", "fp-1", "req_first", base))
				rec, err := db.IdempotencyKey(ctx, "acme", "k-replay", base)
				if err != nil {
					t.Fatal(err)
				}
				want := &domain.IdempotencyRecord{
					Space: "acme", Key: "k-replay", Fingerprint: "fp-1", RequestID: "req_first",
					CreatedAt: base, ExpiresAt: base.Add(idemRetention), LockedUntil: base.Add(idemLock),
				}
				if !reflect.DeepEqual(rec, want) || !rec.InProgress() {
					t.Fatalf("in progress:\n%+v\nwant\n%+v", rec, want)
				}
				resp := sampleResponse()
				if err := db.CompleteIdempotencyKey(ctx, lease, resp, base.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				rec = mustBeHeld(t, db, idemClaim("acme", "k-replay", "fp-1", "req_retry", base.Add(time.Minute)))
				want.LockedUntil, want.Response = time.Time{}, &resp
				if !reflect.DeepEqual(rec, want) || rec.InProgress() {
					t.Fatalf("completed:\n%+v\nwant\n%+v", rec, want)
				}
				if err := db.CompleteIdempotencyKey(ctx, lease, resp, base.Add(time.Minute)); !errors.Is(err, domain.ErrIdempotencyLeaseLost) {
					t.Fatalf("completing twice: %v, want ErrIdempotencyLeaseLost", err)
				}
				if err := db.ReleaseIdempotencyKey(ctx, lease); !errors.Is(err, domain.ErrIdempotencyLeaseLost) {
					t.Fatalf("releasing a completed key: %v, want ErrIdempotencyLeaseLost", err)
				}
			})

			t.Run("an empty response is stored as empty", func(t *testing.T) {
				t.Parallel()
				lease := mustClaim(t, db, idemClaim("acme", "k-empty", "fp", "req_1", base))
				if err := db.CompleteIdempotencyKey(ctx, lease, domain.IdempotentResponse{Status: 204}, base); err != nil {
					t.Fatal(err)
				}
				rec := mustBeHeld(t, db, idemClaim("acme", "k-empty", "fp", "req_2", base))
				if rec.Response.Status != 204 || len(rec.Response.Body) != 0 || len(rec.Response.Header) != 0 {
					t.Fatalf("stored %+v", rec.Response)
				}
			})

			t.Run("a retry with another fingerprint gets the record as it stands", func(t *testing.T) {
				t.Parallel()
				for _, complete := range []bool{false, true} {
					key := fmt.Sprintf("k-mismatch-%v", complete)
					lease := mustClaim(t, db, idemClaim("acme", key, "fp-1", "req_1", base))
					if complete {
						if err := db.CompleteIdempotencyKey(ctx, lease, sampleResponse(), base); err != nil {
							t.Fatal(err)
						}
					}
					rec := mustBeHeld(t, db, idemClaim("acme", key, "fp-2", "req_2", base.Add(time.Second)))
					if rec.Fingerprint != "fp-1" || rec.RequestID != "req_1" || rec.InProgress() == complete {
						t.Fatalf("completed %v: record %+v", complete, rec)
					}
				}
			})

			t.Run("an unfinished claim holds the key until its lock lapses", func(t *testing.T) {
				t.Parallel()
				mustClaim(t, db, idemClaim("acme", "k-busy", "fp", "req_1", base))
				rec := mustBeHeld(t, db, idemClaim("acme", "k-busy", "fp", "req_2", base.Add(idemLock-time.Microsecond)))
				if !rec.InProgress() || rec.RequestID != "req_1" {
					t.Fatalf("record %+v, want req_1 in progress", rec)
				}
			})

			t.Run("a lapsed claim is taken over by the same request and the old lease is lost", func(t *testing.T) {
				t.Parallel()
				old := mustClaim(t, db, idemClaim("acme", "k-takeover", "fp", "req_dead", base))
				later := base.Add(idemLock)
				taken := mustClaim(t, db, idemClaim("acme", "k-takeover", "fp", "req_retry", later))
				if taken.Token == old.Token {
					t.Fatal("the takeover reused the dead request's token")
				}
				if err := db.CompleteIdempotencyKey(ctx, old, sampleResponse(), later); !errors.Is(err, domain.ErrIdempotencyLeaseLost) {
					t.Fatalf("the dead request completed a key taken over: %v", err)
				}
				if err := db.ReleaseIdempotencyKey(ctx, old); !errors.Is(err, domain.ErrIdempotencyLeaseLost) {
					t.Fatalf("the dead request released a key taken over: %v", err)
				}
				if err := db.CompleteIdempotencyKey(ctx, taken, sampleResponse(), later); err != nil {
					t.Fatal(err)
				}
				rec := mustBeHeld(t, db, idemClaim("acme", "k-takeover", "fp", "req_3", later))
				if rec.RequestID != "req_retry" || !rec.CreatedAt.Equal(later) || rec.Response == nil {
					t.Fatalf("record %+v, want the takeover's", rec)
				}
			})

			t.Run("a lapsed claim is not taken over by another request", func(t *testing.T) {
				t.Parallel()
				mustClaim(t, db, idemClaim("acme", "k-lapsed-other", "fp-1", "req_1", base))
				rec := mustBeHeld(t, db, idemClaim("acme", "k-lapsed-other", "fp-2", "req_2", base.Add(2*idemLock)))
				if rec.Fingerprint != "fp-1" || rec.RequestID != "req_1" {
					t.Fatalf("record %+v, want the first request's", rec)
				}
			})

			t.Run("a released key is free again, once", func(t *testing.T) {
				t.Parallel()
				lease := mustClaim(t, db, idemClaim("acme", "k-release", "fp-1", "req_1", base))
				if err := db.ReleaseIdempotencyKey(ctx, lease); err != nil {
					t.Fatal(err)
				}
				if err := db.ReleaseIdempotencyKey(ctx, lease); !errors.Is(err, domain.ErrIdempotencyLeaseLost) {
					t.Fatalf("second release: %v, want ErrIdempotencyLeaseLost", err)
				}
				if _, err := db.IdempotencyKey(ctx, "acme", "k-release", base); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("lookup after release: %v, want ErrNotFound", err)
				}
				mustClaim(t, db, idemClaim("acme", "k-release", "fp-2", "req_2", base.Add(time.Second)))
			})

			t.Run("an expired key is absent before cleanup and free for a new request", func(t *testing.T) {
				t.Parallel()
				lease := mustClaim(t, db, idemClaim("acme", "k-expired", "fp-1", "req_1", base))
				if err := db.CompleteIdempotencyKey(ctx, lease, sampleResponse(), base); err != nil {
					t.Fatal(err)
				}
				expiry := base.Add(idemRetention)
				if _, err := db.IdempotencyKey(ctx, "acme", "k-expired", expiry.Add(-time.Microsecond)); err != nil {
					t.Fatalf("lookup just before expiry: %v", err)
				}
				if _, err := db.IdempotencyKey(ctx, "acme", "k-expired", expiry); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("lookup at expiry: %v, want ErrNotFound", err)
				}
				mustClaim(t, db, idemClaim("acme", "k-expired", "fp-2", "req_2", expiry))
				rec, err := db.IdempotencyKey(ctx, "acme", "k-expired", expiry)
				if err != nil || !rec.InProgress() || rec.Fingerprint != "fp-2" {
					t.Fatalf("reused key: %+v, %v; want the new request in progress", rec, err)
				}
			})

			t.Run("two spaces with the same key never see each other", func(t *testing.T) {
				t.Parallel()
				spaces := []string{"acme", domain.SpaceOf("acme", domain.ModeTest), "globex"}
				for i, space := range spaces {
					lease := mustClaim(t, db, idemClaim(space, "k-shared", "fp-"+space, "req_"+space, base))
					if i == 0 {
						if err := db.CompleteIdempotencyKey(ctx, lease, sampleResponse(), base); err != nil {
							t.Fatal(err)
						}
					}
				}
				for i, space := range spaces {
					rec, err := db.IdempotencyKey(ctx, space, "k-shared", base)
					if err != nil {
						t.Fatal(err)
					}
					if rec.Space != space || rec.Fingerprint != "fp-"+space || rec.InProgress() != (i != 0) {
						t.Errorf("%s sees %+v", space, rec)
					}
				}
			})

			t.Run("of many concurrent claims exactly one wins", func(t *testing.T) {
				t.Parallel()
				cases := []struct {
					name  string
					at    time.Time
					setup func(key string)
				}{
					{"a new key", base, func(string) {}},
					{"a lapsed claim", base.Add(idemLock), func(key string) {
						mustClaim(t, db, idemClaim("acme", key, "fp", "req_dead", base))
					}},
					{"an expired key", base.Add(idemRetention), func(key string) {
						lease := mustClaim(t, db, idemClaim("acme", key, "fp-old", "req_old", base))
						if err := db.CompleteIdempotencyKey(ctx, lease, sampleResponse(), base); err != nil {
							t.Fatal(err)
						}
					}},
				}
				for _, c := range cases {
					key := "k-race-" + c.name
					c.setup(key)
					const n = 16
					var (
						wg      sync.WaitGroup
						mu      sync.Mutex
						winners []string
						losers  []*domain.IdempotencyRecord
					)
					for i := range n {
						wg.Go(func() {
							id := fmt.Sprintf("req_%d", i)
							lease, rec, err := db.ClaimIdempotencyKey(ctx, idemClaim("acme", key, "fp", id, c.at))
							mu.Lock()
							defer mu.Unlock()
							switch {
							case err != nil:
								t.Error(err)
							case lease != nil:
								winners = append(winners, id)
							default:
								losers = append(losers, rec)
							}
						})
					}
					wg.Wait()
					if len(winners) != 1 || len(losers) != n-1 {
						t.Fatalf("%s: %d winners %v, %d losers", c.name, len(winners), winners, len(losers))
					}
					for _, rec := range losers {
						if rec.RequestID != winners[0] || !rec.InProgress() {
							t.Errorf("%s: a loser saw %+v, want %s in progress", c.name, rec, winners[0])
						}
					}
				}
			})
		})
	}
}

func TestDeleteExpiredIdempotencyKeys(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			base := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
			// More keys than one delete batch takes, half completed, claimed a second
			// apart: those claimed in the first half expire by the cutoff.
			const n = 1200
			for i := range n {
				lease := mustClaim(t, db, idemClaim("acme", fmt.Sprintf("k-%04d", i), "fp", "req", base.Add(time.Duration(i)*time.Second)))
				if i%2 == 0 {
					if err := db.CompleteIdempotencyKey(ctx, lease, sampleResponse(), base); err != nil {
						t.Fatal(err)
					}
				}
			}
			const kept = n / 2
			cutoff := base.Add(idemRetention + (n-kept-1)*time.Second)
			deleted, err := db.DeleteExpiredIdempotencyKeys(ctx, cutoff)
			if err != nil || deleted != n-kept {
				t.Fatalf("deleted %d (%v), want %d", deleted, err, n-kept)
			}
			if again, err := db.DeleteExpiredIdempotencyKeys(ctx, cutoff); err != nil || again != 0 {
				t.Fatalf("second cleanup deleted %d (%v), want 0", again, err)
			}
			for i := range n {
				_, err := db.IdempotencyKey(ctx, "acme", fmt.Sprintf("k-%04d", i), base)
				if gone := errors.Is(err, domain.ErrNotFound); gone != (i < n-kept) {
					t.Fatalf("key %d: lookup %v after cleanup", i, err)
				}
			}
		})
	}
}
