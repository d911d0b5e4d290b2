package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/troupe-ai/troupe/domain"
)

// mediaAttempts is how many times a media job's provider call is tried.
const mediaAttempts = 4

// mediaArgs are the args of a job that makes media: all they carry is the job's id.
type mediaArgs interface {
	river.JobArgs
	jobID() string
}

func (a ImageArgs) jobID() string  { return a.JobID }
func (a SpeechArgs) jobID() string { return a.JobID }

// mediaWorker runs a media job (image or speech) through the domain.
type mediaWorker[T mediaArgs] struct {
	river.WorkerDefaults[T]
	run     func(ctx context.Context, jobID string, lastAttempt bool) error
	timeout time.Duration
}

// Work asks the domain to run the job; an error means "try again later".
func (w *mediaWorker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	return w.run(ctx, job.Args.jobID(), job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one attempt; providers have their own, shorter timeouts.
func (w *mediaWorker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

// NextRetry backs off quickly: a provider hiccup is usually over in seconds.
func (w *mediaWorker[T]) NextRetry(job *river.Job[T]) time.Time {
	return time.Now().Add(time.Duration(1<<min(job.Attempt, 6)) * time.Second)
}

// webhookWorker delivers webhooks, retried on the Standard Webhooks schedule for more than
// a day with the same message id.
type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	svc     *domain.JobService
	backoff func(attempt int) time.Duration
}

// Work makes one delivery attempt.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	done, retryAfter, err := w.svc.DeliverWebhook(ctx, job.Args.JobID, job.Attempt)
	if done || err == nil {
		return nil
	}
	if retryAfter > 0 {
		// The receiver said when; snooze does not spend an attempt.
		return river.JobSnooze(min(retryAfter, 24*time.Hour))
	}
	return err
}

// NextRetry follows the webhook backoff schedule.
func (w *webhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	return time.Now().Add(w.backoff(job.Attempt))
}

// Timeout bounds one delivery attempt.
func (w *webhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration { return time.Minute }

// cleanupWorker deletes expired jobs.
type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *domain.JobService
	ttl time.Duration
}

// Work deletes every job older than the TTL, with its media.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	_, err := w.svc.Cleanup(ctx, time.Now().Add(-w.ttl))
	return err
}
