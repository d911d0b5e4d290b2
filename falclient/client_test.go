package falclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

const router = falclient.RouterEndpoint

// routerIn is a valid openrouter/router input.
var routerIn = map[string]any{"prompt": "Hello there", "model": "test/model"}

// newClient returns a client for srv with fast retries and polls; mods adjust the config.
func newClient(srv *faltest.Server, mods ...func(*falclient.Config)) *falclient.Client {
	cfg := falclient.Config{
		Key:          srv.Key(),
		RunURL:       srv.URL(),
		QueueURL:     srv.URL(),
		Timeout:      5 * time.Second,
		RetryBase:    time.Millisecond,
		RetryMax:     5 * time.Millisecond,
		PollInterval: time.Millisecond,
	}
	for _, m := range mods {
		m(&cfg)
	}
	return falclient.New(cfg)
}

// sleeps records the retry waits of c instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func recordSleeps(c *falclient.Client) *sleeps {
	s := &sleeps{}
	falclient.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.d = append(s.d, d)
		return ctx.Err()
	})
	return s
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// domainErr returns err's *domain.Error, failing the test when there is none.
func domainErr(t *testing.T, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	return de
}

func TestRun(t *testing.T) {
	srv := faltest.New(t)
	c := newClient(srv)
	var out faltest.RouterOutput
	if err := c.Run(t.Context(), router, routerIn, &out); err != nil {
		t.Fatal(err)
	}
	if out.Output != "Echo: Hello there" || out.Usage == nil || out.Usage.PromptTokens != 2 {
		t.Fatalf("output: %+v", out)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/openrouter/router" || r.Kind != faltest.KindRun {
		t.Errorf("request %s %s (%s)", r.Method, r.Path, r.Kind)
	}
	if got := r.Header.Get("Authorization"); got != "Key "+faltest.Key {
		t.Errorf("Authorization %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	var in map[string]any
	if err := json.Unmarshal(r.Body, &in); err != nil || in["prompt"] != "Hello there" {
		t.Errorf("body %s", r.Body)
	}
}

// TestRunFailures checks that each failure class ends with the right code after the
// right number of attempts (MaxRetries is 3).
func TestRunFailures(t *testing.T) {
	userTimeout := http.Header{"X-Fal-Request-Timeout-Type": {"user"}}
	tests := []struct {
		name     string
		endpoint string
		inject   func(s *faltest.Server)
		code     domain.Code // "" for success
		status   int         // upstream_status; 0 when none
		attempts int
	}{
		{"503 twice then success", router, func(s *faltest.Server) { s.FailNext(router, 2, 503, "") }, "", 0, 3},
		{"502 then success", router, func(s *faltest.Server) { s.FailNext(router, 1, 502, "") }, "", 0, 2},
		{"504 then success", router, func(s *faltest.Server) {
			s.FailNext(router, 1, 504, `{"detail":"Request timed out","error_type":"request_timeout"}`)
		}, "", 0, 2},
		{"429 then success", router, func(s *faltest.Server) { s.FailNext(router, 1, 429, "") }, "", 0, 2},
		{"dropped connections then success", router, func(s *faltest.Server) { s.DropNext(router, 2) }, "", 0, 3},
		{"persistent 500", router, func(s *faltest.Server) { s.FailNext(router, 10, 500, "") }, domain.CodeFalServiceError, 500, 4},
		{"persistent 429", router, func(s *faltest.Server) { s.FailNext(router, 10, 429, "") }, domain.CodeFalServiceError, 429, 4},
		{"persistent drops", router, func(s *faltest.Server) { s.DropNext(router, 10) }, domain.CodeFalServiceError, 0, 4},
		{"401 not retried", router, func(s *faltest.Server) { s.FailNext(router, 1, 401, `{"detail":"Unauthorized"}`) }, domain.CodeFalServiceError, 401, 1},
		{"422 not retried", router, func(s *faltest.Server) {
			s.FailNext(router, 1, 422, `{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]}`)
		}, domain.CodeFalServiceError, 422, 1},
		{"404 unknown endpoint", "fal-ai/nothing-here", func(*faltest.Server) {}, domain.CodeFalServiceError, 404, 1},
		{"504 start timeout not retried", router, func(s *faltest.Server) {
			s.FailNextWith(router, 1, faltest.Failure{Status: 504, Header: userTimeout})
		}, domain.CodeFalServiceError, 504, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			tt.inject(srv)
			c := newClient(srv)
			var out map[string]any
			err := c.Run(t.Context(), tt.endpoint, routerIn, &out)
			if got := len(srv.Requests()); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if tt.code == "" {
				if err != nil || out["output"] == nil {
					t.Fatalf("err %v, output %v", err, out)
				}
				return
			}
			de := domainErr(t, err)
			if de.Code != tt.code {
				t.Fatalf("code %s, want %s (%v)", de.Code, tt.code, err)
			}
			if de.Details["endpoint"] != tt.endpoint {
				t.Errorf("details %v", de.Details)
			}
			if tt.status != 0 && de.Details["upstream_status"] != tt.status {
				t.Errorf("upstream_status %v, want %d", de.Details["upstream_status"], tt.status)
			}
			if tt.status == 0 && de.Details["upstream_status"] != nil {
				t.Errorf("upstream_status %v without an answer", de.Details["upstream_status"])
			}
		})
	}
}

func TestRunErrorDetails(t *testing.T) {
	srv := faltest.New(t)
	long := `{"detail":"` + strings.Repeat("é", 400) + `"}`
	srv.FailNextWith(router, 1, faltest.Failure{Status: 422, Body: long, Header: http.Header{"X-Fal-Error-Type": {"content_policy_violation"}}})
	err := newClient(srv).Run(t.Context(), router, routerIn, nil)
	de := domainErr(t, err)
	body, _ := de.Details["upstream_body"].(string)
	if len(body) > 500 || !strings.HasPrefix(long, body) || !strings.HasPrefix(body, `{"detail":"éé`) {
		t.Errorf("upstream_body (%d bytes) %q", len(body), body)
	}
	if de.Details["error_type"] != "content_policy_violation" {
		t.Errorf("details %v", de.Details)
	}
}

// TestRetryAfter checks that Retry-After replaces the backoff, capped by RetryMax; the
// sleep hook records the waits instead of waiting.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "2", 2 * time.Second},
		{"capped by RetryMax", "120", 10 * time.Second},
		{"HTTP date in the past", "Mon, 02 Jan 2006 15:04:05 GMT", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			srv.FailNextWith(router, 1, faltest.Failure{Status: 429, Header: http.Header{"Retry-After": {tt.retryAfter}}})
			c := newClient(srv, func(c *falclient.Config) { c.RetryMax = 10 * time.Second; c.Timeout = time.Minute })
			s := recordSleeps(c)
			if err := c.Run(t.Context(), router, routerIn, nil); err != nil {
				t.Fatal(err)
			}
			if got := s.all(); len(got) != 1 || got[0] != tt.want {
				t.Errorf("waits %v, want [%v]", got, tt.want)
			}
		})
	}

	t.Run("wait beyond the deadline gives up at once", func(t *testing.T) {
		srv := faltest.New(t)
		srv.FailNextWith(router, 1, faltest.Failure{Status: 429, Header: http.Header{"Retry-After": {"60"}}})
		c := newClient(srv, func(c *falclient.Config) { c.RetryMax = time.Minute; c.Timeout = time.Second })
		s := recordSleeps(c)
		de := domainErr(t, c.Run(t.Context(), router, routerIn, nil))
		if de.Code != domain.CodeFalServiceError || de.Details["upstream_status"] != 429 || len(s.all()) != 0 {
			t.Errorf("%v, waits %v", de, s.all())
		}
	})
}

