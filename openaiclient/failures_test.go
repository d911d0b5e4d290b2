package openaiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
)

// call runs Complete or Stream, so each failure class is checked on both paths.
func call(ctx context.Context, c *Client, stream bool, req domain.TextRequest) (domain.TextResult, []string, error) {
	// A safety net: if the client's own timeout regresses, a test fails here instead of
	// hanging on a stalled fake until the test binary times out.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if !stream {
		res, err := c.Complete(ctx, req)
		return res, nil, err
	}
	var deltas []string
	res, err := c.Stream(ctx, req, func(d string) error {
		deltas = append(deltas, d)
		return nil
	})
	return res, deltas, err
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name  string
		opts  []openaitest.Option
		setup func(srv *openaitest.Server)
		edit  func(*Config)
		// wantCode is "" for success.
		wantCode     domain.Code
		wantStatus   int // upstream_status, when wantCode is PROVIDER_ERROR from a status
		wantAttempts int
		wantDeltas   int // for streams
	}{
		{
			name:     "401 is not retried",
			opts:     []openaitest.Option{openaitest.WithAPIKey("sk-the-right-one")},
			edit:     func(c *Config) { c.APIKey = testKey },
			wantCode: domain.CodeProviderError, wantStatus: 401, wantAttempts: 1,
		},
		{
			name:     "400 is not retried",
			setup:    func(s *openaitest.Server) { s.FailNext(1, 400, "") },
			wantCode: domain.CodeProviderError, wantStatus: 400, wantAttempts: 1,
		},
		{
			name:         "503 then success",
			setup:        func(s *openaitest.Server) { s.FailNext(1, 503, "") },
			wantAttempts: 2,
		},
		{
			name:         "429 with a short Retry-After then success",
			setup:        func(s *openaitest.Server) { s.FailNext(1, 429, ""); s.SetRetryAfter("0") },
			wantAttempts: 2,
		},
		{
			name:     "429 with a Retry-After beyond RetryMax is not waited for",
			setup:    func(s *openaitest.Server) { s.FailNext(1, 429, ""); s.SetRetryAfter("120") },
			wantCode: domain.CodeProviderError, wantStatus: 429, wantAttempts: 1,
		},
		{
			name:     "persistent 500 tries MaxRetries+1 times",
			setup:    func(s *openaitest.Server) { s.FailNext(10, 500, "") },
			wantCode: domain.CodeProviderError, wantStatus: 500, wantAttempts: DefaultMaxRetries + 1,
		},
		{
			name:     "MaxRetries 4",
			setup:    func(s *openaitest.Server) { s.FailNext(10, 502, "") },
			edit:     func(c *Config) { c.MaxRetries = 4 },
			wantCode: domain.CodeProviderError, wantStatus: 502, wantAttempts: 5,
		},
		{
			name:     "negative MaxRetries never retries",
			setup:    func(s *openaitest.Server) { s.FailNext(10, 500, "") },
			edit:     func(c *Config) { c.MaxRetries = -1 },
			wantCode: domain.CodeProviderError, wantStatus: 500, wantAttempts: 1,
		},
		{
			name:         "dropped connection then success",
			setup:        func(s *openaitest.Server) { s.DropNext(1) },
			wantAttempts: 2,
		},
		{
			name:     "persistent dropped connections",
			setup:    func(s *openaitest.Server) { s.DropNext(10) },
			wantCode: domain.CodeProviderError, wantAttempts: DefaultMaxRetries + 1,
		},
		{
			name:     "stall before the answer is a timeout, not retried",
			opts:     []openaitest.Option{openaitest.WithStall()},
			edit:     func(c *Config) { c.Timeout = 50 * time.Millisecond },
			wantCode: domain.CodeProviderTimeout, wantAttempts: 1,
		},
		{
			name:     "in-band error",
			setup:    func(s *openaitest.Server) { s.StreamErrorNext(1, 2, "model crashed") },
			wantCode: domain.CodeProviderError, wantStatus: 200, wantAttempts: 1, wantDeltas: 2,
		},
		{
			name:     "model missing is the server's 400",
			edit:     func(c *Config) { c.Model = "" },
			wantCode: domain.CodeProviderError, wantStatus: 400, wantAttempts: 1,
		},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				srv := openaitest.New(t, tt.opts...)
				srv.Reply(func(openaitest.ChatRequest) string { return "one two three four" })
				if tt.setup != nil {
					tt.setup(srv)
				}
				res, deltas, err := call(t.Context(), newTestClient(srv, tt.edit), stream, hello())
				if got := len(srv.Requests()); got != tt.wantAttempts {
					t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
				}
				if stream && tt.wantDeltas > 0 && len(deltas) != tt.wantDeltas {
					t.Errorf("deltas = %q, want %d of them", deltas, tt.wantDeltas)
				}
				if tt.wantCode == "" {
					if err != nil || res.Text != "one two three four" {
						t.Fatalf("result %q, error %v; want success", res.Text, err)
					}
					return
				}
				de := wantDomainError(t, err, tt.wantCode)
				if de.Details["attempts"] != tt.wantAttempts {
					t.Errorf("details attempts = %v, want %d", de.Details["attempts"], tt.wantAttempts)
				}
				switch {
				case tt.wantCode == domain.CodeProviderTimeout:
					if de.Details["timeout_ms"] != int64(50) {
						t.Errorf("timeout_ms = %v, want 50", de.Details["timeout_ms"])
					}
				case tt.wantStatus != 0:
					if de.Details["upstream_status"] != tt.wantStatus {
						t.Errorf("upstream_status = %v, want %d", de.Details["upstream_status"], tt.wantStatus)
					}
					if body, _ := de.Details["upstream_body"].(string); body == "" || len(body) > maxUpstreamBody {
						t.Errorf("upstream_body = %q", body)
					}
				}
			})
		}
	}
}

