package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/troupe-ai/troupe/domain"
)

// mediaArgs are the args of a job that makes media: all they carry is the job's id.
type mediaArgs interface {
	river.JobArgs
	jobID() string
}

func (a ImageArgs) jobID() string  { return a.JobID }
func (a SpeechArgs) jobID() string { return a.JobID }

func (a SpritesArgs) jobID() string { return a.JobID }

// mediaWorker runs a media job (image or speech) through the domain's runner.
type mediaWorker[T mediaArgs] struct {
	river.WorkerDefaults[T]
	run      func(ctx context.Context, jobID string, lastAttempt bool) error
	settings domain.RunSettings
}

// Work asks the domain to run the job; an error means "try again later".
//
// River's own row is completed by River's batched completer just after Work returns, not
// inside the app's finishing transaction (JobCompleteTx): the app's row is the record, and
// a crash in between only makes River re-run a job whose claim then finds it ended. On
// SQLite, completing River's row in the transaction cost about a third of the job path's
// CPU (River's statement is parsed anew each time), for no difference a client can see.
func (w *mediaWorker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	err := w.run(ctx, job.Args.jobID(), job.Attempt >= job.MaxAttempts)
	switch {
	case errors.Is(err, domain.ErrJobBusy):
		// Another attempt holds the job (this is a duplicate after a hand-back); look
		// again once that one must have ended or been found dead. Snoozing spends no
		// attempt.
		return river.JobSnooze(w.settings.WithDefaults().StaleAfter)
	case errors.Is(err, domain.ErrNotStarted):
		// The claim could not be written: try again soon, without spending an attempt
		// (on River's last one, an error would drop the job while its row stays pending).
		return river.JobSnooze(w.settings.WithDefaults().HeartbeatEvery)
	}
	return err
}

// Timeout bounds one attempt.
func (w *mediaWorker[T]) Timeout(*river.Job[T]) time.Duration {
	return w.settings.WithDefaults().AttemptTimeout
}

// NextRetry follows the runner's backoff: a provider hiccup is usually over in seconds.
func (w *mediaWorker[T]) NextRetry(job *river.Job[T]) time.Time {
	return time.Now().Add(w.settings.RetryDelay(job.Attempt))
}

// webhookWorker delivers webhooks, retried on the Standard Webhooks schedule for more than
// a day with the same message id.
type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	svc     *domain.WebhookService
	backoff func(attempt int) time.Duration
}

// Work makes one delivery attempt.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	attempt := deliveryAttempt(job.JobRow)
	done, retryAfter, err := w.svc.Deliver(ctx, job.Args.JobID, attempt)
	if done || err == nil {
		return nil
	}
	return retryDelivery(attempt, retryAfter, w.backoff, err)
}

// NextRetry follows the webhook backoff schedule.
func (w *webhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	return time.Now().Add(w.backoff(deliveryAttempt(job.JobRow)))
}

// Timeout bounds one delivery attempt.
func (w *webhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration { return time.Minute }

// cleanupWorker deletes expired jobs and orphaned media.
type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *domain.CleanupService
}

// Work runs one cleanup pass.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	_, err := w.svc.Run(ctx)
	return err
}
