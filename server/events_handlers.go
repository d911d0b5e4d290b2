package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListEvents is not written yet (skeleton; its owner replaces it).
func (h *handlers) ListEvents(ctx context.Context, req gen.ListEventsRequestObject) (gen.ListEventsResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// GetEvent is not written yet (skeleton; its owner replaces it).
func (h *handlers) GetEvent(ctx context.Context, req gen.GetEventRequestObject) (gen.GetEventResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// RedeliverEvent is not written yet (skeleton; its owner replaces it).
func (h *handlers) RedeliverEvent(ctx context.Context, req gen.RedeliverEventRequestObject) (gen.RedeliverEventResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}
