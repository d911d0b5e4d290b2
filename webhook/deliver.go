package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxResponseBody is how much of a receiver's response is read and kept; the
// rest is discarded with the connection.
const maxResponseBody = 64 << 10

// MaxRetryAfter caps a receiver's Retry-After so that a bogus value cannot
// park a delivery beyond the retry schedule.
const MaxRetryAfter = 24 * time.Hour

// Result is the outcome of one delivery attempt.
type Result struct {
	// Status is the HTTP status, or 0 when no response was received.
	Status int
	// Err is nil exactly when the attempt succeeded (2xx). It is a
	// *StatusError for other statuses, a *URLError when the guard refused the
	// destination, and a transport error otherwise.
	Err error
	// Retry says whether the attempt should be retried on the schedule.
	Retry bool
	// RetryAfter is the receiver's Retry-After, capped at [MaxRetryAfter];
	// zero when absent or unparseable. Wait at least this long, and at least
	// the [Backoff] delay, before retrying.
	RetryAfter time.Duration
	// Gone is true for 410: the receiver asks for the endpoint to be disabled.
	Gone bool
	// Duration is how long the attempt took.
	Duration time.Duration
	// Body is the start of the response body, at most 64 KiB, for delivery
	// logs.
	Body []byte
}

// StatusError is Result.Err for a response that was not 2xx.
type StatusError struct {
	// Status is the HTTP status code received.
	Status int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("webhook: receiver responded %d %s", e.Status, http.StatusText(e.Status))
}

// Deliver makes one delivery attempt: a POST of body to url with the headers
// of [Headers] signed with secret for msgID at time now (time.Now when zero).
// client must come from [Client]; any other client bypasses the SSRF guard.
//
// Classification, following Standard Webhooks:
//   - 2xx is success; nothing else is.
//   - 410 Gone stops: Gone is set and Retry is not; disable the endpoint.
//   - Every other status is retryable, 3xx and 4xx included: a receiver that
//     answers 404 or 400 is usually misconfigured or mid-deploy, and the
//     schedule is bounded, so retrying costs little and can recover.
//   - Transport errors and timeouts are retryable, except guard refusals
//     (*URLError), which will not fix themselves.
//   - Bad arguments (secret, message id, URL) are not retryable.
//
// Retry-After is read from any non-2xx, non-410 response, as delta-seconds or
// an HTTP date.
func Deliver(ctx context.Context, client *http.Client, url, secret, msgID string, body []byte, now time.Time) Result {
	if client == nil {
		return Result{Err: errors.New("webhook: Deliver needs a client from webhook.Client")}
	}
	if now.IsZero() {
		now = time.Now()
	}
	h, err := Headers(secret, msgID, now, body)
	if err != nil {
		return Result{Err: err}
	}
	return send(ctx, client, url, h, body, now)
}

// send POSTs body with the signed headers h and classifies the answer as [Deliver]
// documents.
func send(ctx context.Context, client *http.Client, url string, h http.Header, body []byte, now time.Time) Result {
	if client == nil {
		return Result{Err: errors.New("webhook: Deliver needs a client from webhook.Client")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Result{Err: fmt.Errorf("webhook: %w", err)}
	}
	req.Header = h

	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		var ue *URLError
		return Result{Err: err, Retry: !errors.As(err, &ue), Duration: time.Since(start)}
	}
	// Reading the body is part of the attempt; a receiver that stalls here
	// is cut off by the client's timeout. A read error after the status has
	// arrived does not change the outcome.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()
	r := Result{Status: resp.StatusCode, Duration: time.Since(start), Body: b}

	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return r
	case resp.StatusCode == http.StatusGone:
		r.Gone = true
	default:
		r.Retry = true
		r.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now.Add(r.Duration))
	}
	r.Err = &StatusError{Status: resp.StatusCode}
	return r
}

// parseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds
// or an HTTP date, measured from ref. Invalid or past values give zero; long
// ones are capped at MaxRetryAfter.
func parseRetryAfter(v string, ref time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if allOf(v, isDigit) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter // all digits but overflowing: huge
		}
		d = time.Duration(n) * time.Second
	} else {
		t, err := http.ParseTime(v)
		if err != nil {
			return 0
		}
		d = t.Sub(ref)
	}
	return max(0, min(d, MaxRetryAfter))
}
