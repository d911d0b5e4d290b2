package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/webhook"
)

var (
	_ domain.EventPublisher = (*Queue)(nil)
	_ domain.EventQueue     = (*Queue)(nil)
	_ domain.EventSender    = (*Webhooks)(nil)
)

// EndpointDeliveryArgs delivers one event to one webhook endpoint.
type EndpointDeliveryArgs struct {
	EventID    string `json:"event_id"`
	EndpointID string `json:"endpoint_id"`
}

// Kind implements river.JobArgs.
func (EndpointDeliveryArgs) Kind() string { return "troupe.event_delivery" }

// jobEventTx records the event of a job that ended and queues its deliveries, in the
// transaction that ends the job: the event exists exactly when the end does.
func (q *Queue) jobEventTx(ctx context.Context, tx *sql.Tx, jobID string) error {
	tenant, status, err := q.db.JobEndTx(ctx, tx, jobID)
	if err != nil {
		return err
	}
	typ := domain.JobEventType(status)
	if typ == "" {
		return nil
	}
	now := time.Now().UTC()
	return q.publishTx(ctx, tx, &domain.Event{ID: domain.NewID(domain.PrefixEvent, now), TenantID: tenant, Type: typ, JobID: jobID, CreatedAt: now})
}

// PublishEvent records the event and queues its delivery to every enabled endpoint of its
// space subscribed to its type, in one transaction.
func (q *Queue) PublishEvent(ctx context.Context, e *domain.Event) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now().UTC()
	}
	if e.ID == "" {
		e.ID = domain.NewID(domain.PrefixEvent, e.CreatedAt)
	}
	return q.inTx(ctx, func(tx *sql.Tx) error { return q.publishTx(ctx, tx, e) })
}

func (q *Queue) publishTx(ctx context.Context, tx *sql.Tx, e *domain.Event) error {
	inserted, err := q.db.InsertEventTx(ctx, tx, e)
	if err != nil || !inserted {
		// An event already recorded (one whose id says what it announces, published
		// again) is not delivered again.
		return err
	}
	ids, err := q.db.SubscribedEndpointIDsTx(ctx, tx, e.TenantID, e.Type)
	if err != nil {
		return err
	}
	return q.queueDeliveriesTx(ctx, tx, e.ID, ids)
}

// QueueDeliveries queues one delivery of a recorded event to each endpoint.
func (q *Queue) QueueDeliveries(ctx context.Context, eventID string, endpointIDs []string) error {
	return q.inTx(ctx, func(tx *sql.Tx) error { return q.queueDeliveriesTx(ctx, tx, eventID, endpointIDs) })
}

func (q *Queue) queueDeliveriesTx(ctx context.Context, tx *sql.Tx, eventID string, endpointIDs []string) error {
	if len(endpointIDs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(endpointIDs))
	for i, id := range endpointIDs {
		params[i] = river.InsertManyParams{
			Args:       EndpointDeliveryArgs{EventID: eventID, EndpointID: id},
			InsertOpts: &river.InsertOpts{MaxAttempts: webhook.MaxAttempts},
		}
	}
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: queue event deliveries: %w", err)
	}
	return nil
}

// DeliverSigned makes one attempt signed with each of the secrets (an endpoint's current
// secret and, during a rotation's overlap, its previous one).
func (w *Webhooks) DeliverSigned(ctx context.Context, url string, secrets []string, msgID string, body []byte) domain.DeliveryOutcome {
	r := webhook.DeliverAll(ctx, w.client, url, secrets, msgID, body, time.Now())
	return domain.DeliveryOutcome{
		StatusCode: r.Status, Err: r.Err, Retry: r.Retry, Gone: r.Gone, RetryAfter: r.RetryAfter, Duration: r.Duration,
	}
}

// endpointDeliveryWorker delivers events to webhook endpoints, retried on the Standard
// Webhooks schedule with the event's id as the message id.
type endpointDeliveryWorker struct {
	river.WorkerDefaults[EndpointDeliveryArgs]
	svc     *domain.EndpointService
	backoff func(attempt int) time.Duration
}

// Work makes one delivery attempt.
func (w *endpointDeliveryWorker) Work(ctx context.Context, job *river.Job[EndpointDeliveryArgs]) error {
	if w.svc == nil {
		// Built without endpoints (a tool that only runs jobs): nothing can be sent.
		return river.JobCancel(errors.New("no endpoint service"))
	}
	attempt := deliveryAttempt(job.JobRow)
	done, retryAfter, err := w.svc.Deliver(ctx, job.Args.EventID, job.Args.EndpointID, attempt)
	if done || err == nil {
		return nil
	}
	return retryDelivery(attempt, retryAfter, w.backoff, err)
}

// NextRetry follows the webhook backoff schedule.
func (w *endpointDeliveryWorker) NextRetry(job *river.Job[EndpointDeliveryArgs]) time.Time {
	return time.Now().Add(w.backoff(deliveryAttempt(job.JobRow)))
}

// Timeout bounds one delivery attempt.
func (w *endpointDeliveryWorker) Timeout(*river.Job[EndpointDeliveryArgs]) time.Duration {
	return time.Minute
}
