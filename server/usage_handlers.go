package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetUsage is not written yet (skeleton; its owner replaces it).
func (h *handlers) GetUsage(ctx context.Context, req gen.GetUsageRequestObject) (gen.GetUsageResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}
