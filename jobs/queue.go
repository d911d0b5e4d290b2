package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/webhook"
)

// Options configure the queue.
type Options struct {
	// JobTTL is how long jobs and their media are kept (JOB_TTL_HOURS).
	JobTTL time.Duration
	// Workers is how many jobs run at once in this process; 0 means 4.
	Workers int
	// CleanupEvery is how often expired jobs are deleted; 0 means 15 minutes.
	CleanupEvery time.Duration
	// JobTimeout bounds one attempt of an image job; 0 means 5 minutes.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before River assumes its process
	// died and runs it again elsewhere; 0 means JobTimeout plus 5 minutes. It must exceed
	// JobTimeout, or live jobs would run twice.
	RescueAfter time.Duration
	// WebhookBackoff overrides the webhook retry schedule (tests); nil means the Standard
	// Webhooks schedule.
	WebhookBackoff func(attempt int) time.Duration
	Logger         *slog.Logger
	// PostgresURL, on PostgreSQL, opens a small pgx pool that LISTENs for new jobs, so an
	// idle replica starts a job at once instead of at its next poll.
	PostgresURL string
}

// Queue is the domain's JobQueue on River.
type Queue struct {
	db       *store.DB
	client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool
}

var _ domain.JobQueue = (*Queue)(nil)

// New migrates River's tables and builds the client with the workers, which call svc.
// Start begins working; a Queue that is never started still accepts jobs (another replica
// may run them).
func New(ctx context.Context, db *store.DB, svc *domain.JobService, opt Options) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	var listener *pgxpool.Pool
	if db.Dialect() == store.Postgres && opt.PostgresURL != "" {
		cfg, err := pgxpool.ParseConfig(opt.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: listener: %w", err)
		}
		cfg.MaxConns = 2
		if listener, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			return nil, fmt.Errorf("jobs: listener: %w", err)
		}
		driver = riverdatabasesql.NewWithPgxListener(db.SQL(), listener)
	} else if db.Dialect() == store.Postgres {
		driver = riverdatabasesql.New(db.SQL())
	} else {
		driver = riversqlite.New(db.SQL())
	}
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("jobs: migrate: %w", err)
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.CleanupEvery <= 0 {
		opt.CleanupEvery = 15 * time.Minute
	}
	if opt.JobTTL <= 0 {
		opt.JobTTL = 24 * time.Hour
	}
	if opt.JobTimeout <= 0 {
		opt.JobTimeout = 5 * time.Minute
	}
	if opt.RescueAfter <= opt.JobTimeout {
		opt.RescueAfter = opt.JobTimeout + 5*time.Minute
	}
	if opt.WebhookBackoff == nil {
		opt.WebhookBackoff = func(attempt int) time.Duration { return webhook.Backoff(attempt, nil) }
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &mediaWorker[ImageArgs]{run: svc.RunImage, timeout: opt.JobTimeout})
	river.AddWorker(workers, &mediaWorker[SpeechArgs]{run: svc.RunSpeech, timeout: opt.JobTimeout})
	river.AddWorker(workers, &webhookWorker{svc: svc, backoff: opt.WebhookBackoff})
	river.AddWorker(workers, &cleanupWorker{svc: svc, ttl: opt.JobTTL})
	cfg := &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opt.Workers}},
		Workers: workers,
		Logger:  opt.Logger,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(opt.CleanupEvery),
				func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
		// Without LISTEN on PostgreSQL (database/sql driver), new work is found by polling.
		FetchPollInterval: 200 * time.Millisecond,
		FetchCooldown:     20 * time.Millisecond,
		// Webhooks retry for more than a day; River must not delete them in between.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		JobTimeout:                  opt.JobTimeout,
		RescueStuckJobsAfter:        opt.RescueAfter,
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{db: db, client: client, listener: listener}, nil
}

// Start runs workers until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish until ctx is done, then cancels them; they are retried
// later, by this process after a restart or by another replica.
func (q *Queue) Stop(ctx context.Context) error {
	if q.listener != nil {
		defer q.listener.Close()
	}
	if err := q.client.Stop(ctx); err != nil {
		return q.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return nil
}

// Enqueue writes the job's row and queues its work in one transaction.
func (q *Queue) Enqueue(ctx context.Context, job *domain.Job) error {
	var args river.JobArgs
	opts := &river.InsertOpts{}
	switch job.Type {
	case domain.JobAvatar, domain.JobBackground:
		args, opts.MaxAttempts = ImageArgs{JobID: job.ID}, mediaAttempts
	case domain.JobTTS:
		args, opts.MaxAttempts = SpeechArgs{JobID: job.ID}, mediaAttempts
	default:
		return fmt.Errorf("jobs: no worker for job type %q", job.Type)
	}
	tx, err := q.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := q.db.InsertJobTx(ctx, tx, job); err != nil {
		return err
	}
	res, err := q.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return fmt.Errorf("jobs: enqueue: %w", err)
	}
	if err := q.db.SetQueueIDTx(ctx, tx, job.ID, res.Job.ID); err != nil {
		return err
	}
	return tx.Commit()
}

// Cancel stops the job's work if it is running here or on another replica.
func (q *Queue) Cancel(ctx context.Context, jobID string) error {
	id, err := q.db.QueueID(ctx, jobID)
	if err != nil {
		return err
	}
	_, err = q.client.JobCancel(ctx, id)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return err
	}
	return nil
}

// NotifyWebhook queues the delivery of the job's webhook.
func (q *Queue) NotifyWebhook(ctx context.Context, jobID string) error {
	_, err := q.client.Insert(ctx, WebhookArgs{JobID: jobID}, &river.InsertOpts{MaxAttempts: webhook.MaxAttempts})
	return err
}

// Status reports the queue's health.
func (q *Queue) Status(ctx context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "river", Model: string(q.db.Dialect())}
}
