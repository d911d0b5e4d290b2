package server

import (
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// budgetGuard refuses generation once the tenant's hard cap is reached (skeleton).
func budgetGuard(b *domain.BudgetService) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
}
