package domain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EndpointService manages a data space's webhook endpoints and its events: registering,
// changing and deleting endpoints, rotating their secrets, listing and redelivering
// events, and making each delivery attempt for the queue's worker.
type EndpointService struct {
	Store  EventStore
	Jobs   JobLookup
	Sender EventSender
	Queue  EventQueue
	// NewSecret makes a new endpoint signing secret.
	NewSecret func() (string, error)
	// Render renders an event as the body of its deliveries (its Job, when it has one, is
	// loaded just before, so the body shows the job as it is now).
	Render func(*Event) ([]byte, error)
	Now    func() time.Time
}

// JobLookup reads a space's job.
type JobLookup interface {
	GetJob(ctx context.Context, tenantID, id string) (*Job, error)
}

// DefaultSecretOverlap is how long a rotated-out secret keeps signing when the caller
// does not say.
const DefaultSecretOverlap = 24 * time.Hour

// MaxSecretOverlap is the longest overlap a rotation may ask for.
const MaxSecretOverlap = 7 * 24 * time.Hour

func (s *EndpointService) now() time.Time { return nowFrom(s.Now).UTC() }

// Create registers an endpoint and returns it with its secret.
func (s *EndpointService) Create(ctx context.Context, tenantID string, n NewEndpoint) (*WebhookEndpoint, error) {
	if err := s.check(ctx, &n.URL, &n.Events); err != nil {
		return nil, err
	}
	secret, err := s.newSecret()
	if err != nil {
		return nil, err
	}
	now := s.now()
	e := &WebhookEndpoint{
		ID: NewID(PrefixEndpoint, now), TenantID: tenantID, URL: n.URL, Events: n.Events,
		Description: n.Description, Enabled: n.Enabled == nil || *n.Enabled, Secret: secret,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := s.Store.CreateEndpoint(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// List returns a page of the space's endpoints, newest first.
func (s *EndpointService) List(ctx context.Context, tenantID string, page Page) ([]WebhookEndpoint, int, error) {
	return s.Store.ListEndpoints(ctx, tenantID, page)
}

// Get returns the space's endpoint, or CodeWebhookEndpointNotFound.
func (s *EndpointService) Get(ctx context.Context, tenantID, id string) (*WebhookEndpoint, error) {
	e, err := s.Store.GetEndpoint(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, endpointNotFound(id)
	}
	return e, err
}

// Update changes the fields the change sets and returns the endpoint.
func (s *EndpointService) Update(ctx context.Context, tenantID, id string, c EndpointChange) (*WebhookEndpoint, error) {
	e, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	url, events := e.URL, e.Events
	if c.URL != nil {
		url = *c.URL
	}
	if c.Events != nil {
		events = *c.Events
	}
	// Only what is sent is checked: an address that stopped resolving does not block a
	// change of the description.
	var urlp *string
	if c.URL != nil {
		urlp = &url
	}
	var eventsp *[]EventType
	if c.Events != nil {
		eventsp = &events
	}
	if err := s.check(ctx, urlp, eventsp); err != nil {
		return nil, err
	}
	e.URL, e.Events = url, events
	if c.Description != nil {
		e.Description = *c.Description
	}
	if c.Enabled != nil {
		e.Enabled = *c.Enabled
	}
	e.UpdatedAt = s.now()
	if err := s.Store.UpdateEndpoint(ctx, e); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, endpointNotFound(id)
		}
		return nil, err
	}
	return e, nil
}

// Delete deletes the endpoint; a second delete is CodeWebhookEndpointNotFound.
func (s *EndpointService) Delete(ctx context.Context, tenantID, id string) error {
	err := s.Store.DeleteEndpoint(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return endpointNotFound(id)
	}
	return err
}

// RotateSecret gives the endpoint a new secret and returns the endpoint with it. The
// previous secret keeps signing for overlap (nil: DefaultSecretOverlap; 0: it stops at
// once); a rotation during an overlap ends the older secret at once, since only the
// current one is kept as previous.
func (s *EndpointService) RotateSecret(ctx context.Context, tenantID, id string, overlap *time.Duration) (*WebhookEndpoint, error) {
	d := DefaultSecretOverlap
	if overlap != nil {
		d = *overlap
	}
	if d < 0 || d > MaxSecretOverlap {
		return nil, ValidationError(FieldError{Field: "overlap_seconds", Message: fmt.Sprintf("must be between 0 and %d", int(MaxSecretOverlap.Seconds()))})
	}
	secret, err := s.newSecret()
	if err != nil {
		return nil, err
	}
	now := s.now()
	var until *time.Time
	if d > 0 {
		t := now.Add(d)
		until = &t
	}
	e, err := s.Store.RotateEndpointSecret(ctx, tenantID, id, secret, until, now)
	if errors.Is(err, ErrNotFound) {
		return nil, endpointNotFound(id)
	}
	return e, err
}

// ListEvents returns a page of the space's events, newest first, each with its job as it
// is now and its deliveries.
func (s *EndpointService) ListEvents(ctx context.Context, tenantID string, f EventFilter, page Page) ([]Event, int, error) {
	events, total, err := s.Store.ListEvents(ctx, tenantID, f, page)
	if err != nil {
		return nil, 0, err
	}
	for i := range events {
		if err := s.loadJob(ctx, &events[i]); err != nil {
			return nil, 0, err
		}
	}
	return events, total, nil
}

// GetEvent returns the space's event with its job and deliveries, or CodeEventNotFound.
func (s *EndpointService) GetEvent(ctx context.Context, tenantID, id string) (*Event, error) {
	e, err := s.Store.GetEvent(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, eventNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return e, s.loadJob(ctx, e)
}

// Redeliver queues the event again: to the one endpoint named (whatever types it
// subscribes to), or to every enabled endpoint subscribed to its type. The deliveries keep
// the event's id, so receivers can tell. A disabled endpoint receives nothing, redeliveries
// included.
func (s *EndpointService) Redeliver(ctx context.Context, tenantID, eventID, endpointID string) (*Event, error) {
	e, err := s.GetEvent(ctx, tenantID, eventID)
	if err != nil {
		return nil, err
	}
	var ids []string
	if endpointID != "" {
		ep, err := s.Get(ctx, tenantID, endpointID)
		if err != nil {
			return nil, err
		}
		ids = []string{ep.ID}
	} else {
		eps, err := s.Store.SubscribedEndpoints(ctx, tenantID, e.Type)
		if err != nil {
			return nil, err
		}
		for _, ep := range eps {
			ids = append(ids, ep.ID)
		}
	}
	if len(ids) > 0 {
		if err := s.Queue.QueueDeliveries(ctx, e.ID, ids); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Deliver makes one delivery attempt of an event to an endpoint and records it. It
// returns done when no further attempt should be made (delivered, the receiver answered
// 410, or the event, the endpoint or the job is gone or the endpoint disabled), and
// otherwise how long the receiver asked to wait. Every attempt is signed with the
// endpoint's secrets as they are at that moment, so a rotation applies to retries too.
func (s *EndpointService) Deliver(ctx context.Context, eventID, endpointID string, attempt int) (done bool, retryAfter time.Duration, err error) {
	ev, err := s.Store.EventByID(ctx, eventID)
	if errors.Is(err, ErrNotFound) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	ep, err := s.Store.EndpointByID(ctx, endpointID)
	if errors.Is(err, ErrNotFound) || err == nil && (!ep.Enabled || ep.TenantID != ev.TenantID) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if err := s.loadJob(ctx, ev); err != nil {
		return false, 0, err
	}
	now := s.now()
	if ev.JobID != "" && ev.Job == nil {
		// The job expired before this attempt: there is nothing left to send, and saying so
		// in the event's deliveries beats a silent gap.
		d := EventDelivery{ID: NewID(PrefixDelivery, now), EndpointID: ep.ID, Attempt: attempt, At: now,
			Error: "the job expired before the event could be sent"}
		return true, 0, s.Store.RecordEventDelivery(ctx, ev.ID, d)
	}
	body, err := s.Render(ev)
	if err != nil {
		return false, 0, err
	}
	out := s.Sender.DeliverSigned(ctx, ep.URL, ep.SigningSecrets(now), ev.ID, body)
	d := EventDelivery{ID: NewID(PrefixDelivery, now), EndpointID: ep.ID, Attempt: attempt, StatusCode: out.StatusCode,
		At: now, Duration: out.Duration}
	if out.Err != nil {
		d.Error = clip(out.Err.Error(), 300)
	}
	if err := s.Store.RecordEventDelivery(ctx, ev.ID, d); err != nil {
		return false, 0, err
	}
	if out.Err == nil || out.Gone || !out.Retry {
		return true, 0, nil
	}
	return false, out.RetryAfter, fmt.Errorf("event delivery failed: %w", out.Err)
}

// loadJob fills in a job event's job; an expired job leaves it nil.
func (s *EndpointService) loadJob(ctx context.Context, e *Event) error {
	if e.JobID == "" {
		return nil
	}
	j, err := s.Jobs.GetJob(ctx, e.TenantID, e.JobID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	e.Job = j
	return nil
}

// check validates the URL and event types given (nil: not given).
func (s *EndpointService) check(ctx context.Context, url *string, events *[]EventType) error {
	var fields []FieldError
	if url != nil {
		*url = strings.TrimSpace(*url)
		if *url == "" {
			fields = append(fields, FieldError{Field: "url", Message: "is required"})
		} else if err := s.Sender.CheckURL(ctx, *url); err != nil {
			fields = append(fields, urlFieldError("url", err))
		}
	}
	if events != nil {
		if len(*events) == 0 {
			fields = append(fields, FieldError{Field: "events", Message: "must list at least one event type"})
		}
		var uniq []EventType
		for i, t := range *events {
			if !isEventType(t) {
				fields = append(fields, FieldError{Field: fmt.Sprintf("events[%d]", i), Message: fmt.Sprintf("unknown event type %q", t)})
			} else if !slices.Contains(uniq, t) {
				uniq = append(uniq, t)
			}
		}
		*events = uniq
	}
	if len(fields) > 0 {
		return ValidationError(fields...)
	}
	return nil
}

func (s *EndpointService) newSecret() (string, error) {
	if s.NewSecret == nil {
		return "", errors.New("endpoints: no secret generator configured")
	}
	return s.NewSecret()
}

func isEventType(t EventType) bool { return slices.Contains(EventTypes, t) }

func endpointNotFound(id string) *Error {
	return Errorf(CodeWebhookEndpointNotFound, "No webhook endpoint with id %q.", id).WithDetails(map[string]any{"id": id})
}

func eventNotFound(id string) *Error {
	return Errorf(CodeEventNotFound, "No event with id %q.", id).WithDetails(map[string]any{"id": id})
}
