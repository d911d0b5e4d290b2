package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/troupe-ai/troupe/domain"
)

// imageAttempts is how many times an image job's provider call is tried.
const imageAttempts = 4

// imageWorker runs image jobs.
type imageWorker struct {
	river.WorkerDefaults[ImageArgs]
	svc     *domain.JobService
	timeout time.Duration
}

// Work asks the domain to run the job; an error means "try again later".
func (w *imageWorker) Work(ctx context.Context, job *river.Job[ImageArgs]) error {
	return w.svc.RunImage(ctx, job.Args.JobID, job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one attempt; providers have their own, shorter timeouts.
func (w *imageWorker) Timeout(*river.Job[ImageArgs]) time.Duration { return w.timeout }

// NextRetry backs off quickly: a provider hiccup is usually over in seconds.
func (w *imageWorker) NextRetry(job *river.Job[ImageArgs]) time.Time {
	return time.Now().Add(time.Duration(1<<min(job.Attempt, 6)) * time.Second)
}

// speechWorker runs text-to-speech jobs.
type speechWorker struct {
	river.WorkerDefaults[SpeechArgs]
	svc     *domain.JobService
	timeout time.Duration
}

// Work asks the domain to run the job; an error means "try again later".
func (w *speechWorker) Work(ctx context.Context, job *river.Job[SpeechArgs]) error {
	return w.svc.RunSpeech(ctx, job.Args.JobID, job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one attempt.
func (w *speechWorker) Timeout(*river.Job[SpeechArgs]) time.Duration { return w.timeout }

// NextRetry backs off quickly, as for images.
func (w *speechWorker) NextRetry(job *river.Job[SpeechArgs]) time.Time {
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
