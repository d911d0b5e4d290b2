package domain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WebhookService delivers the webhook of a job that ended: signed, with one message id
// for every attempt, each attempt recorded on the job.
type WebhookService struct {
	Store    JobStore
	Webhooks Webhooks
	Secrets  SecretStore
	// Payload renders a job as the webhook body (the API's job resource).
	Payload func(*Job) ([]byte, error)
	Now     func() time.Time
}

// Deliver makes one delivery attempt of a job's webhook and records it. It returns done
// when no further attempt should be made (delivered, or the receiver is gone), and
// otherwise how long the receiver asked to wait.
func (s *WebhookService) Deliver(ctx context.Context, jobID string, attempt int) (done bool, retryAfter time.Duration, err error) {
	job, err := s.Store.JobByID(ctx, jobID)
	if errors.Is(err, ErrNotFound) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	secret, err := s.Secrets.WebhookSecret(ctx, job.TenantID)
	if err != nil {
		return false, 0, err
	}
	body, err := s.Payload(job)
	if err != nil {
		return false, 0, err
	}
	// The message id is derived from the job, so every attempt carries the same one and
	// receivers can de-duplicate.
	msgID := "msg_" + job.ID + "_" + string(job.Status)
	out := s.Webhooks.Deliver(ctx, job.WebhookURL, secret, msgID, body)
	d := WebhookDelivery{Attempt: attempt, StatusCode: out.StatusCode, At: nowFrom(s.Now), Duration: out.Duration}
	if out.Err != nil {
		d.Error = clip(out.Err.Error(), 300)
	}
	if err := s.Store.RecordDelivery(ctx, jobID, d); err != nil {
		return false, 0, err
	}
	if out.Err == nil || out.Gone || !out.Retry {
		return true, 0, nil
	}
	return false, out.RetryAfter, fmt.Errorf("webhook delivery failed: %w", out.Err)
}
