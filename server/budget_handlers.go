package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetBudget is not written yet (skeleton; its owner replaces it).
func (h *handlers) GetBudget(ctx context.Context, req gen.GetBudgetRequestObject) (gen.GetBudgetResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// SetBudget is not written yet (skeleton; its owner replaces it).
func (h *handlers) SetBudget(ctx context.Context, req gen.SetBudgetRequestObject) (gen.SetBudgetResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}

// DeleteBudget is not written yet (skeleton; its owner replaces it).
func (h *handlers) DeleteBudget(ctx context.Context, req gen.DeleteBudgetRequestObject) (gen.DeleteBudgetResponseObject, error) {
	return nil, domain.Errorf(domain.CodeInternal, "not implemented")
}
