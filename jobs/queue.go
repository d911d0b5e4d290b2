package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/webhook"
)

// Queue is the domain's JobQueue on River: every transition writes the app's rows and
// River's together, in one transaction on the store's writer. It inserts and cancels
// River jobs; Workers runs them. Until NewWorkers lends it the working client, it inserts
// through a client of its own that runs nothing.
type Queue struct {
	db     *store.DB
	client *river.Client[*sql.Tx]
	// listener, on PostgreSQL, is the pgx pool River LISTENs (and this client NOTIFYs)
	// on, so an idle replica starts new work at once instead of at its next poll.
	listener *pgxpool.Pool
	// maxAttempts is how many attempts River gives a media job.
	maxAttempts int
	// wake, on SQLite, wakes this process's River listeners when a transaction that
	// queued work commits (see wake.go); nil on PostgreSQL.
	wake *wakeup
}

var _ domain.JobQueue = (*Queue)(nil)

// NewQueue migrates River's tables and returns the queue. maxAttempts is River's cap on a
// media job's attempts (the domain's RunSettings.MaxAttempts). On PostgreSQL, postgresURL
// opens a small pgx pool for LISTEN/NOTIFY; empty means workers poll. Close releases it.
func NewQueue(ctx context.Context, db *store.DB, maxAttempts int, postgresURL string) (*Queue, error) {
	var listener *pgxpool.Pool
	if db.Dialect() == store.Postgres && postgresURL != "" {
		cfg, err := pgxpool.ParseConfig(postgresURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: listener: %w", err)
		}
		cfg.MaxConns = 2
		if listener, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			return nil, fmt.Errorf("jobs: listener: %w", err)
		}
	}
	q, err := newQueue(ctx, db, maxAttempts, listener)
	if err != nil && listener != nil {
		listener.Close()
	}
	return q, err
}

func newQueue(ctx context.Context, db *store.DB, maxAttempts int, listener *pgxpool.Pool) (*Queue, error) {
	q := &Queue{db: db, listener: listener, maxAttempts: max(maxAttempts, 1)}
	if db.Dialect() != store.Postgres {
		q.wake = newWakeup()
	}
	driver := q.driver()
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// Under the store's migration lock: two replicas migrating River's tables at once on
	// a new database collide (one fails with "type river_migration already exists").
	err = db.Serialized(ctx, func() error {
		_, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrate: %w", err)
	}
	// A client without workers only inserts and cancels.
	if q.client, err = river.NewClient(driver, &river.Config{}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return q, nil
}

// Close releases the listener pool, after the workers stopped.
func (q *Queue) Close() {
	if q.listener != nil {
		q.listener.Close()
	}
}

// driver is River's driver on the store's writer: SQLite's, woken by this queue's
// commits, or PostgreSQL's through database/sql, with a pgx pool that LISTENs for new
// jobs when one is given.
func (q *Queue) driver() riverdriver.Driver[*sql.Tx] {
	switch {
	case q.db.Dialect() == store.Postgres && q.listener != nil:
		return riverdatabasesql.NewWithPgxListener(q.db.SQL(), q.listener)
	case q.db.Dialect() == store.Postgres:
		return riverdatabasesql.New(q.db.SQL())
	default:
		return &wakingDriver{Driver: riversqlite.New(q.db.SQL()), wake: q.wake}
	}
}

// Enqueue writes the job's row and queues its work in one transaction.
func (q *Queue) Enqueue(ctx context.Context, job *domain.Job) error {
	return q.inTx(ctx, func(tx *sql.Tx) error {
		if err := q.db.InsertJobTx(ctx, tx, job); err != nil {
			return err
		}
		return q.insertWorkTx(ctx, tx, job.ID, job.Type)
	})
}

// insertWorkTx queues the River job that runs the API job, and records its id so a cancel
// can find it.
func (q *Queue) insertWorkTx(ctx context.Context, tx *sql.Tx, jobID string, typ domain.JobType) error {
	var args river.JobArgs
	switch typ {
	case domain.JobAvatar, domain.JobBackground, domain.JobVariation:
		args = ImageArgs{JobID: jobID}
	case domain.JobSprites:
		args = SpritesArgs{JobID: jobID}
	case domain.JobTTS:
		args = SpeechArgs{JobID: jobID}
	default:
		return fmt.Errorf("jobs: no worker for job type %q", typ)
	}
	res, err := q.client.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: q.maxAttempts})
	if err != nil {
		return fmt.Errorf("jobs: enqueue: %w", err)
	}
	return q.db.SetQueueIDTx(ctx, tx, jobID, res.Job.ID)
}

