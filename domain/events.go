package domain

import (
	"context"
	"slices"
	"time"
)

// EventType is what happened.
type EventType string

// The event types.
const (
	EventJobCompleted    EventType = "job.completed"
	EventJobFailed       EventType = "job.failed"
	EventJobCanceled     EventType = "job.canceled"
	EventBudgetThreshold EventType = "budget.threshold"
)

// EventTypes lists every event type, in the order the contract documents them.
var EventTypes = []EventType{EventJobCompleted, EventJobFailed, EventJobCanceled, EventBudgetThreshold}

// JobEventType is the event a job ending in status s makes, or "" for a status that is not
// an end.
func JobEventType(s JobStatus) EventType {
	switch s {
	case JobCompleted:
		return EventJobCompleted
	case JobFailed:
		return EventJobFailed
	case JobCanceled:
		return EventJobCanceled
	}
	return ""
}

// Event is something that happened in a data space, sent to the webhook endpoints that
// subscribe to its type.
type Event struct {
	ID       string
	TenantID string
	Type     EventType
	// JobID is the subject of a job event.
	JobID string
	// Budget is the subject of a budget event.
	Budget    *BudgetThreshold
	CreatedAt time.Time
	// Job is the job of a job event as it is now, filled in by reads; nil once the job has
	// expired.
	Job *Job
	// Deliveries are the attempts to send it, oldest first, filled in by reads.
	Deliveries []EventDelivery
}

// EventDelivery is one attempt to send an event to an endpoint.
type EventDelivery struct {
	ID         string
	EndpointID string
	// Attempt is 1 for the first try of a delivery; a redelivery starts again at 1.
	Attempt int
	// StatusCode is the receiver's HTTP status, 0 when none came.
	StatusCode int
	// Error says why the attempt failed; empty when it succeeded.
	Error    string
	At       time.Time
	Duration time.Duration
}

// WebhookEndpoint is a URL that receives a data space's events of the types it lists,
// signed with its own secret.
type WebhookEndpoint struct {
	ID          string
	TenantID    string
	URL         string
	Events      []EventType
	Description string
	Enabled     bool
	Secret      string
	// PreviousSecret signs too until PreviousSecretExpiresAt: the overlap of a rotation.
	PreviousSecret          string
	PreviousSecretExpiresAt *time.Time
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// Subscribes reports whether the endpoint receives events of type t.
func (e *WebhookEndpoint) Subscribes(t EventType) bool { return slices.Contains(e.Events, t) }

// SigningSecrets are the secrets that sign a delivery made at now: the current one, and
// during a rotation's overlap the previous one too.
func (e *WebhookEndpoint) SigningSecrets(now time.Time) []string {
	out := []string{e.Secret}
	if e.PreviousSecret != "" && e.PreviousSecretExpiresAt != nil && now.Before(*e.PreviousSecretExpiresAt) {
		out = append(out, e.PreviousSecret)
	}
	return out
}

// PreviousSecretUntil is until when the previous secret still signs, seen at now; nil
// when only the current one does.
func (e *WebhookEndpoint) PreviousSecretUntil(now time.Time) *time.Time {
	if len(e.SigningSecrets(now)) > 1 {
		return e.PreviousSecretExpiresAt
	}
	return nil
}

// NewEndpoint is what a caller gives to register an endpoint.
type NewEndpoint struct {
	URL         string
	Events      []EventType
	Description string
	// Enabled defaults to true.
	Enabled *bool
}

// EndpointChange is a partial update of an endpoint: only the fields set change.
type EndpointChange struct {
	URL         *string
	Events      *[]EventType
	Description *string
	Enabled     *bool
}

// EventFilter narrows a list of events; zero fields match everything.
type EventFilter struct {
	Type EventType
}

// EventStore keeps webhook endpoints, events and their deliveries, each scoped by data
// space.
type EventStore interface {
	CreateEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// GetEndpoint returns the space's endpoint, or ErrNotFound.
	GetEndpoint(ctx context.Context, tenantID, id string) (*WebhookEndpoint, error)
	// EndpointByID returns an endpoint whatever its space, for its delivery worker.
	EndpointByID(ctx context.Context, id string) (*WebhookEndpoint, error)
	ListEndpoints(ctx context.Context, tenantID string, page Page) ([]WebhookEndpoint, int, error)
	// UpdateEndpoint writes the endpoint's URL, events, description, enabled flag and
	// updated time, or returns ErrNotFound.
	UpdateEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// RotateEndpointSecret makes secret the endpoint's secret and the current one its
	// previous secret until previousUntil (nil: the current one stops at once), in one
	// statement so concurrent rotations cannot lose a secret. ErrNotFound when absent.
	RotateEndpointSecret(ctx context.Context, tenantID, id, secret string, previousUntil *time.Time, at time.Time) (*WebhookEndpoint, error)
	// DeleteEndpoint deletes it, or returns ErrNotFound.
	DeleteEndpoint(ctx context.Context, tenantID, id string) error
	// SubscribedEndpoints lists the space's enabled endpoints that receive type t.
	SubscribedEndpoints(ctx context.Context, tenantID string, t EventType) ([]WebhookEndpoint, error)
	// GetEvent returns the space's event with its deliveries, or ErrNotFound.
	GetEvent(ctx context.Context, tenantID, id string) (*Event, error)
	// EventByID returns an event whatever its space, for its delivery worker.
	EventByID(ctx context.Context, id string) (*Event, error)
	// ListEvents returns a page of the space's events, newest first, with their deliveries.
	ListEvents(ctx context.Context, tenantID string, f EventFilter, page Page) ([]Event, int, error)
	// RecordEventDelivery appends a delivery attempt of the event.
	RecordEventDelivery(ctx context.Context, eventID string, d EventDelivery) error
}

// EventQueue queues deliveries of an event that is already recorded.
type EventQueue interface {
	// QueueDeliveries queues one delivery of the event to each endpoint, each retried on
	// the webhook schedule.
	QueueDeliveries(ctx context.Context, eventID string, endpointIDs []string) error
}

// EventSender sends signed deliveries to webhook endpoints.
type EventSender interface {
	// CheckURL refuses URLs that are malformed or resolve to non-public addresses.
	CheckURL(ctx context.Context, url string) error
	// DeliverSigned makes one delivery attempt signed with every secret given.
	DeliverSigned(ctx context.Context, url string, secrets []string, msgID string, body []byte) DeliveryOutcome
}

// EventRetention deletes old events with their deliveries.
type EventRetention interface {
	// DeleteEventsBefore deletes the events created before the time and their
	// deliveries, and returns how many events went.
	DeleteEventsBefore(ctx context.Context, before time.Time) (int, error)
}

// EventTTL is how long events and their deliveries are kept.
const EventTTL = 30 * 24 * time.Hour
