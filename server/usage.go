package server

import (
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// metering puts the request's meter in its context and counts the request (skeleton).
func metering(u *domain.UsageService) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
}
