package falclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// ErrAlreadyCompleted is returned (wrapped) by Cancel when fal says the request had
// already completed, so there was nothing to cancel.
var ErrAlreadyCompleted = errors.New("falclient: request already completed")

// maxDetailBody is how much of an upstream body goes into an error's details.
const maxDetailBody = 500

// op is one bounded call: the caller's context, the call's own deadline, and what its
// errors need to say.
type op struct {
	parent   context.Context
	ctx      context.Context
	cancel   context.CancelFunc
	endpoint string
	key      string
	// timeout is the call's effective bound: Timeout, or less when the caller's deadline
	// is nearer.
	timeout time.Duration
}

// begin starts a call to endpoint bounded by timeout. It fails without sending anything
// when no key is configured or ctx is already done.
func (c *Client) begin(ctx context.Context, endpoint string, timeout time.Duration) (*op, error) {
	if c.cfg.Key == "" {
		return nil, errNoKey()
	}
	if err := checkEndpoint(endpoint); err != nil {
		return nil, err
	}
	o := &op{parent: ctx, endpoint: endpoint, key: c.cfg.Key, timeout: timeout}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		o.timeout = max(time.Until(dl), 0)
	}
	o.ctx, o.cancel = context.WithTimeout(ctx, timeout)
	if err := o.doneErr(); err != nil {
		o.cancel()
		return nil, err
	}
	return o, nil
}

func (o *op) end() { o.cancel() }

// doneErr maps a finished context to the call's error, or returns nil while it runs.
// The caller canceling ends the call with its own error; any deadline, the call's or the
// caller's, is a provider timeout (which still matches context.DeadlineExceeded).
func (o *op) doneErr() error {
	if err := o.parent.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return timeoutError(o.endpoint, o.timeout)
		}
		return fmt.Errorf("fal %s: %w", o.endpoint, err)
	}
	if o.ctx.Err() != nil {
		return timeoutError(o.endpoint, o.timeout)
	}
	return nil
}

// decode unmarshals a successful body into out.
func (o *op) decode(data []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return o.badAnswer(http.StatusOK, data, err)
	}
	return nil
}

// upstream is the error for a non-2xx answer from fal.
func (o *op) upstream(status int, header http.Header, body []byte) *domain.Error {
	details := map[string]any{
		"endpoint":        o.endpoint,
		"upstream_status": status,
		"upstream_body":   o.clip(body),
	}
	if t := errorType(header, body); t != "" {
		details["error_type"] = t
	}
	return &domain.Error{
		Code:    domain.CodeFalServiceError,
		Message: fmt.Sprintf("fal.ai failed: %s answered HTTP %d.", o.endpoint, status),
		Details: details,
		Err:     fmt.Errorf("fal %s: HTTP %d", o.endpoint, status),
	}
}

// badAnswer is the error for a 2xx answer that is not what the protocol promises.
func (o *op) badAnswer(status int, body []byte, cause error) *domain.Error {
	return &domain.Error{
		Code:    domain.CodeFalServiceError,
		Message: fmt.Sprintf("fal.ai failed: %s sent an answer that could not be read.", o.endpoint),
		Details: map[string]any{
			"endpoint":        o.endpoint,
			"upstream_status": status,
			"upstream_body":   o.clip(body),
		},
		Err: o.redact(cause),
	}
}

// unreachable is the error when fal could not be reached or the connection broke.
func (o *op) unreachable(cause error) *domain.Error {
	return &domain.Error{
		Code:    domain.CodeFalServiceError,
		Message: fmt.Sprintf("fal.ai failed: %s could not be reached.", o.endpoint),
		Details: map[string]any{"endpoint": o.endpoint},
		Err:     o.redact(cause),
	}
}

// inBand is the error for a failure fal reported inside a successful answer: an error
// event in a stream, or a queued request that completed with an error.
func (o *op) inBand(message string, extra map[string]any) *domain.Error {
	details := map[string]any{"endpoint": o.endpoint, "upstream_error": o.clip([]byte(message))}
	for k, v := range extra {
		details[k] = v
	}
	return &domain.Error{
		Code:    domain.CodeFalServiceError,
		Message: fmt.Sprintf("fal.ai failed: %s reported an error.", o.endpoint),
		Details: details,
		Err:     fmt.Errorf("fal %s: %s", o.endpoint, o.clip([]byte(message))),
	}
}

// clip prepares an upstream text for details: the key removed, at most maxDetailBody
// bytes, cut on a rune boundary.
func (o *op) clip(b []byte) string {
	s := string(b)
	if o.key != "" {
		s = strings.ReplaceAll(s, o.key, "[redacted]")
	}
	if len(s) > maxDetailBody {
		cut := maxDetailBody
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// redact keeps cause for logs unless its text would reveal the key.
func (o *op) redact(cause error) error {
	if cause == nil || o.key == "" || !strings.Contains(cause.Error(), o.key) {
		return cause
	}
	return errors.New(strings.ReplaceAll(cause.Error(), o.key, "[redacted]"))
}

func errNoKey() *domain.Error {
	return &domain.Error{
		Code:    domain.CodeEngineUnavailable,
		Message: "fal.ai is not configured: FAL_KEY is not set.",
		Details: map[string]any{"engine": "fal"},
	}
}

func timeoutError(endpoint string, d time.Duration) *domain.Error {
	return &domain.Error{
		Code:    domain.CodeProviderTimeout,
		Message: fmt.Sprintf("fal.ai did not answer in time: %s took longer than %s.", endpoint, d.Round(time.Millisecond)),
		Details: map[string]any{"endpoint": endpoint, "timeout_ms": d.Milliseconds()},
		Err:     context.DeadlineExceeded,
	}
}

// errorType reads fal's error class from the X-Fal-Error-Type header or the body's
// error_type field.
func errorType(header http.Header, body []byte) string {
	if t := header.Get("X-Fal-Error-Type"); t != "" {
		return t
	}
	var v struct {
		ErrorType string `json:"error_type"`
	}
	if json.Unmarshal(body, &v) == nil {
		return v.ErrorType
	}
	return ""
}

// payloadError returns the text of an "error" field in a JSON object, or "" when there is
// none.
func payloadError(data []byte) string {
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	return errorText(v.Error)
}

// errorText reads an "error" field's value. fal documents it as a string; any other
// non-empty value counts too.
func errorText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	switch string(raw) {
	case "null", "false", "{}", "[]":
		return ""
	}
	return string(raw)
}
