package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// receiver is a test webhook endpoint that records what it received and
// answers as told by its fields.
type receiver struct {
	mu      sync.Mutex
	reqs    []*http.Request
	bodies  [][]byte
	status  int
	headers map[string]string
	body    []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, r)
	rc.bodies = append(rc.bodies, b)
	status, headers, body := rc.status, rc.headers, rc.body
	rc.mu.Unlock()
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	w.Write(body)
}

func (rc *receiver) last(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.reqs) == 0 {
		t.Fatal("receiver got no request")
	}
	return rc.reqs[len(rc.reqs)-1], rc.bodies[len(rc.bodies)-1]
}

func TestDeliverOutcomes(t *testing.T) {
	hour := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		headers    map[string]string
		wantErr    bool
		wantRetry  bool
		wantGone   bool
		retryAfter [2]time.Duration // inclusive bounds
	}{
		{name: "200", status: 200},
		{name: "202", status: 202},
		{name: "204", status: 204},
		{name: "299", status: 299},
		{name: "304", status: 304, wantErr: true, wantRetry: true},
		{name: "400", status: 400, wantErr: true, wantRetry: true},
		{name: "401", status: 401, wantErr: true, wantRetry: true},
		{name: "404", status: 404, wantErr: true, wantRetry: true},
		{name: "408", status: 408, wantErr: true, wantRetry: true},
		{name: "410 stops", status: 410, wantErr: true, wantGone: true},
		{name: "410 ignores Retry-After", status: 410, headers: map[string]string{"Retry-After": "60"}, wantErr: true, wantGone: true},
		{name: "429 seconds", status: 429, headers: map[string]string{"Retry-After": "120"}, wantErr: true, wantRetry: true,
			retryAfter: [2]time.Duration{2 * time.Minute, 2 * time.Minute}},
		{name: "429 huge", status: 429, headers: map[string]string{"Retry-After": "99999999999999999999"}, wantErr: true, wantRetry: true,
			retryAfter: [2]time.Duration{MaxRetryAfter, MaxRetryAfter}},
		{name: "500", status: 500, wantErr: true, wantRetry: true},
		{name: "503 date", status: 503, headers: map[string]string{"Retry-After": hour}, wantErr: true, wantRetry: true,
			retryAfter: [2]time.Duration{58 * time.Minute, time.Hour}},
		{name: "503 garbage", status: 503, headers: map[string]string{"Retry-After": "soon"}, wantErr: true, wantRetry: true},
	}
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	c := Client(&Guard{AllowPrivate: true}, 5*time.Second)
	secret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"type":"job.succeeded","data":{"id":"job_1"}}`)

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc.mu.Lock()
			rc.status, rc.headers, rc.body = tt.status, tt.headers, []byte("ok")
			rc.mu.Unlock()

			res := Deliver(t.Context(), c, srv.URL+"/hook", secret, "msg_42", body, time.Now())
			if res.Status != tt.status {
				t.Errorf("Status = %d, want %d (err %v)", res.Status, tt.status, res.Err)
			}
			if (res.Err != nil) != tt.wantErr {
				t.Errorf("Err = %v, want error %v", res.Err, tt.wantErr)
			}
			var se *StatusError
			if tt.wantErr && (!errors.As(res.Err, &se) || se.Status != tt.status) {
				t.Errorf("Err = %#v, want *StatusError{%d}", res.Err, tt.status)
			}
			if res.Retry != tt.wantRetry || res.Gone != tt.wantGone {
				t.Errorf("Retry, Gone = %v, %v; want %v, %v", res.Retry, res.Gone, tt.wantRetry, tt.wantGone)
			}
			if res.RetryAfter < tt.retryAfter[0] || res.RetryAfter > tt.retryAfter[1] {
				t.Errorf("RetryAfter = %v, want within %v", res.RetryAfter, tt.retryAfter)
			}
			if res.Duration <= 0 {
				t.Errorf("Duration = %v", res.Duration)
			}
			if tt.status != 204 && tt.status != 304 && string(res.Body) != "ok" {
				t.Errorf("Body = %q", res.Body)
			}

			// What the receiver got verifies with the reference library.
			req, got := rc.last(t)
			if req.Method != http.MethodPost || !bytes.Equal(got, body) {
				t.Errorf("receiver got %s %q", req.Method, got)
			}
			if err := wh.Verify(got, req.Header); err != nil {
				t.Errorf("reference Verify: %v", err)
			}
			if ct, ua := req.Header.Get("Content-Type"), req.Header.Get("User-Agent"); ct != "application/json" || ua != UserAgent {
				t.Errorf("Content-Type %q, User-Agent %q", ct, ua)
			}
		})
	}
}

// TestDeliverRetryKeepsID: a retry sends the same webhook-id with the new
// attempt's timestamp, and both verify.
func TestDeliverRetryKeepsID(t *testing.T) {
	rc := &receiver{status: 500}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	c := Client(&Guard{AllowPrivate: true}, 5*time.Second)
	wh, err := standardwebhooks.NewWebhook(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Unix(1_700_000_000, 0)
	var ids, stamps []string
	for i, at := range []time.Time{first, first.Add(5 * time.Second)} {
		Deliver(t.Context(), c, srv.URL, vectorSecret, "msg_retry", []byte(`{}`), at)
		req, body := rc.last(t)
		ids = append(ids, req.Header.Get(HeaderID))
		stamps = append(stamps, req.Header.Get(HeaderTimestamp))
		if err := wh.VerifyIgnoringTimestamp(body, req.Header); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
	}
	if ids[0] != "msg_retry" || ids[1] != ids[0] {
		t.Errorf("ids = %v, want msg_retry twice", ids)
	}
	if stamps[0] != "1700000000" || stamps[1] != "1700000005" {
		t.Errorf("timestamps = %v", stamps)
	}
}

func TestDeliverReadsAtMost64KiB(t *testing.T) {
	rc := &receiver{status: 200, body: bytes.Repeat([]byte("x"), 200<<10)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	res := Deliver(t.Context(), Client(&Guard{AllowPrivate: true}, 5*time.Second), srv.URL, vectorSecret, "msg_1", nil, time.Now())
	if res.Err != nil || len(res.Body) != 64<<10 {
		t.Errorf("Err %v, len(Body) = %d; want nil, %d", res.Err, len(res.Body), 64<<10)
	}
}

func TestDeliverTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	res := Deliver(t.Context(), Client(&Guard{AllowPrivate: true}, 200*time.Millisecond), srv.URL, vectorSecret, "msg_1", nil, time.Now())
	if res.Err == nil || !res.Retry || res.Status != 0 {
		t.Errorf("Result = %+v, want a retryable error without status", res)
	}
	if res.Duration < 200*time.Millisecond {
		t.Errorf("Duration = %v, shorter than the timeout", res.Duration)
	}
}

func TestDeliverBadInput(t *testing.T) {
	rc := &receiver{status: 200}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	c := Client(&Guard{AllowPrivate: true}, time.Second)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		client    *http.Client
		url       string
		secret    string
		id        string
		want      error
		wantRetry bool
	}{
		{"bad secret", t.Context(), c, srv.URL, "whsec_nope", "msg_1", ErrInvalidSecret, false},
		{"bad id", t.Context(), c, srv.URL, vectorSecret, "msg.1", ErrInvalidMsgID, false},
		{"bad url", t.Context(), c, "http://[::1", vectorSecret, "msg_1", nil, false},
		{"nil client", t.Context(), nil, srv.URL, vectorSecret, "msg_1", nil, false},
		{"canceled", canceled, c, srv.URL, vectorSecret, "msg_1", context.Canceled, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Deliver(tt.ctx, tt.client, tt.url, tt.secret, tt.id, nil, time.Now())
			if res.Err == nil || (tt.want != nil && !errors.Is(res.Err, tt.want)) {
				t.Errorf("Err = %v, want %v", res.Err, tt.want)
			}
			if res.Retry != tt.wantRetry {
				t.Errorf("Retry = %v, want %v", res.Retry, tt.wantRetry)
			}
		})
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.reqs) != 0 {
		t.Errorf("receiver got %d requests", len(rc.reqs))
	}
}

func TestParseRetryAfter(t *testing.T) {
	ref := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"86400", 24 * time.Hour},
		{"86401", MaxRetryAfter},
		{"123456789012345678901234567890", MaxRetryAfter},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{ref.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Sun, 01 Mar 2026 12:10:00 GMT", 10 * time.Minute},
		{"Sunday, 01-Mar-26 12:10:00 GMT", 10 * time.Minute}, // RFC 850
		{"Sun Mar  1 12:10:00 2026", 10 * time.Minute},       // asctime
		{ref.Add(-time.Hour).Format(http.TimeFormat), 0},
		{ref.Add(72 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, ref); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStatusErrorMessage(t *testing.T) {
	if got := (&StatusError{Status: 503}).Error(); !strings.Contains(got, "503 Service Unavailable") {
		t.Errorf("Error() = %q", got)
	}
}