// Finish ends a processing job: its row, file row and avatar link, and its webhook job, in
// one transaction.
func (q *Queue) Finish(ctx context.Context, out domain.JobOutcome) error {
	return q.inTx(ctx, func(tx *sql.Tx) error {
		if err := q.db.FinishJobTx(ctx, tx, out); err != nil {
			return err
		}
		if err := q.finishUsageTx(ctx, tx, out); err != nil {
			return err
		}
		if err := q.jobEventTx(ctx, tx, out.JobID); err != nil {
			return err
		}
		if out.WebhookURL != "" {
			return q.notifyTx(ctx, tx, out.JobID)
		}
		return nil
	})
}

// Cancel cancels the job and queues its webhook in one transaction, then stops its work.
func (q *Queue) Cancel(ctx context.Context, tenantID, id string, at time.Time) (*domain.Job, error) {
	var job *domain.Job
	err := q.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if job, err = q.db.CancelJobTx(ctx, tx, tenantID, id, at); err != nil {
			return err
		}
		if err := q.cancelUsageTx(ctx, tx, job); err != nil {
			return err
		}
		if err := q.jobEventTx(ctx, tx, job.ID); err != nil {
			return err
		}
		if job.WebhookURL != "" {
			return q.notifyTx(ctx, tx, job.ID)
		}
		return nil
	})
	if err != nil {
		return job, err
	}
	// The row is canceled already, whatever happens next: stopping the running work only
	// saves effort, and work that goes on finishes nothing.
	if queueID, err := q.db.QueueID(ctx, id); err == nil {
		_, _ = q.client.JobCancel(ctx, queueID)
	}
	return job, nil
}

// Requeue hands a stale job back as new River work, if it is still as seen.
func (q *Queue) Requeue(ctx context.Context, j domain.StaleJob, leaseUntil time.Time) (bool, error) {
	requeued := false
	err := q.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := q.db.RequeueJobTx(ctx, tx, j, leaseUntil)
		if err != nil || !ok {
			return err
		}
		requeued = true
		return q.insertWorkTx(ctx, tx, j.ID, j.Type)
	})
	return requeued && err == nil, err
}

// lostBatch is how many of the oldest pending jobs one RequeueLost looks at.
const lostBatch = 20

// RequeueLost queues new work for old pending jobs whose River job was taken by a worker
// that died before claiming it (running since before the cutoff, while a live worker
// claims within milliseconds), or has ended or vanished without the job starting.
func (q *Queue) RequeueLost(ctx context.Context, createdBefore time.Time) (int, error) {
	pending, err := q.db.OldPendingJobs(ctx, createdBefore, lostBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range pending {
		row, err := q.client.JobGet(ctx, j.QueueID)
		switch {
		case errors.Is(err, river.ErrNotFound):
		case err != nil:
			return n, err
		case row.State == rivertype.JobStateRunning && row.AttemptedAt != nil && row.AttemptedAt.Before(createdBefore):
		case row.State == rivertype.JobStateCompleted, row.State == rivertype.JobStateDiscarded, row.State == rivertype.JobStateCancelled:
		default:
			continue // waiting its turn, or just taken
		}
		requeued := false
		err = q.inTx(ctx, func(tx *sql.Tx) error {
			ok, err := q.db.StillPendingTx(ctx, tx, j)
			if err != nil || !ok {
				return err
			}
			requeued = true
			return q.insertWorkTx(ctx, tx, j.ID, j.Type)
		})
		if err != nil {
			return n, err
		}
		if requeued {
			n++
		}
	}
	return n, nil
}

// notifyTx queues the delivery of the job's webhook.
func (q *Queue) notifyTx(ctx context.Context, tx *sql.Tx, jobID string) error {
	_, err := q.client.InsertTx(ctx, tx, WebhookArgs{JobID: jobID}, &river.InsertOpts{MaxAttempts: webhook.MaxAttempts})
	if err != nil {
		return fmt.Errorf("jobs: queue webhook: %w", err)
	}
	return nil
}

// inTx runs f in one transaction on the store's writer; once it commits, whatever River
// work it queued is announced to this process's workers (on SQLite).
func (q *Queue) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	if err := q.db.InTx(ctx, f); err != nil {
		return err
	}
	q.wake.Notify()
	return nil
}

// Status reports the queue's health.
func (q *Queue) Status(ctx context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "river", Model: string(q.db.Dialect())}
}