func TestStreamStallIsTimeout(t *testing.T) {
	srv := openaitest.New(t, openaitest.WithStreamStall(2))
	srv.Reply(func(openaitest.ChatRequest) string { return "one two three four" })
	c := newTestClient(srv, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	_, deltas, err := call(t.Context(), c, true, hello())
	wantDomainError(t, err, domain.CodeProviderTimeout)
	if len(deltas) != 2 || len(srv.Requests()) != 1 {
		t.Errorf("deltas %q, %d attempts; want 2 deltas, 1 attempt", deltas, len(srv.Requests()))
	}
}

// TestStreamOutlivesTimeout checks that Timeout measures silence, not the whole stream.
func TestStreamOutlivesTimeout(t *testing.T) {
	srv := openaitest.New(t, openaitest.WithChunkDelay(20*time.Millisecond))
	srv.Reply(func(openaitest.ChatRequest) string { return "a b c d e f g h" }) // about 160ms
	c := newTestClient(srv, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	res, _, err := call(t.Context(), c, true, hello())
	if err != nil || res.Text != "a b c d e f g h" {
		t.Fatalf("result %q, error %v", res.Text, err)
	}
}

func TestCallerContext(t *testing.T) {
	tests := []struct {
		name    string
		opts    []openaitest.Option
		setup   func(*openaitest.Server)
		ctx     func(t *testing.T) context.Context
		wantErr error
	}{
		{
			name: "already canceled sends nothing",
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				return ctx
			},
			wantErr: context.Canceled,
		},
		{
			name:  "canceled during a backoff",
			setup: func(s *openaitest.Server) { s.FailNext(10, 503, "") },
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(30*time.Millisecond, cancel)
				return ctx
			},
			wantErr: context.Canceled,
		},
		{
			name: "the caller's deadline is not a provider timeout",
			opts: []openaitest.Option{openaitest.WithStall()},
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
				t.Cleanup(cancel)
				return ctx
			},
			wantErr: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				srv := openaitest.New(t, tt.opts...)
				if tt.setup != nil {
					tt.setup(srv)
				}
				c := newTestClient(srv, func(c *Config) { c.RetryBase, c.RetryMax = 10*time.Second, 10*time.Second })
				start := time.Now()
				_, _, err := call(tt.ctx(t), c, stream, hello())
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				if code := domain.ErrorCode(err); code != domain.CodeInternal {
					t.Errorf("a caller's cancellation reads as %s", code)
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("returned after %v; cancellation must interrupt waits", d)
				}
				if n := len(srv.Requests()); n > 1 {
					t.Errorf("%d requests after cancellation", n)
				}
			})
		}
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var (
		mu    sync.Mutex
		first time.Time
		gap   time.Duration
	)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if first.IsZero() {
			first = time.Now()
			w.Header().Set("Retry-After-Ms", "80")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		gap = time.Since(first)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"content":"ok"}}]}`)
	}))
	t.Cleanup(hs.Close)
	// RetryBase is tiny: only Retry-After can explain a long wait.
	c := New(Config{BaseURL: hs.URL, Model: "m", RetryBase: time.Millisecond, RetryMax: time.Second})
	if _, err := c.Complete(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if gap < 80*time.Millisecond {
		t.Errorf("retried after %v, before the asked 80ms", gap)
	}
}

// TestKeyNeverInErrors provokes every failure class with a server that echoes the key.
func TestKeyNeverInErrors(t *testing.T) {
	echo := openaitest.ErrorBody("Incorrect API key provided: "+testKey+". Check it.", "invalid_request_error", "invalid_api_key")
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name    string
		opts    []openaitest.Option
		setup   func(*openaitest.Server)
		baseURL string
	}{
		{name: "401 echoing the key", setup: func(s *openaitest.Server) { s.FailNext(1, 401, echo) }},
		{name: "500s echoing the key", setup: func(s *openaitest.Server) { s.FailNext(10, 500, strings.Repeat(testKey, 30)) }},
		{name: "in-band error echoing the key", setup: func(s *openaitest.Server) { s.StreamErrorNext(1, 1, "bad key "+testKey) }},
		{name: "timeout", opts: []openaitest.Option{openaitest.WithStall()}},
		{name: "connection refused", baseURL: closed.URL + "/v1"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				srv := openaitest.New(t, tt.opts...)
				if tt.setup != nil {
					tt.setup(srv)
				}
				c := newTestClient(srv, func(c *Config) {
					c.APIKey, c.Timeout = testKey, 50*time.Millisecond
					if tt.baseURL != "" {
						c.BaseURL = tt.baseURL
					}
				})
				_, _, err := call(t.Context(), c, stream, hello())
				if err == nil {
					t.Fatal("no error")
				}
				var de *domain.Error
				errors.As(err, &de)
				for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprint(de.Details), fmt.Sprintf("%#v", de)} {
					if strings.Contains(text, testKey) {
						t.Errorf("the key leaked: %s", text)
					}
				}
				if reqs := srv.Requests(); len(reqs) > 0 && reqs[0].Header.Get("Authorization") != "Bearer "+testKey {
					t.Errorf("the key was not sent")
				}
			})
		}
	}
}
