package openaiclient

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Engine is the name results and health reports give this engine.
const Engine = "openai"

// The defaults New applies to a zero Config field.
//
// DefaultTimeout is short because every call sits on a player's request (speak, react):
// an unresponsive server should give PROVIDER_TIMEOUT in seconds, not hold the line for a
// minute. 20 s is several times what a hosted model takes for a long line, and under the
// 29–30 s at which common gateways in front of a game backend give up, so the caller
// gets Troupe's error rather than the gateway's. A self-hosted model on a CPU that
// writes long lines slowly may need more (Config.Timeout).
const (
	DefaultTimeout    = 20 * time.Second
	DefaultMaxRetries = 2
	DefaultRetryBase  = 250 * time.Millisecond
	DefaultRetryMax   = 5 * time.Second
)

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// BaseURL is the API root that /chat/completions is appended to, such as
	// "http://localhost:11434/v1" for Ollama. Empty leaves the engine unavailable.
	BaseURL string
	// APIKey is sent as "Authorization: Bearer <key>"; empty sends no Authorization header,
	// as local servers expect.
	APIKey string
	// Model is used when a request names none.
	Model string
	// HTTPClient sends the requests; nil means a client of its own. Leave its Timeout zero:
	// Timeout below is what bounds a call, and a client timeout would cut long streams.
	HTTPClient *http.Client
	// Timeout bounds one attempt of Complete, and for Stream the wait for the response
	// headers and for each event after them, so a long but live stream is never cut. A
	// timeout is not retried, so it is also about the longest a call waits on a server
	// that does not answer; the PROVIDER_TIMEOUT error gives it as details.timeout_ms.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is retried: 0 means DefaultMaxRetries,
	// a negative value means never.
	MaxRetries int
	// RetryBase is the first backoff, doubled on each retry up to RetryMax. A Retry-After
	// longer than RetryMax is not waited for: the failure is returned instead.
	RetryBase, RetryMax time.Duration
}

// Client is a domain.TextModel backed by an OpenAI-compatible server. It is safe for
// concurrent use.
type Client struct {
	// endpoint is BaseURL + "/chat/completions"; unusable says why there is none (no or a
	// malformed BaseURL) and is empty when there is one.
	endpoint, unusable string

	apiKey     string
	model      string
	http       *http.Client
	timeout    time.Duration
	maxRetries int
	retryBase  time.Duration
	retryMax   time.Duration
}

var _ domain.TextModel = (*Client)(nil)

// New returns a Client for cfg, with defaults for its zero fields. It makes no network
// call: a missing or malformed BaseURL makes the engine unavailable, while a well-formed
// but wrong one shows on the first request.
func New(cfg Config) *Client {
	c := &Client{
		apiKey:     cfg.APIKey,
		model:      cfg.Model,
		http:       cfg.HTTPClient,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		retryBase:  cfg.RetryBase,
		retryMax:   cfg.RetryMax,
	}
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	// Checked here because a BaseURL without a scheme ("localhost:11434/v1") is the
	// commonest mistake, and sending it would fail every call after pointless retries.
	switch u, err := url.Parse(base); {
	case base == "":
		c.unusable = "no OpenAI-compatible base URL is configured"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		c.unusable = "the OpenAI-compatible base URL is not an http(s) URL"
	default:
		c.endpoint = base + "/chat/completions"
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.retryBase <= 0 {
		c.retryBase = DefaultRetryBase
	}
	if c.retryMax <= 0 {
		c.retryMax = DefaultRetryMax
	}
	if c.retryMax < c.retryBase {
		c.retryMax = c.retryBase
	}
	return c
}

// Status reports ok, with the default model, when a BaseURL is configured. It does not call
// the server: /health is polled often and a local model server may be slow to answer, so a
// dead server shows on the first request instead.
func (c *Client) Status(ctx context.Context) domain.DependencyHealth {
	if c.unusable != "" {
		return domain.DependencyHealth{
			Status: domain.StatusUnavailable, Engine: Engine, Model: c.model, Detail: c.unusable,
		}
	}
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: Engine, Model: c.model}
}

// modelFor is the model a request asks for.
func (c *Client) modelFor(req domain.TextRequest) string {
	if req.Model != "" {
		return req.Model
	}
	return c.model
}
