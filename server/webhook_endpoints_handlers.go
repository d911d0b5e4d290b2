package server

import (
	"context"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListWebhookEndpoints answers GET /v1/webhook_endpoints.
func (h *handlers) ListWebhookEndpoints(ctx context.Context, req gen.ListWebhookEndpointsRequestObject) (gen.ListWebhookEndpointsResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	eps, total, err := h.svc.Endpoints.List(ctx, space, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.WebhookEndpoint, len(eps))
	for i := range eps {
		items[i] = endpointResource(&eps[i])
	}
	return gen.ListWebhookEndpoints200JSONResponse{Body: gen.WebhookEndpointList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// CreateWebhookEndpoint answers POST /v1/webhook_endpoints.
func (h *handlers) CreateWebhookEndpoint(ctx context.Context, req gen.CreateWebhookEndpointRequestObject) (gen.CreateWebhookEndpointResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	n := domain.NewEndpoint{URL: req.Body.Url, Events: eventTypes(req.Body.Events), Enabled: req.Body.Enabled}
	if req.Body.Description != nil {
		n.Description = *req.Body.Description
	}
	e, err := h.svc.Endpoints.Create(ctx, space, n)
	if err != nil {
		return nil, err
	}
	return gen.CreateWebhookEndpoint201JSONResponse{Body: endpointWithSecret(e)}, nil
}

// GetWebhookEndpoint answers GET /v1/webhook_endpoints/{endpoint_id}.
func (h *handlers) GetWebhookEndpoint(ctx context.Context, req gen.GetWebhookEndpointRequestObject) (gen.GetWebhookEndpointResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := h.svc.Endpoints.Get(ctx, space, req.EndpointId)
	if err != nil {
		return nil, err
	}
	return gen.GetWebhookEndpoint200JSONResponse{Body: endpointResource(e)}, nil
}

// UpdateWebhookEndpoint answers PATCH /v1/webhook_endpoints/{endpoint_id}.
func (h *handlers) UpdateWebhookEndpoint(ctx context.Context, req gen.UpdateWebhookEndpointRequestObject) (gen.UpdateWebhookEndpointResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	c := domain.EndpointChange{URL: req.Body.Url, Description: req.Body.Description, Enabled: req.Body.Enabled}
	if req.Body.Events != nil {
		ev := eventTypes(*req.Body.Events)
		c.Events = &ev
	}
	e, err := h.svc.Endpoints.Update(ctx, space, req.EndpointId, c)
	if err != nil {
		return nil, err
	}
	return gen.UpdateWebhookEndpoint200JSONResponse{Body: endpointResource(e)}, nil
}

// DeleteWebhookEndpoint answers DELETE /v1/webhook_endpoints/{endpoint_id}.
func (h *handlers) DeleteWebhookEndpoint(ctx context.Context, req gen.DeleteWebhookEndpointRequestObject) (gen.DeleteWebhookEndpointResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Endpoints.Delete(ctx, space, req.EndpointId); err != nil {
		return nil, err
	}
	return gen.DeleteWebhookEndpoint204Response{}, nil
}

// RotateWebhookEndpointSecret answers POST /v1/webhook_endpoints/{endpoint_id}/rotate_secret.
func (h *handlers) RotateWebhookEndpointSecret(ctx context.Context, req gen.RotateWebhookEndpointSecretRequestObject) (gen.RotateWebhookEndpointSecretResponseObject, error) {
	space, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	var overlap *time.Duration
	if req.Body != nil && req.Body.OverlapSeconds != nil {
		d := time.Duration(*req.Body.OverlapSeconds) * time.Second
		overlap = &d
	}
	e, err := h.svc.Endpoints.RotateSecret(ctx, space, req.EndpointId, overlap)
	if err != nil {
		return nil, err
	}
	return gen.RotateWebhookEndpointSecret200JSONResponse{Body: endpointWithSecret(e)}, nil
}

func eventTypes(in []gen.EventType) []domain.EventType {
	out := make([]domain.EventType, len(in))
	for i, t := range in {
		out[i] = domain.EventType(t)
	}
	return out
}

func endpointResource(e *domain.WebhookEndpoint) gen.WebhookEndpoint {
	events := make([]gen.EventType, len(e.Events))
	for i, t := range e.Events {
		events[i] = gen.EventType(t)
	}
	return gen.WebhookEndpoint{
		Id: e.ID, Url: e.URL, Events: events, Description: e.Description, Enabled: e.Enabled,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, PreviousSecretExpiresAt: e.PreviousSecretUntil(time.Now()),
	}
}

func endpointWithSecret(e *domain.WebhookEndpoint) gen.WebhookEndpointWithSecret {
	r := endpointResource(e)
	return gen.WebhookEndpointWithSecret{
		Id: r.Id, Url: r.Url, Events: r.Events, Description: r.Description, Enabled: r.Enabled,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PreviousSecretExpiresAt: r.PreviousSecretExpiresAt, Secret: e.Secret,
	}
}
