package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/store/storetest"
)

// TestPendingJobsWhoseWorkWasLostAreHandedBack: a worker can die after taking a job's work
// from the queue and before claiming the job (or the work can vanish). The job is still
// pending; the next heartbeat queues new work for it, once, and the job then completes.
func TestPendingJobsWhoseWorkWasLostAreHandedBack(t *testing.T) {
	t.Parallel()
	dbs := map[string]string{"sqlite": ""}
	if url := storetest.PostgresSchemaURL(t); url != "" {
		dbs["postgres"] = url
	}
	losses := map[string]map[store.Dialect]string{
		"taken by a worker that died": {
			store.SQLite:   `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', '-1 hour', 'subsec') WHERE id = ?`,
			store.Postgres: `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour' WHERE id = $1`,
		},
		"vanished": {
			store.SQLite:   `DELETE FROM river_job WHERE id = ?`,
			store.Postgres: `DELETE FROM river_job WHERE id = $1`,
		},
	}
	for db, url := range dbs {
		for name, loss := range losses {
			t.Run(db+"/"+name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				cfg := app.Defaults()
				cfg.DataDir, cfg.DatabaseURL = t.TempDir(), url
				if url != "" {
					// Each case needs a schema of its own.
					cfg.DatabaseURL = storetest.PostgresSchemaURL(t)
				}
				a, err := app.New(ctx, cfg, app.Overrides{Images: instantImages{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { a.Close() })
				job, err := a.Services.Jobs.SubmitImage(ctx, "tenant_a", domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: "x", Width: 64, Height: 64, Seed: 1}, "", "", false)
				if err != nil {
					t.Fatal(err)
				}
				queueID, err := a.DB.QueueID(ctx, job.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.DB.SQL().ExecContext(ctx, loss[a.DB.Dialect()], queueID); err != nil {
					t.Fatal(err)
				}

				// A live worker claims a job within milliseconds of taking it; past the
				// staleness period, the job's work counts as lost.
				later := func() time.Time { return time.Now().Add(time.Minute) }
				a.Runner.Now = later
				if n, err := a.Runner.Beat(ctx); err != nil || n != 1 {
					t.Fatalf("first beat handed back %d jobs (%v), want 1", n, err)
				}
				if n, err := a.Runner.Beat(ctx); err != nil || n != 0 {
					t.Fatalf("second beat handed back %d jobs (%v), want 0: the new work is queued", n, err)
				}
				a.Runner.Now = nil
				if err := a.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					a.Stop(sctx)
				})
				deadline := time.Now().Add(30 * time.Second)
				for {
					got, err := a.DB.GetJob(ctx, "tenant_a", job.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got.Status == domain.JobCompleted {
						if got.Attempts != 1 {
							t.Fatalf("the job ran %d times", got.Attempts)
						}
						break
					}
					if got.Status.Terminal() || time.Now().After(deadline) {
						t.Fatalf("job %+v", got)
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
		}
	}
}
