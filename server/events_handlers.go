package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListEvents answers GET /v1/events.
func (h *handlers) ListEvents(ctx context.Context, req gen.ListEventsRequestObject) (gen.ListEventsResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	var f domain.EventFilter
	if req.Params.Type != nil {
		f.Type = domain.EventType(*req.Params.Type)
	}
	events, total, err := h.svc.Endpoints.ListEvents(ctx, space, f, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Event, len(events))
	for i := range events {
		items[i] = eventResource(h.cfg.Files, &events[i])
	}
	return gen.ListEvents200JSONResponse{Body: gen.EventList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// GetEvent answers GET /v1/events/{event_id}.
func (h *handlers) GetEvent(ctx context.Context, req gen.GetEventRequestObject) (gen.GetEventResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := h.svc.Endpoints.GetEvent(ctx, space, req.EventId)
	if err != nil {
		return nil, err
	}
	return gen.GetEvent200JSONResponse{Body: eventResource(h.cfg.Files, e)}, nil
}

// RedeliverEvent answers POST /v1/events/{event_id}/redeliver.
func (h *handlers) RedeliverEvent(ctx context.Context, req gen.RedeliverEventRequestObject) (gen.RedeliverEventResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	var endpointID string
	if req.Body != nil && req.Body.EndpointId != nil {
		endpointID = *req.Body.EndpointId
	}
	e, err := h.svc.Endpoints.Redeliver(ctx, space, req.EventId, endpointID)
	if err != nil {
		return nil, err
	}
	return gen.RedeliverEvent202JSONResponse{Body: eventResource(h.cfg.Files, e)}, nil
}

// eventBody is what a delivery of an event carries (Standard Webhooks' id, type,
// timestamp and data).
type eventBody struct {
	ID        string        `json:"id"`
	Type      gen.EventType `json:"type"`
	Timestamp time.Time     `json:"timestamp"`
	Data      gen.EventData `json:"data"`
}

// EventPayload renders an event as the body of its deliveries; a job event's job is the
// same resource GET /v1/jobs/{id} answers with, with freshly signed URLs.
func EventPayload(files *URLSigner) func(*domain.Event) ([]byte, error) {
	return func(e *domain.Event) ([]byte, error) {
		return json.Marshal(eventBody{ID: e.ID, Type: gen.EventType(e.Type), Timestamp: e.CreatedAt, Data: eventData(files, e)})
	}
}

func eventData(files *URLSigner, e *domain.Event) gen.EventData {
	var d gen.EventData
	if e.JobID != "" {
		d.JobId = &e.JobID
	}
	if e.Job != nil {
		j := jobResource(files, e.Job)
		d.Job = &j
	}
	if b := e.Budget; b != nil {
		d.Budget = &gen.BudgetThreshold{
			Metric: gen.BudgetMetric(b.Metric), Threshold: b.Threshold, MonthlyLimit: b.MonthlyLimit,
			Used: b.Used, PeriodStart: b.PeriodStart, HardLimit: b.HardLimit,
		}
	}
	return d
}

func eventResource(files *URLSigner, e *domain.Event) gen.Event {
	out := gen.Event{Id: e.ID, Type: gen.EventType(e.Type), CreatedAt: e.CreatedAt, Data: eventData(files, e),
		Deliveries: make([]gen.EventDelivery, len(e.Deliveries))}
	for i, d := range e.Deliveries {
		out.Deliveries[i] = gen.EventDelivery{
			EndpointId: d.EndpointID, Attempt: d.Attempt, StatusCode: d.StatusCode, Error: optional(d.Error),
			At: d.At, DurationMs: float64(d.Duration.Microseconds()) / 1000,
		}
	}
	return out
}