func TestBackoffWaits(t *testing.T) {
	srv := faltest.New(t)
	srv.FailNext(router, 3, 503, "")
	c := newClient(srv, func(c *falclient.Config) { c.RetryBase = 100 * time.Millisecond; c.RetryMax = 300 * time.Millisecond })
	s := recordSleeps(c)
	if err := c.Run(t.Context(), router, routerIn, nil); err != nil {
		t.Fatal(err)
	}
	waits := s.all()
	caps := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	if len(waits) != len(caps) {
		t.Fatalf("waits %v", waits)
	}
	for i, w := range waits {
		if w < 0 || w > caps[i] {
			t.Errorf("wait %d = %v, outside [0, %v]", i, w, caps[i])
		}
	}
}

func TestBackoff(t *testing.T) {
	base, ceiling := 10*time.Millisecond, 80*time.Millisecond
	for n := range 70 {
		limit := min(ceiling, base<<min(n, 20))
		for range 50 {
			if d := falclient.Backoff(n, base, ceiling); d < 0 || d > limit {
				t.Fatalf("Backoff(%d) = %v, outside [0, %v]", n, d, limit)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := falclient.RetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTimeouts(t *testing.T) {
	t.Run("stall beyond Timeout", func(t *testing.T) {
		srv := faltest.New(t)
		srv.StallNext(router, 1)
		c := newClient(srv, func(c *falclient.Config) { c.Timeout = 50 * time.Millisecond })
		err := c.Run(t.Context(), router, routerIn, nil)
		de := domainErr(t, err)
		if de.Code != domain.CodeProviderTimeout || de.Details["timeout_ms"] != int64(50) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v %v", err, de.Details)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests after a timeout, want 1", n)
		}
	})
	t.Run("latency beyond Timeout", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithLatency(time.Second))
		c := newClient(srv, func(c *falclient.Config) { c.Timeout = 30 * time.Millisecond })
		if de := domainErr(t, c.Run(t.Context(), router, routerIn, nil)); de.Code != domain.CodeProviderTimeout {
			t.Errorf("code %s", de.Code)
		}
	})
	t.Run("latency within Timeout", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithLatency(20*time.Millisecond))
		if err := newClient(srv).Run(t.Context(), router, routerIn, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("caller deadline nearer than Timeout", func(t *testing.T) {
		srv := faltest.New(t)
		srv.StallNext(router, 1)
		ctx, cancel := context.WithTimeout(t.Context(), 40*time.Millisecond)
		defer cancel()
		err := newClient(srv).Run(ctx, router, routerIn, nil)
		de := domainErr(t, err)
		if ms, _ := de.Details["timeout_ms"].(int64); de.Code != domain.CodeProviderTimeout || ms > 40 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v %v", err, de.Details)
		}
	})
}

