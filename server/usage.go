package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// meterWriteTimeout bounds the write of a request's leftover use: metering must never
// hold a request up for long.
const meterWriteTimeout = 5 * time.Second

// metering counts every authenticated request by operation (in memory; the usage service
// flushes the counts), and a refusal when the rate limiter, which runs after it, refused
// it. It puts a meter for the key into the request context, on which the engines record
// billable use; the store writes that end the work take it with them, and what is left
// when the response starts or the handler returns (a synchronous synthesis, a model call
// whose request then failed) is written here. Anonymous requests are not counted. A
// failure to meter is logged and never fails the request.
func metering(u *domain.UsageService) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if u == nil {
			return next
		}
		return func(c echo.Context) error {
			r := c.Request()
			p, ok := domain.PrincipalFrom(r.Context())
			op := operationOf(c)
			if !ok || op == nil || op.id == "" {
				return next(c)
			}
			m := u.NewMeter(p.Space(), p.KeyID)
			ctx := domain.WithMeter(r.Context(), m)
			c.SetRequest(r.WithContext(ctx))
			write := func() {
				if m.Pending() == 0 {
					return // the common case: the work's own write took it, or there was none
				}
				wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), meterWriteTimeout)
				defer cancel()
				if err := u.WriteMeter(wctx, m); err != nil {
					slog.Default().LogAttrs(wctx, slog.LevelWarn, "usage: writing a request's metered use failed",
						slog.String("request_id", requestIDOf(c)), slog.Any("error", err))
				}
			}
			// Counted, and written, before the response goes out, so a client that reads its
			// usage next sees it. A refusal's response is written after this returns.
			u.CountRequest(p.Space(), p.KeyID, op.id, domain.MetricRequests)
			c.Response().Before(write)
			err := next(c)
			if domain.ErrorCode(err) == domain.CodeRateLimited {
				u.CountRequest(p.Space(), p.KeyID, op.id, domain.MetricRateLimited)
			}
			write()
			return err
		}
	}
}
