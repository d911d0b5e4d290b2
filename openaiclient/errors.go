package openaiclient

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// maxUpstreamBody caps the upstream_body detail: enough to read a provider's error message,
// not enough to relay a whole page of HTML.
const maxUpstreamBody = 500

const msgProviderFailed = "The model provider failed."

// errWatchdog is the cancel cause of an attempt that ran past the Timeout, which is how a
// timeout is told apart from the caller's own cancellation.
var errWatchdog = errors.New("openaiclient: provider timeout")

// redactor removes the API key from anything that may end up in an error: some providers
// echo the key they were sent back in their 401 body.
type redactor string

func (key redactor) string(s string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, string(key), "[redacted]")
}

// err returns err unchanged unless its text holds the key, in which case only the redacted
// text is kept: losing the chain is the price of not leaking the key into logs.
func (key redactor) err(err error) error {
	if err == nil || key == "" || !strings.Contains(err.Error(), string(key)) {
		return err
	}
	return errors.New(key.string(err.Error()))
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// s[n] is the first byte cut; while it continues a rune, that rune straddles the cut.
	// Three steps at most: a longer run of continuation bytes is not UTF-8 anyway.
	for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return s[:n]
}

// upstreamError is a PROVIDER_ERROR for a server that answered with a failure: a non-2xx
// status, an error object in a 200 body or stream, or a body that cannot be read.
// FAL_SERVICE_ERROR is fal.ai's alone; details.engine says which engine failed.
func (c *Client) upstreamError(status int, body string, cause error) *domain.Error {
	key := redactor(c.apiKey)
	body = truncate(key.string(body), maxUpstreamBody)
	return &domain.Error{
		Code:    domain.CodeProviderError,
		Message: msgProviderFailed,
		Details: map[string]any{"engine": Engine, "upstream_status": status, "upstream_body": body},
		Err:     key.err(cause),
	}
}

// connError is a PROVIDER_ERROR for a server that could not be reached or dropped the
// connection. It has no upstream_status: none was received, or the failure came after it.
func (c *Client) connError(cause error) *domain.Error {
	return &domain.Error{
		Code:    domain.CodeProviderError,
		Message: "The model provider could not be reached or dropped the connection.",
		Details: map[string]any{"engine": Engine},
		Err:     redactor(c.apiKey).err(cause),
	}
}

// timeoutError is the PROVIDER_TIMEOUT of an attempt that outlived the Timeout.
func (c *Client) timeoutError() *domain.Error {
	return &domain.Error{
		Code:    domain.CodeProviderTimeout,
		Message: fmt.Sprintf("The model provider did not answer within %s.", humanDuration(c.timeout)),
		Details: map[string]any{"engine": Engine, "timeout_ms": c.timeout.Milliseconds()},
		Err:     errWatchdog,
	}
}

// unavailableError is what calls return when the BaseURL is missing or malformed.
func (c *Client) unavailableError() *domain.Error {
	return &domain.Error{
		Code:    domain.CodeEngineUnavailable,
		Message: "The OpenAI-compatible text engine is not configured: " + c.unusable + ".",
		Details: map[string]any{"engine": Engine},
	}
}

// canceled wraps the caller's ctx error. It is deliberately not a *domain.Error: nobody is
// waiting for an answer, and callers test it with errors.Is(err, context.Canceled).
func canceled(err error) error {
	return fmt.Errorf("openaiclient: call abandoned: %w", err)
}

// humanDuration prints 60s as "60s" rather than time.Duration's "1m0s".
func humanDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}
