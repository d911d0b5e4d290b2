package store_test

import (
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

// insertJob writes a pending job the way the queue does, in a transaction of its own.
func insertJob(t *testing.T, db *store.DB, at time.Time) *domain.Job {
	t.Helper()
	j := &domain.Job{
		ID: domain.NewID(domain.PrefixJob, at), TenantID: "tenant_a", Type: domain.JobAvatar,
		Status: domain.JobPending, Request: []byte(`{}`), CreatedAt: at,
	}
	if err := db.InTx(t.Context(), func(tx *sql.Tx) error { return db.InsertJobTx(t.Context(), tx, j) }); err != nil {
		t.Fatal(err)
	}
	return j
}

// claim is a claim by the runner, its token the runner's name plus a suffix.
func claim(runner string, at time.Time) domain.Claim {
	return domain.Claim{Runner: runner, Token: runner + "-claim", At: at, LeaseUntil: at.Add(time.Minute), AliveSince: at.Add(-10 * time.Second)}
}

func TestJobClaims(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
			if err := db.Heartbeat(ctx, "alive", now); err != nil {
				t.Fatal(err)
			}
			if err := db.Heartbeat(ctx, "alive2", now); err != nil {
				t.Fatal(err)
			}
			if err := db.Heartbeat(ctx, "dead", now.Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}

			t.Run("a pending job is claimed once and counts the attempt", func(t *testing.T) {
				j := insertJob(t, db, now)
				got, err := db.ClaimJob(ctx, j.ID, claim("alive", now))
				if err != nil || got.Status != domain.JobProcessing || got.Attempts != 1 {
					t.Fatalf("claim: %v %+v", err, got)
				}
				if _, err := db.ClaimJob(ctx, j.ID, claim("other", now)); !errors.Is(err, domain.ErrJobBusy) {
					t.Fatalf("second claim while a live runner holds it: %v", err)
				}
			})

			t.Run("a dead runner's job is stale, handed back once, and claimed again", func(t *testing.T) {
				j := insertJob(t, db, now.Add(time.Millisecond))
				if _, err := db.ClaimJob(ctx, j.ID, claim("dead", now)); err != nil {
					t.Fatal(err)
				}
				stale := staleByID(t, db, now, j.ID)
				if stale == nil || stale.Runner != "dead" {
					t.Fatalf("the dead runner's job is not stale: %+v", stale)
				}
				for i, want := range []bool{true, false} {
					var ok bool
					err := db.InTx(ctx, func(tx *sql.Tx) (err error) {
						ok, err = db.RequeueJobTx(ctx, tx, *stale, now.Add(time.Minute))
						return err
					})
					if err != nil || ok != want {
						t.Fatalf("requeue %d: %v %v, want %v", i, ok, err, want)
					}
				}
				got, err := db.ClaimJob(ctx, j.ID, claim("alive", now))
				if err != nil || got.Attempts != 2 {
					t.Fatalf("claim after the hand-back: %v %+v", err, got)
				}
			})

			t.Run("a released job is claimable, and stale once its releasing runner is dead", func(t *testing.T) {
				j := insertJob(t, db, now.Add(5*time.Millisecond))
				if _, err := db.ClaimJob(ctx, j.ID, claim("alive", now)); err != nil {
					t.Fatal(err)
				}
				if err := db.ReleaseJob(ctx, j.ID, "alive-claim", now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				if s := staleByID(t, db, now, j.ID); s != nil {
					t.Fatalf("a job released by a live runner is stale: %+v", s)
				}
				// The runner dies before the queue's next attempt came.
				if s := staleByID(t, db, now.Add(time.Minute), j.ID); s == nil || s.Runner != "alive" {
					t.Fatalf("a job released by a runner that then died is not stale: %+v", s)
				}
				if got, err := db.ClaimJob(ctx, j.ID, claim("alive2", now)); err != nil || got.Attempts != 2 {
					t.Fatalf("claim of a released job: %v %+v", err, got)
				}
			})

			t.Run("a live runner's job is not stale until its lease runs out", func(t *testing.T) {
				j := insertJob(t, db, now.Add(2*time.Millisecond))
				if _, err := db.ClaimJob(ctx, j.ID, claim("alive", now)); err != nil {
					t.Fatal(err)
				}
				if s := staleByID(t, db, now, j.ID); s != nil {
					t.Fatalf("a live runner's job is stale: %+v", s)
				}
				if s := staleByID(t, db, now.Add(2*time.Minute), j.ID); s == nil {
					t.Fatal("a job past its lease is not stale")
				}
			})

			t.Run("only the holding claim finishes, and a finished job is claimed by nobody", func(t *testing.T) {
				j := insertJob(t, db, now.Add(3*time.Millisecond))
				if _, err := db.ClaimJob(ctx, j.ID, claim("alive", now)); err != nil {
					t.Fatal(err)
				}
				out := domain.JobOutcome{JobID: j.ID, Claim: "an-older-claim", Status: domain.JobFailed, Error: domain.Errorf(domain.CodeInternal, "x"), At: now}
				if err := finish(t, db, out); !errors.Is(err, domain.ErrConflict) {
					t.Fatalf("a claim that does not hold the job finished it: %v", err)
				}
				if err := db.ReleaseJob(ctx, j.ID, "an-older-claim", now); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ClaimJob(ctx, j.ID, claim("alive2", now)); !errors.Is(err, domain.ErrJobBusy) {
					t.Fatalf("a release by an older claim freed the job: %v", err)
				}
				out.Claim = "alive-claim"
				if err := finish(t, db, out); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ClaimJob(ctx, j.ID, claim("alive", now)); !errors.Is(err, domain.ErrConflict) {
					t.Fatalf("claim of a failed job: %v", err)
				}
			})

			t.Run("of runners racing for one job, exactly one wins", func(t *testing.T) {
				j := insertJob(t, db, now.Add(4*time.Millisecond))
				var wg sync.WaitGroup
				var mu sync.Mutex
				won, busy := 0, 0
				for i := range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						runner := []string{"alive", "alive2"}[i%2]
						_, err := db.ClaimJob(ctx, j.ID, claim(runner, now))
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							won++
						case errors.Is(err, domain.ErrJobBusy):
							busy++
						default:
							t.Errorf("claim: %v", err)
						}
					}()
				}
				wg.Wait()
				if won != 1 || busy != 7 {
					t.Fatalf("%d claims won, %d busy", won, busy)
				}
			})
		})
	}
}

func staleByID(t *testing.T, db *store.DB, now time.Time, id string) *domain.StaleJob {
	t.Helper()
	stale, err := db.StaleJobs(t.Context(), now, now.Add(-10*time.Second), 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range stale {
		if stale[i].ID == id {
			return &stale[i]
		}
	}
	return nil
}

func finish(t *testing.T, db *store.DB, out domain.JobOutcome) error {
	t.Helper()
	return db.InTx(t.Context(), func(tx *sql.Tx) error { return db.FinishJobTx(t.Context(), tx, out) })
}
