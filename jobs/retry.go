package jobs

import (
	"encoding/json"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/troupe-ai/troupe/webhook"
)

// deliveryAttempt numbers a webhook delivery's attempts: River's attempts plus the times
// a receiver's Retry-After snoozed the delivery, which River does not count as attempts.
func deliveryAttempt(job *rivertype.JobRow) int {
	var meta struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(job.Metadata, &meta) // no metadata: never snoozed
	return job.Attempt + meta.Snoozes
}

// retryDelivery is what a failed delivery attempt returns to River: wait for the longer
// of the schedule's delay and the receiver's Retry-After (capped), and give up after
// webhook.MaxAttempts attempts in all, snoozed ones included, so a receiver that always
// asks to wait cannot keep a delivery going for ever.
func retryDelivery(attempt int, retryAfter time.Duration, backoff func(int) time.Duration, err error) error {
	if attempt >= webhook.MaxAttempts {
		return river.JobCancel(err)
	}
	if retryAfter > 0 {
		return river.JobSnooze(min(max(retryAfter, backoff(attempt)), webhook.MaxRetryAfter))
	}
	return err
}
