// Package falclient is Troupe's HTTP client for fal.ai and the adapters that implement the
// domain's model ports on top of it.
//
// The Client speaks fal's protocol (as fal documents it): synchronous runs on fal.run,
// the queue on queue.fal.run (submit, then status, result and cancel through the URLs fal
// returns), and SSE streams. Every call is bounded by a timeout, retried on 429, 500, 502,
// 503, 504 and connection errors with capped, jittered exponential backoff, and fails with a
// *domain.Error: CodeFalServiceError when fal failed, CodeProviderTimeout when it did not
// answer in time, CodeEngineUnavailable when no key is configured. A canceled caller
// context ends a call with the context's error, wrapped. The key is sent as
// "Authorization: Key …" and never appears in errors.
//
// TextModel adapts the Client to domain.TextModel through the openrouter/router endpoint.
package falclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultRunURL       = "https://fal.run"
	DefaultQueueURL     = "https://queue.fal.run"
	DefaultTimeout      = 60 * time.Second
	DefaultTextTimeout  = 20 * time.Second
	DefaultQueueTimeout = 10 * time.Minute
	DefaultMaxRetries   = 3
	DefaultRetryBase    = 250 * time.Millisecond
	DefaultRetryMax     = 5 * time.Second
	DefaultPollInterval = 500 * time.Millisecond
)

// userAgent identifies Troupe to fal.
const userAgent = "troupe-falclient/1"

// maxBody caps a successful response body read into memory. fal returns media as URLs,
// but sync_mode answers carry data URIs, which can be large.
const maxBody = 64 << 20

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// Key is the fal API key (FAL_KEY). Without it every call fails with
	// CodeEngineUnavailable and sends nothing.
	Key string
	// RunURL is the base of synchronous runs and streams; QueueURL the base of queue
	// submits. Both may be plain http for tests.
	RunURL   string
	QueueURL string
	// HTTPClient sends the requests; nil means a client of its own on the default transport.
	HTTPClient *http.Client
	// Timeout bounds each call: a Run or Stream, a Submit, one Status, a Result or a
	// Cancel, retries included. Text calls have their own bound, TextTimeout.
	Timeout time.Duration
	// TextTimeout bounds each call of the TextModel (a router run or stream, retries
	// included) in place of Timeout. Text calls sit on a player's request (speak, react),
	// so a provider that stops answering must give a PROVIDER_TIMEOUT quickly rather than
	// hold the call for a minute; DefaultTextTimeout leaves room for a long line from a
	// slow model. Media calls keep Timeout, since generating audio or images is slower.
	// Zero means DefaultTextTimeout, or Timeout when that is shorter.
	TextTimeout time.Duration
	// QueueTimeout bounds a whole Subscribe (submit, waiting in the queue, result).
	QueueTimeout time.Duration
	// MaxRetries is how many times a failed attempt is retried; negative means never.
	MaxRetries int
	// RetryBase and RetryMax shape the backoff between attempts: full jitter over
	// min(RetryMax, RetryBase·2^attempt). RetryMax also caps a Retry-After.
	RetryBase time.Duration
	RetryMax  time.Duration
	// PollInterval is the wait between status polls in Subscribe.
	PollInterval time.Duration
}

// Client calls fal.ai. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	// sleep waits between retries; tests replace it to observe delays without waiting.
	sleep func(ctx context.Context, d time.Duration) error
	// downloadLimit, when positive, lowers every download's size limit; tests set it to
	// reach the limit without serving 64 MB.
	downloadLimit int
}

