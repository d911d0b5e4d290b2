package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/webhook"
)

// WorkerOptions configure Workers.
type WorkerOptions struct {
	// Workers is how many jobs run at once in this process; 0 means 4.
	Workers int
	// CleanupEvery is how often expired jobs and orphaned media are deleted; 0 means 15
	// minutes. The cleanup runs on one replica at a time (River's leader).
	CleanupEvery time.Duration
	// WebhookBackoff overrides the webhook retry schedule (tests); nil means the Standard
	// Webhooks schedule.
	WebhookBackoff func(attempt int) time.Duration
	// Endpoints makes the deliveries of events to webhook endpoints.
	Endpoints *domain.EndpointService
	Logger    *slog.Logger
}

// Workers runs this replica's share of the jobs: River's workers calling the domain, and
// the heartbeat that hands back the jobs of replicas that died.
type Workers struct {
	client  *river.Client[*sql.Tx]
	runner  *domain.JobRunner
	logger  *slog.Logger
	stop    context.CancelFunc
	beating chan struct{}
}

// NewWorkers builds the workers on the queue's database (and its listener), and makes the
// queue insert through them; build it before the queue takes any work. Nothing runs
// before Start.
func NewWorkers(q *Queue, runner *domain.JobRunner, hooks *domain.WebhookService, cleanup *domain.CleanupService, opt WorkerOptions) (*Workers, error) {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.CleanupEvery <= 0 {
		opt.CleanupEvery = 15 * time.Minute
	}
	if opt.WebhookBackoff == nil {
		opt.WebhookBackoff = func(attempt int) time.Duration { return webhook.Backoff(attempt, nil) }
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	set := runner.Settings.WithDefaults()
	workers := river.NewWorkers()
	river.AddWorker(workers, &mediaWorker[ImageArgs]{run: runner.RunImage, settings: set})
	river.AddWorker(workers, &mediaWorker[SpeechArgs]{run: runner.RunSpeech, settings: set})
	river.AddWorker(workers, &mediaWorker[SpritesArgs]{run: runner.RunSprites, settings: set})
	river.AddWorker(workers, &webhookWorker{svc: hooks, backoff: opt.WebhookBackoff})
	river.AddWorker(workers, &endpointDeliveryWorker{svc: opt.Endpoints, backoff: opt.WebhookBackoff})
	river.AddWorker(workers, &cleanupWorker{svc: cleanup})
	client, err := river.NewClient(q.driver(), &river.Config{
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
		FetchCooldown:     fetchCooldown(q),
		// Webhooks retry for more than a day; River must not delete them in between.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		JobTimeout:                  set.AttemptTimeout,
		// The heartbeat hands back a dead replica's jobs within seconds; River's own rescue
		// of its rows is only the backstop, and what it re-runs finds the job ended.
		RescueStuckJobsAfter: set.AttemptTimeout + time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// From now on the queue inserts through this client: River starts work a client
	// inserted itself at once, where another client's insert waits for the next poll
	// (measured: an idle SQLite queue's pickup p50 doubled).
	q.client = client
	return &Workers{client: client, runner: runner, logger: opt.Logger}, nil
}

// Start beats once (so a restarted replica takes back its own dead predecessor's jobs at
// once), then runs the workers and the heartbeat until Stop.
func (w *Workers) Start(ctx context.Context) error {
	bctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	w.stop, w.beating = stop, make(chan struct{})
	w.beat(bctx)
	if err := w.client.Start(ctx); err != nil {
		stop()
		close(w.beating)
		return err
	}
	go func() {
		defer close(w.beating)
		t := time.NewTicker(w.runner.Settings.WithDefaults().HeartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-bctx.Done():
				return
			case <-t.C:
				w.beat(bctx)
			}
		}
	}()
	return nil
}

func (w *Workers) beat(ctx context.Context) {
	n, err := w.runner.Beat(ctx)
	if err != nil && ctx.Err() == nil {
		w.logger.Warn("job heartbeat failed", "error", err)
	}
	if n > 0 {
		w.logger.Info("handed back jobs of stopped replicas", "jobs", n)
	}
}

// stopAndCancelWait is how long Stop waits for canceled jobs to return.
const stopAndCancelWait = 5 * time.Second

// Stop lets running jobs finish until ctx is done, then cancels them; they are retried
// later, by this process after a restart or by another replica. The heartbeat stops last,
// so no other replica takes a job this one is still finishing.
func (w *Workers) Stop(ctx context.Context) error {
	defer func() {
		if w.stop != nil {
			w.stop()
			<-w.beating
		}
	}()
	if err := w.client.Stop(ctx); err != nil {
		// Past the grace period: cancel what still runs, and wait a little for it to
		// notice, but never for ever (a worker that ignores cancellation must not hang
		// the shutdown; its job is handed back by the heartbeat of whoever runs next).
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopAndCancelWait)
		defer cancel()
		return w.client.StopAndCancel(cctx)
	}
	return nil
}
