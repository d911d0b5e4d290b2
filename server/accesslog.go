package server

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/telemetry"
)

// accessLog writes one structured line per request. It hands errors to the error handler
// itself so the logged status is the one the client got.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			level := slog.LevelInfo
			if res.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", requestIDOf(c)),
				slog.String("method", req.Method),
				slog.String("path", req.URL.Path),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", c.RealIP()),
			}
			// authenticate replaced the request with one whose context holds the principal.
			if p, ok := domain.PrincipalFrom(c.Request().Context()); ok {
				attrs = append(attrs, slog.String("tenant", p.TenantID), slog.String("mode", string(p.Mode)), slog.String("key_id", p.KeyID))
			}
			if id := telemetry.TraceID(c.Request().Context()); id != "" {
				attrs = append(attrs, slog.String("trace_id", id))
			}
			log.LogAttrs(req.Context(), level, "request", attrs...)
			return nil
		}
	}
}

// serverTiming adds a Server-Timing header with the time spent in the app, set just before
// the headers are written so it covers everything up to the first byte.
func serverTiming() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			res := c.Response()
			res.Before(func() {
				res.Header().Set("Server-Timing", fmt.Sprintf("app;dur=%.3f", float64(time.Since(start).Microseconds())/1000))
			})
			return next(c)
		}
	}
}
