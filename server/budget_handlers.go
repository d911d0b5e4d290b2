package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetBudget answers GET /v1/budget.
func (h *handlers) GetBudget(ctx context.Context, _ gen.GetBudgetRequestObject) (gen.GetBudgetResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	st, err := h.svc.Budgets.Status(ctx, caller)
	if err != nil {
		return nil, err
	}
	return gen.GetBudget200JSONResponse{Body: budgetResource(st)}, nil
}

// SetBudget answers PUT /v1/budget.
func (h *handlers) SetBudget(ctx context.Context, req gen.SetBudgetRequestObject) (gen.SetBudgetResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	in := domain.BudgetInput{MonthlyLimit: req.Body.MonthlyLimit, HardLimit: req.Body.HardLimit}
	if req.Body.Metric != nil {
		in.Metric = domain.BudgetMetric(*req.Body.Metric)
	}
	st, err := h.svc.Budgets.Set(ctx, caller, in)
	if err != nil {
		return nil, err
	}
	return gen.SetBudget200JSONResponse{Body: budgetResource(st)}, nil
}

// DeleteBudget answers DELETE /v1/budget.
func (h *handlers) DeleteBudget(ctx context.Context, _ gen.DeleteBudgetRequestObject) (gen.DeleteBudgetResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Budgets.Delete(ctx, caller); err != nil {
		return nil, err
	}
	return gen.DeleteBudget204Response{}, nil
}

func budgetResource(st *domain.BudgetStatus) gen.Budget {
	reached := make([]gen.BudgetThresholdsReached, len(st.Reached))
	for i, t := range st.Reached {
		reached[i] = gen.BudgetThresholdsReached(t)
	}
	r := gen.Budget{
		Metric: gen.BudgetMetric(st.Metric), PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd,
		Used: st.Used, ThresholdsReached: reached, Refusing: st.Refusing(),
	}
	if b := st.Budget; b != nil {
		limit, at := b.MonthlyLimit, b.UpdatedAt
		r.MonthlyLimit, r.HardLimit, r.UpdatedAt = &limit, b.HardLimit, &at
	}
	if f, ok := st.Fraction(); ok {
		f = roundFraction(f)
		r.UsedFraction = &f
	}
	return r
}

// roundFraction keeps four decimals: a share of a cap, not a float's noise.
func roundFraction(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }
