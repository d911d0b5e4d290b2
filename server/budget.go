package server

import (
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// budgetGuard answers 402 BUDGET_EXCEEDED, before any work, to a generation operation of
// a data space whose hard spend cap is reached. Everything else passes: reads, and writes
// that cost nothing, keep working past a cap.
func budgetGuard(b *domain.BudgetService) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if b == nil {
			return next
		}
		return func(c echo.Context) error {
			op := operationOf(c)
			if op == nil || !op.generation {
				return next(c)
			}
			p, ok := domain.PrincipalFrom(c.Request().Context())
			if !ok {
				return next(c)
			}
			if err := b.Check(c.Request().Context(), p.Space()); err != nil {
				return err
			}
			return next(c)
		}
	}
}