// New returns a Client for cfg, with defaults filled in.
func New(cfg Config) *Client {
	cfg.Key = strings.TrimSpace(cfg.Key)
	cfg.RunURL = strings.TrimRight(or(cfg.RunURL, DefaultRunURL), "/")
	cfg.QueueURL = strings.TrimRight(or(cfg.QueueURL, DefaultQueueURL), "/")
	cfg.Timeout = orDuration(cfg.Timeout, DefaultTimeout)
	// An unset text bound never exceeds the general one: a client configured with a short
	// Timeout (a test, a tight deployment) keeps it for text too.
	cfg.TextTimeout = orDuration(cfg.TextTimeout, min(DefaultTextTimeout, cfg.Timeout))
	cfg.QueueTimeout = orDuration(cfg.QueueTimeout, DefaultQueueTimeout)
	cfg.RetryBase = orDuration(cfg.RetryBase, DefaultRetryBase)
	cfg.RetryMax = orDuration(cfg.RetryMax, DefaultRetryMax)
	cfg.PollInterval = orDuration(cfg.PollInterval, DefaultPollInterval)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{cfg: cfg, http: hc, sleep: sleepCtx}
}

// forText returns a client that bounds each call by TextTimeout instead of Timeout,
// sharing c's HTTP client. It is built per call, so it sees any change to c's sleep.
func (c *Client) forText() *Client {
	cfg := c.cfg
	cfg.Timeout = cfg.TextTimeout
	return &Client{cfg: cfg, http: c.http, sleep: c.sleep, downloadLimit: c.downloadLimit}
}

// Configured reports whether the client has a key, which is all it needs to make calls.
func (c *Client) Configured() bool { return c.cfg.Key != "" }

// keyHealth is the health of an adapter that needs nothing but a key.
func keyHealth(c *Client, model string) domain.DependencyHealth {
	h := domain.DependencyHealth{Status: domain.StatusOK, Engine: engineName, Model: model}
	if !c.Configured() {
		h.Status, h.Detail = domain.StatusUnavailable, "FAL_KEY is not set"
	}
	return h
}

// Run calls endpoint synchronously (POST {RunURL}/{endpoint}) and decodes its output into
// out, which may be nil to discard it.
func (c *Client) Run(ctx context.Context, endpoint string, input, out any) error {
	o, err := c.begin(ctx, endpoint, c.cfg.Timeout)
	if err != nil {
		return err
	}
	defer o.end()
	body, err := encodeInput(input)
	if err != nil {
		return err
	}
	_, data, err := c.exchange(o, request{method: http.MethodPost, url: c.cfg.RunURL + "/" + endpoint, body: body})
	if err != nil {
		return err
	}
	return o.decode(data, out)
}

// request is one HTTP exchange with fal, sent again on each attempt.
type request struct {
	method string
	url    string
	body   []byte
	header http.Header
	// stream returns the first 2xx response with its body unread: once a stream has
	// started it is never retried.
	stream bool
	// accept names a non-2xx status that is an answer, not a failure (cancel's 400).
	accept int
	// media marks a download of a file fal produced from its public media URL: sent
	// without the key, asking for and bounded by the media's kind.
	media *media
}

func (c *Client) newHTTPRequest(ctx context.Context, r request) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	accept := "application/json"
	if r.media != nil {
		accept = r.media.accept
	} else {
		req.Header.Set("Authorization", "Key "+c.cfg.Key)
	}
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", accept)
	}
	return req, nil
}

// encodeInput marshals a model input; nil becomes an empty object.
func encodeInput(input any) ([]byte, error) {
	if input == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("falclient: encode input: %w", err)
	}
	return b, nil
}

// checkEndpoint rejects endpoint ids that would not name a path under the base URL.
// Endpoint ids come from code and configuration, never from players.
func checkEndpoint(endpoint string) error {
	if endpoint == "" || strings.HasPrefix(endpoint, "/") || strings.ContainsAny(endpoint, "?# \t\r\n") {
		return fmt.Errorf("falclient: invalid endpoint id %q", endpoint)
	}
	for seg := range strings.SplitSeq(endpoint, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("falclient: invalid endpoint id %q", endpoint)
		}
	}
	return nil
}

// checkQueueURL accepts a URL fal returned for a queued request. The key is sent there, so
// it must be absolute and use https, or http only when the queue itself is configured on
// http (a local fake).
func (c *Client) checkQueueURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("not an absolute URL: %q", raw)
	}
	if u.Scheme == "https" || (u.Scheme == "http" && strings.HasPrefix(c.cfg.QueueURL, "http://")) {
		return nil
	}
	return fmt.Errorf("refusing scheme %q", u.Scheme)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
