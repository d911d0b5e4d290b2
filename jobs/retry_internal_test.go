package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/troupe-ai/troupe/webhook"
)

func TestDeliveryAttemptCountsSnoozes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		attempt  int
		metadata string
		want     int
	}{
		{1, ``, 1},
		{1, `{}`, 1},
		{2, `{"snoozes": 3}`, 5},
		{4, `{"snoozes": 0, "other": "x"}`, 4},
	} {
		if got := deliveryAttempt(&rivertype.JobRow{Attempt: c.attempt, Metadata: []byte(c.metadata)}); got != c.want {
			t.Errorf("attempt %d, metadata %q: %d, want %d", c.attempt, c.metadata, got, c.want)
		}
	}
}

// TestRetryDeliveryHonoursRetryAfterWithinTheAttempts: a receiver's Retry-After is waited
// for when it is longer than the schedule's delay, never past the cap, and never once the
// attempts are spent, so a receiver that always asks to wait cannot keep a delivery alive.
func TestRetryDeliveryHonoursRetryAfterWithinTheAttempts(t *testing.T) {
	t.Parallel()
	backoff := func(attempt int) time.Duration { return time.Duration(attempt) * time.Minute }
	failed := errors.New("503")
	for _, c := range []struct {
		name       string
		attempt    int
		retryAfter time.Duration
		wantSnooze time.Duration // 0: no snooze
		wantCancel bool
	}{
		{"no Retry-After: River's schedule", 1, 0, 0, false},
		{"shorter Retry-After: the schedule's delay", 3, time.Second, 3 * time.Minute, false},
		{"longer Retry-After: the receiver's", 2, time.Hour, time.Hour, false},
		{"Retry-After past the cap: the cap", 2, 1000 * time.Hour, webhook.MaxRetryAfter, false},
		{"attempts spent, with Retry-After", webhook.MaxAttempts, time.Second, 0, true},
		{"attempts spent, without", webhook.MaxAttempts + 3, 0, 0, true},
	} {
		err := retryDelivery(c.attempt, c.retryAfter, backoff, failed)
		var snooze *river.JobSnoozeError
		var cancel *river.JobCancelError
		switch {
		case c.wantCancel:
			if !errors.As(err, &cancel) || !errors.Is(err, failed) {
				t.Errorf("%s: %v, want the delivery canceled", c.name, err)
			}
		case c.wantSnooze > 0:
			if !errors.As(err, &snooze) || snooze.Duration != c.wantSnooze {
				t.Errorf("%s: %v, want a snooze of %s", c.name, err, c.wantSnooze)
			}
		default:
			if err != failed {
				t.Errorf("%s: %v, want the error itself", c.name, err)
			}
		}
	}
}