func TestCallerCancel(t *testing.T) {
	t.Run("during a call", func(t *testing.T) {
		srv := faltest.New(t)
		srv.StallNext(router, 1)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := newClient(srv).Run(ctx, router, routerIn, nil)
		var de *domain.Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &de) {
			t.Fatalf("err %v (%T), want a wrapped context.Canceled", err, err)
		}
	})
	t.Run("before a call", func(t *testing.T) {
		srv := faltest.New(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := newClient(srv).Run(ctx, router, routerIn, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("no retry once canceled", func(t *testing.T) {
		srv := faltest.New(t)
		srv.FailNext(router, 10, 503, "")
		c := newClient(srv)
		ctx, cancel := context.WithCancel(t.Context())
		falclient.SetSleep(c, func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() })
		if err := c.Run(ctx, router, routerIn, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

func TestNoKey(t *testing.T) {
	srv := faltest.New(t)
	c := newClient(srv, func(c *falclient.Config) { c.Key = "  " })
	if c.Configured() {
		t.Fatal("Configured without a key")
	}
	q := falclient.QueueRequest{Endpoint: router, RequestID: "x", StatusURL: srv.URL() + "/s", ResponseURL: srv.URL() + "/r", CancelURL: srv.URL() + "/c"}
	calls := map[string]func(ctx context.Context) error{
		"Run": func(ctx context.Context) error { return c.Run(ctx, router, routerIn, nil) },
		"Submit": func(ctx context.Context) error {
			_, err := c.Submit(ctx, router, routerIn, falclient.SubmitOptions{})
			return err
		},
		"Status":    func(ctx context.Context) error { _, err := c.Status(ctx, q, true); return err },
		"Result":    func(ctx context.Context) error { return c.Result(ctx, q, nil) },
		"Cancel":    func(ctx context.Context) error { return c.Cancel(ctx, q) },
		"Subscribe": func(ctx context.Context) error { return c.Subscribe(ctx, router, routerIn, nil) },
		"Stream": func(ctx context.Context) error {
			return c.Stream(ctx, router, routerIn, func(json.RawMessage) error { return nil })
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if de := domainErr(t, call(t.Context())); de.Code != domain.CodeEngineUnavailable {
				t.Errorf("code %s", de.Code)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent without a key", n)
	}
}

// TestKeyNeverLeaks checks that the key reaches fal as "Key …" and appears in no error,
// even when fal echoes it back.
func TestKeyNeverLeaks(t *testing.T) {
	const secret = "sk-secret-0123456789"
	srv := faltest.New(t, faltest.WithKey(secret))
	srv.FailNext(router, 1, 400, fmt.Sprintf(`{"detail":"bad key %s"}`, secret))
	c := newClient(srv)
	check := func(err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		de := domainErr(t, err)
		if text := fmt.Sprintf("%v %+v %v", err, de, de.Details); strings.Contains(text, secret) {
			t.Errorf("the key leaked: %s", text)
		}
	}
	check(c.Run(t.Context(), router, routerIn, nil))

	wrong := newClient(srv, func(c *falclient.Config) { c.Key = "sk-wrong-key-987" })
	err := wrong.Run(t.Context(), router, routerIn, nil)
	if de := domainErr(t, err); de.Details["upstream_status"] != 401 || strings.Contains(err.Error(), "sk-wrong-key-987") {
		t.Errorf("wrong key: %v %v", err, de.Details)
	}
	for _, r := range srv.Requests() {
		if a := r.Header.Get("Authorization"); !strings.HasPrefix(a, "Key ") {
			t.Errorf("Authorization %q", a)
		}
	}

	unreachable := falclient.New(falclient.Config{Key: secret, RunURL: "http://127.0.0.1:1", MaxRetries: -1})
	check(unreachable.Run(t.Context(), router, routerIn, nil))
}

func TestInvalidEndpoint(t *testing.T) {
	srv := faltest.New(t)
	c := newClient(srv)
	for _, ep := range []string{"", "/abs", "a//b", "a/../b", "a?b", "a b"} {
		if err := c.Run(t.Context(), ep, routerIn, nil); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestUnreadableAnswer(t *testing.T) {
	srv := faltest.New(t)
	srv.Handle("fal-ai/odd", func(json.RawMessage) (any, *faltest.Failure) { return []int{1, 2}, nil })
	var out struct{ Images []string }
	de := domainErr(t, newClient(srv).Run(t.Context(), "fal-ai/odd", nil, &out))
	if de.Code != domain.CodeFalServiceError || de.Details["upstream_status"] != 200 || de.Details["upstream_body"] != "[1,2]" {
		t.Errorf("%v %v", de, de.Details)
	}
}
