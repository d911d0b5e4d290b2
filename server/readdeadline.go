package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// Body read deadlines when the Config leaves them zero.
const (
	defaultBodyReadTimeout   = 30 * time.Second
	defaultUploadReadTimeout = 120 * time.Second
)

// bodyTimeoutError is a request body that did not arrive before its deadline.
type bodyTimeoutError struct{ after time.Duration }

func (e *bodyTimeoutError) Error() string {
	return fmt.Sprintf("request body not received within %s", e.after)
}

// Unwrap lets errors.Is(err, os.ErrDeadlineExceeded) hold, as for the error it replaces.
func (e *bodyTimeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

// bodyReadDeadline bounds the time a client may take to send its request body; the
// http.Server's ReadHeaderTimeout stops at the headers, so a client sending a byte every
// few seconds could otherwise hold a connection and a handler for as long as it likes. The
// deadline is lifted as soon as the body has been read to its end: the server goes on
// reading the idle connection in the background while the handler runs, and a deadline
// passing then would cancel the request's context and cut a long stream.
//
// A body that is still arriving at the deadline fails its read with a bodyTimeoutError,
// answered 400 BAD_REQUEST (the contract declares no 408); the response can still be
// written, as only reading has failed. Without a connection (in-process tests) there is
// no deadline to set, and none applies.
func bodyReadDeadline(timeoutFor func(echo.Context) time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			timeout := timeoutFor(c)
			rc := http.NewResponseController(c.Response())
			if err := rc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
				return next(c)
			}
			req.Body = &deadlineBody{ReadCloser: req.Body, rc: rc, timeout: timeout}
			return next(c)
		}
	}
}

// deadlineBody lifts the connection's read deadline when the body ends and names a read
// that failed on it. The deadline is deliberately kept when the handler returns without
// reading the whole body: the server then drains what is left, and a slow client must not
// hold the connection while it does.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	done    bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.done:
		b.done = true
		// net/http's HTTP/1 server happens to lift the deadline itself when it starts its
		// background read at the body's end, but does not promise to. With no
		// http.Server ReadTimeout (cmd/troupe sets none) there is no read deadline once
		// the headers are in, so lifting ours restores exactly that.
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil && isTimeout(err):
		err = &bodyTimeoutError{after: b.timeout}
	}
	return n, err
}

// domainError is what the client is told.
func (e *bodyTimeoutError) domainError() *domain.Error {
	return domain.Errorf(domain.CodeBadRequest, "The request body did not arrive within %s.", e.after).
		WithDetails(map[string]any{"timeout_seconds": e.after.Seconds()})
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
