package server_test

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/store"
)

// injectFault makes the database refuse the inserts and updates of table that match when
// (an SQL condition on NEW), until the returned function lifts it. It is how these tests
// break one write of a transition in the middle, on either database.
func injectFault(t *testing.T, db *store.DB, table, when string) (lift func()) {
	t.Helper()
	var stmts, drops []string
	if db.Dialect() == store.Postgres {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION troupe_injected_fault() RETURNS trigger AS $$
				BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER injected_fault BEFORE INSERT OR UPDATE ON ` + table + ` FOR EACH ROW WHEN (` + when + `)
				EXECUTE FUNCTION troupe_injected_fault()`,
		}
		drops = []string{`DROP TRIGGER injected_fault ON ` + table}
	} else {
		// SQLite triggers take one event each.
		for _, event := range []string{"INSERT", "UPDATE"} {
			name := "injected_fault_" + strings.ToLower(event)
			stmts = append(stmts, `CREATE TRIGGER `+name+` BEFORE `+event+` ON `+table+` WHEN `+when+`
				BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
			drops = append(drops, `DROP TRIGGER `+name)
		}
	}
	for _, s := range stmts {
		if _, err := db.SQL().ExecContext(t.Context(), s); err != nil {
			t.Fatalf("inject fault: %v", err)
		}
	}
	return func() {
		for _, s := range drops {
			if _, err := db.SQL().ExecContext(context.WithoutCancel(t.Context()), s); err != nil {
				t.Fatalf("lift fault: %v", err)
			}
		}
	}
}

// count runs a count query written with ? placeholders on either database.
func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	if db.Dialect() == store.Postgres {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", "$"+string(rune('0'+i)), 1)
		}
	}
	var n int
	if err := db.SQL().QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestAJobEndsWholeOrNotAtAll breaks one write of a job's completion (its webhook job, its
// file row, its character's avatar): nothing of the completion shows until the write works
// again, and then all of it does.
func TestAJobEndsWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	faults := map[string][2]string{
		"webhook job": {"river_job", `NEW.kind = 'troupe.webhook'`},
		"file row":    {"files", `NEW.id <> ''`},
		"avatar link": {"characters", `NEW.avatar_url <> ''`},
	}
	// Each fault gets its own database (its own PostgreSQL schema): a trigger is seen by
	// every test on the same tables, and concurrent CREATE FUNCTIONs of one name collide.
	for db := range backends(t) {
		for name, fault := range faults {
			t.Run(db+"/"+name, func(t *testing.T) {
				t.Parallel()
				onDB, ok := backends(t)[db]
				if !ok {
					t.Skipf("no %s here", db)
				}
				b := setup(t, onDB, func(o *setupOptions) {
					// Attempts enough to outlast the fault; retries come at once.
					o.config = func(c *app.Config) { c.JobMaxAttempts, c.JobRetryBase = 1000, 5*time.Millisecond }
				})
				recv := &receiver{}
				hook := httptest.NewServer(recv)
				t.Cleanup(hook.Close)
				ch, err := b.demo.CreateCharacterWithResponse(t.Context(), nil, gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster"})
				if err != nil || ch.JSON201 == nil {
					t.Fatalf("character: %v %s", err, ch.Body)
				}
				lift := injectFault(t, b.db, fault[0], fault[1])
				av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{
					Description: "a merchant", CharacterId: ptr(ch.JSON201.Id), WebhookUrl: ptr(hook.URL),
				})
				id := av.JSON202.JobId
				// Several attempts made the image and failed to record it.
				deadline := time.Now().Add(30 * time.Second)
				for {
					res, _ := b.demo.GetJobWithResponse(t.Context(), id)
					j := res.JSON200
					if j.Status != gen.JobStatusProcessing && j.Status != gen.JobStatusPending {
						t.Fatalf("the job ended %s while its completion could not be written", j.Status)
					}
					if j.Attempts >= 3 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("the job made %d attempts", j.Attempts)
					}
					time.Sleep(10 * time.Millisecond)
				}
				if n := count(t, b.db, `SELECT count(*) FROM files WHERE job_id = ?`, id); n != 0 {
					t.Fatalf("%d file rows for a job that has not completed", n)
				}
				if got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.JSON201.Id); got.JSON200.AvatarUrl != nil {
					t.Fatalf("the character has an avatar before its job completed: %s", *got.JSON200.AvatarUrl)
				}

				lift()
				j := waitJob(t, b.demo, id)
				if j.Status != gen.JobStatusCompleted {
					t.Fatalf("after the fault: %+v", j)
				}
				if payload := waitDelivered(t, b.demo, recv, id); payload.Status != gen.JobStatusCompleted {
					t.Fatalf("webhook payload %+v", payload)
				}
				if n := count(t, b.db, `SELECT count(*) FROM files WHERE job_id = ?`, id); n != 1 {
					t.Fatalf("%d file rows for the completed job", n)
				}
				if got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.JSON201.Id); got.JSON200.AvatarUrl == nil {
					t.Fatal("the completed avatar job did not reach its character")
				}
			})
		}
	}
}

// TestACancelIsWholeOrNotAtAll: a cancel whose webhook job cannot be written answers 500
// and leaves the job as it was; once the write works, the cancel goes through with its
// webhook.
func TestACancelIsWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	for db, onDB := range backends(t) {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, onDB, func(o *setupOptions) { o.noWorkers = true })
			av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a squire", WebhookUrl: ptr("http://127.0.0.1:9/hook")})
			id := av.JSON202.JobId
			lift := injectFault(t, b.db, "river_job", `NEW.kind = 'troupe.webhook'`)
			res, err := b.demo.CancelJobWithResponse(t.Context(), id, nil)
			if err != nil || res.StatusCode() != 500 {
				t.Fatalf("cancel with a broken webhook write: %v %d %s", err, res.StatusCode(), res.Body)
			}
			if got, _ := b.demo.GetJobWithResponse(t.Context(), id); got.JSON200.Status != gen.JobStatusPending {
				t.Fatalf("a cancel that answered 500 left the job %s", got.JSON200.Status)
			}
			lift()
			res, err = b.demo.CancelJobWithResponse(t.Context(), id, nil)
			if err != nil || res.JSON200 == nil || res.JSON200.Status != gen.JobStatusCanceled {
				t.Fatalf("cancel: %v %s", err, res.Body)
			}
			// The one webhook job carries the job's id in its args.
			if n := count(t, b.db, `SELECT count(*) FROM river_job WHERE kind = 'troupe.webhook' AND CAST(args AS TEXT) LIKE ?`, "%"+id+"%"); n != 1 {
				t.Fatalf("%d webhook jobs for the canceled job", n)
			}
		})
	}
}
