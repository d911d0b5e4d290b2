package server

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

const headerRequestID = "X-Request-Id"

// requestID gives every request an id: the caller's X-Request-Id when it is short and
// plain, else a new req_ id. It is echoed in the response header and in error bodies, so
// a studio can quote it.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(headerRequestID)
			if !plainID(id) {
				id = domain.NewID(domain.PrefixRequest, time.Now())
			}
			c.Response().Header().Set(headerRequestID, id)
			r := c.Request()
			c.SetRequest(r.WithContext(domain.WithRequestID(r.Context(), id)))
			return next(c)
		}
	}
}

// plainID accepts 1–128 characters of [A-Za-z0-9._-]; anything else could forge log lines
// or headers.
func plainID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func requestIDOf(c echo.Context) string { return c.Response().Header().Get(headerRequestID) }

// requestIDFrom returns the request id from a request context, for code that has no
// echo.Context (strict handlers and the streams they start).
func requestIDFrom(ctx context.Context) string { return domain.RequestIDFrom(ctx) }
