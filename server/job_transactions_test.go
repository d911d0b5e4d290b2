package server_test

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/gen"
)

// injectFault makes PostgreSQL refuse the writes a trigger matches, until the returned
// function lifts it. It is how these tests break one write of a transition in the middle.
func injectFault(t *testing.T, db *sql.DB, table, when string) (lift func()) {
	t.Helper()
	ctx := t.Context()
	stmts := []string{
		`CREATE OR REPLACE FUNCTION troupe_injected_fault() RETURNS trigger AS $$
			BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql`,
		`CREATE TRIGGER injected_fault BEFORE INSERT OR UPDATE ON ` + table + ` FOR EACH ROW WHEN (` + when + `)
			EXECUTE FUNCTION troupe_injected_fault()`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("inject fault: %v", err)
		}
	}
	return func() {
		if _, err := db.ExecContext(context.WithoutCancel(ctx), `DROP TRIGGER injected_fault ON `+table); err != nil {
			t.Fatalf("lift fault: %v", err)
		}
	}
}

// TestAJobEndsWholeOrNotAtAll breaks one write of a job's completion (its webhook job, its
// file row, its character's avatar): nothing of the completion shows until the write works
// again, and then all of it does.
func TestAJobEndsWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	faults := map[string][2]string{
		"webhook job": {"river_job", `NEW.kind = 'troupe.webhook'`},
		"file row":    {"files", `true`},
		"avatar link": {"characters", `NEW.avatar_url <> ''`},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, onPostgres(t), func(o *setupOptions) {
				// Attempts enough to outlast the fault; retries come at once.
				o.config = func(c *app.Config) { c.JobMaxAttempts, c.JobRetryBase = 1000, 5*time.Millisecond }
			})
			recv := &receiver{}
			hook := httptest.NewServer(recv)
			t.Cleanup(hook.Close)
			ch, err := b.demo.CreateCharacterWithResponse(t.Context(), gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster"})
			if err != nil || ch.JSON201 == nil {
				t.Fatalf("character: %v %s", err, ch.Body)
			}
			lift := injectFault(t, b.db.SQL(), fault[0], fault[1])
			av, _ := b.demo.CreateAvatarWithResponse(t.Context(), gen.AvatarRequest{
				Description: "a merchant", CharacterId: ptr(ch.JSON201.Id), WebhookUrl: ptr(hook.URL),
			})
			id := av.JSON202.JobId
			// Several attempts made the image and failed to record it.
			deadline := time.Now().Add(30 * time.Second)
			for {
				res, _ := b.demo.GetJobWithResponse(t.Context(), id)
				j := res.JSON200
				if j.Status != gen.Processing && j.Status != gen.Pending {
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
			var files int
			if err := b.db.SQL().QueryRowContext(t.Context(), `SELECT count(*) FROM files WHERE job_id = $1`, id).Scan(&files); err != nil || files != 0 {
				t.Fatalf("%d file rows (%v) for a job that has not completed", files, err)
			}
			if got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.JSON201.Id); got.JSON200.AvatarUrl != nil {
				t.Fatalf("the character has an avatar before its job completed: %s", *got.JSON200.AvatarUrl)
			}

			lift()
			j := waitJob(t, b.demo, id)
			if j.Status != gen.Completed {
				t.Fatalf("after the fault: %+v", j)
			}
			if payload := waitDelivered(t, b.demo, recv, id); payload.Status != gen.Completed {
				t.Fatalf("webhook payload %+v", payload)
			}
			if err := b.db.SQL().QueryRowContext(t.Context(), `SELECT count(*) FROM files WHERE job_id = $1`, id).Scan(&files); err != nil || files != 1 {
				t.Fatalf("%d file rows (%v) for the completed job", files, err)
			}
			if got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.JSON201.Id); got.JSON200.AvatarUrl == nil {
				t.Fatal("the completed avatar job did not reach its character")
			}
		})
	}
}

// TestACancelIsWholeOrNotAtAll: a cancel whose webhook job cannot be written answers 500
// and leaves the job as it was; once the write works, the cancel goes through with its
// webhook.
func TestACancelIsWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	b := setup(t, onPostgres(t), func(o *setupOptions) { o.noWorkers = true })
	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), gen.AvatarRequest{Description: "a squire", WebhookUrl: ptr("http://127.0.0.1:9/hook")})
	id := av.JSON202.JobId
	lift := injectFault(t, b.db.SQL(), "river_job", `NEW.kind = 'troupe.webhook'`)
	res, err := b.demo.CancelJobWithResponse(t.Context(), id)
	if err != nil || res.StatusCode() != 500 {
		t.Fatalf("cancel with a broken webhook write: %v %d %s", err, res.StatusCode(), res.Body)
	}
	if got, _ := b.demo.GetJobWithResponse(t.Context(), id); got.JSON200.Status != gen.Pending {
		t.Fatalf("a cancel that answered 500 left the job %s", got.JSON200.Status)
	}
	lift()
	res, err = b.demo.CancelJobWithResponse(t.Context(), id)
	if err != nil || res.JSON200 == nil || res.JSON200.Status != gen.Canceled {
		t.Fatalf("cancel: %v %s", err, res.Body)
	}
	var webhooks int
	if err := b.db.SQL().QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'troupe.webhook' AND args->>'job_id' = $1`, id).Scan(&webhooks); err != nil || webhooks != 1 {
		t.Fatalf("%d webhook jobs (%v) for the canceled job", webhooks, err)
	}
}
