package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListWebhookEndpoints is not written yet (skeleton; its owner replaces it).
func (h *handlers) ListWebhookEndpoints(ctx context.Context, req gen.ListWebhookEndpointsRequestObject) (gen.ListWebhookEndpointsResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// CreateWebhookEndpoint is not written yet (skeleton; its owner replaces it).
func (h *handlers) CreateWebhookEndpoint(ctx context.Context, req gen.CreateWebhookEndpointRequestObject) (gen.CreateWebhookEndpointResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// GetWebhookEndpoint is not written yet (skeleton; its owner replaces it).
func (h *handlers) GetWebhookEndpoint(ctx context.Context, req gen.GetWebhookEndpointRequestObject) (gen.GetWebhookEndpointResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// UpdateWebhookEndpoint is not written yet (skeleton; its owner replaces it).
func (h *handlers) UpdateWebhookEndpoint(ctx context.Context, req gen.UpdateWebhookEndpointRequestObject) (gen.UpdateWebhookEndpointResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// DeleteWebhookEndpoint is not written yet (skeleton; its owner replaces it).
func (h *handlers) DeleteWebhookEndpoint(ctx context.Context, req gen.DeleteWebhookEndpointRequestObject) (gen.DeleteWebhookEndpointResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// RotateWebhookEndpointSecret is not written yet (skeleton; its owner replaces it).
func (h *handlers) RotateWebhookEndpointSecret(ctx context.Context, req gen.RotateWebhookEndpointSecretRequestObject) (gen.RotateWebhookEndpointSecretResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}
