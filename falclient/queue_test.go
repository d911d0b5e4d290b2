package falclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

const flux = "fal-ai/flux/dev"

type image struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type fluxOutput struct {
	Images []image `json:"images"`
	Prompt string  `json:"prompt"`
}

// fakeFlux answers with one image echoing the prompt.
func fakeFlux(input json.RawMessage) (any, *faltest.Failure) {
	var in struct {
		Prompt string `json:"prompt"`
	}
	if err := json.Unmarshal(input, &in); err != nil || in.Prompt == "" {
		return nil, &faltest.Failure{Status: 422, Body: `{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]}`}
	}
	return fluxOutput{Images: []image{{URL: "https://v3.fal.media/files/x.png", Width: 1024, Height: 768}}, Prompt: in.Prompt}, nil
}

func TestQueue(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(2, 2))
	srv.Handle(flux, fakeFlux)
	c := newClient(srv)

	q, err := c.Submit(t.Context(), flux, map[string]any{"prompt": "a red dragon"}, falclient.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.URL() + "/fal-ai/flux/requests/" + q.RequestID
	if q.Endpoint != flux || q.StatusURL != base+"/status" || q.ResponseURL != base || q.CancelURL != base+"/cancel" {
		t.Fatalf("queue request %+v", q)
	}

	type step struct {
		state    falclient.QueueState
		position int
		logs     int
	}
	var got []step
	for range 10 {
		st, err := c.Status(t.Context(), q, true)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, step{st.Status, st.QueuePosition, len(st.Logs)})
		if st.Status == falclient.Completed {
			if st.Logs[len(st.Logs)-1].Message != "done" || st.Logs[0].Level != "INFO" || st.Logs[0].Timestamp == "" {
				t.Errorf("logs %+v", st.Logs)
			}
			break
		}
	}
	want := []step{
		{falclient.InQueue, 1, 0}, {falclient.InQueue, 0, 0},
		{falclient.InProgress, 0, 1}, {falclient.InProgress, 0, 2},
		{falclient.Completed, 0, 3},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("states %v, want %v", got, want)
	}

	st, err := c.Status(t.Context(), q, false)
	if err != nil || st.Status != falclient.Completed || st.Logs != nil {
		t.Fatalf("status without logs: %+v, %v", st, err)
	}

	var out fluxOutput
	if err := c.Result(t.Context(), q, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Images) != 1 || out.Prompt != "a red dragon" {
		t.Fatalf("result %+v", out)
	}

	for _, r := range srv.Requests() {
		switch r.Kind {
		case faltest.KindSubmit:
			if r.Path != "/fal-ai/flux/dev" || r.Method != http.MethodPost {
				t.Errorf("submit %s %s", r.Method, r.Path)
			}
		case faltest.KindStatus:
			if r.Path != "/fal-ai/flux/requests/"+q.RequestID+"/status" || (r.Query != "logs=1" && r.Query != "logs=0") {
				t.Errorf("status %s?%s", r.Path, r.Query)
			}
		case faltest.KindResult:
			if r.Path != "/fal-ai/flux/requests/"+q.RequestID {
				t.Errorf("result %s", r.Path)
			}
		default:
			t.Errorf("unexpected %s request %s %s", r.Kind, r.Method, r.Path)
		}
		if r.Endpoint != flux {
			t.Errorf("%s request recorded for %q", r.Kind, r.Endpoint)
		}
	}
}

func TestSubmitWebhook(t *testing.T) {
	srv := faltest.New(t)
	srv.Handle(flux, fakeFlux)
	_, err := newClient(srv).Submit(t.Context(), flux, map[string]any{"prompt": "x"}, falclient.SubmitOptions{Webhook: "https://example.com/hook?a=1"})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Query != "fal_webhook=https%3A%2F%2Fexample.com%2Fhook%3Fa%3D1" || r.Header.Get("X-Fal-Queue-Priority") != "normal" {
		t.Errorf("submit query %q headers %v", r.Query, r.Header)
	}
}

func TestSubscribe(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(3, 2))
	srv.Handle(flux, fakeFlux)
	var out fluxOutput
	if err := newClient(srv).Subscribe(t.Context(), flux, map[string]any{"prompt": "a castle"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Prompt != "a castle" {
		t.Fatalf("result %+v", out)
	}
	var kinds []faltest.Kind
	for _, r := range srv.Requests() {
		kinds = append(kinds, r.Kind)
	}
	want := []faltest.Kind{faltest.KindSubmit, faltest.KindStatus, faltest.KindStatus, faltest.KindStatus,
		faltest.KindStatus, faltest.KindStatus, faltest.KindStatus, faltest.KindResult}
	if !slices.Equal(kinds, want) {
		t.Fatalf("requests %v, want %v", kinds, want)
	}
}

func TestSubscribeFailures(t *testing.T) {
	tests := []struct {
		name      string
		inject    func(s *faltest.Server)
		input     any
		status    int
		abandoned bool
	}{
		{"model rejects the input", func(*faltest.Server) {}, map[string]any{}, 422, false},
		{"submit refused", func(s *faltest.Server) { s.FailNext(flux, 1, 401, "") }, map[string]any{"prompt": "x"}, 401, false},
		{"status keeps failing", func(s *faltest.Server) {
			s.Handle(flux, func(in json.RawMessage) (any, *faltest.Failure) {
				s.FailNext(flux, 10, 500, "") // from the first status poll on
				return fakeFlux(in)
			})
		}, map[string]any{"prompt": "x"}, 500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			srv.Handle(flux, fakeFlux)
			tt.inject(srv)
			de := domainErr(t, newClient(srv).Subscribe(t.Context(), flux, tt.input, nil))
			if de.Code != domain.CodeFalServiceError || de.Details["upstream_status"] != tt.status {
				t.Errorf("%v %v", de, de.Details)
			}
			// A request abandoned while still queued is canceled; a finished or refused one is not.
			if n, want := srv.Count(flux, faltest.KindCancel), tt.abandoned; (n > 0) != want {
				t.Errorf("%d cancels", n)
			}
		})
	}
}

func TestStatusRetried(t *testing.T) {
	srv := faltest.New(t)
	srv.Handle(flux, fakeFlux)
	c := newClient(srv)
	q, err := c.Submit(t.Context(), flux, map[string]any{"prompt": "x"}, falclient.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(flux, 2, 503, "")
	if st, err := c.Status(t.Context(), q, false); err != nil || st.Status != falclient.InQueue {
		t.Fatalf("%+v %v", st, err)
	}
	if n := srv.Count(flux, faltest.KindStatus); n != 3 {
		t.Errorf("%d status requests, want 3", n)
	}
}

// fakeQueue is a minimal queue whose URLs follow no pattern a client could rebuild.
type fakeQueue struct {
	*httptest.Server
	mu     sync.Mutex
	paths  []string
	submit func(base string) string // the submit answer
	status string                   // the status answer
}

func newFakeQueue(t *testing.T, submit func(base string) string, status string) *fakeQueue {
	f := &fakeQueue{submit: submit, status: status}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.paths = append(f.paths, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/fal-ai/flux/dev":
			fmt.Fprint(w, f.submit(f.URL))
		case "/elsewhere/7/poll":
			fmt.Fprint(w, f.status)
		case "/elsewhere/7/output":
			fmt.Fprint(w, `{"prompt":"from elsewhere"}`)
		case "/elsewhere/7/stop":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"status":"CANCELLATION_REQUESTED"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func goodSubmit(base string) string {
	return fmt.Sprintf(`{"status":"IN_QUEUE","request_id":"7","status_url":"%[1]s/elsewhere/7/poll","response_url":"%[1]s/elsewhere/7/output","cancel_url":"%[1]s/elsewhere/7/stop","queue_position":0}`, base)
}

func TestSubscribeFollowsReturnedURLs(t *testing.T) {
	f := newFakeQueue(t, goodSubmit, `{"status":"COMPLETED","logs":null}`)
	c := falclient.New(falclient.Config{Key: "k", QueueURL: f.URL, PollInterval: time.Millisecond})
	var out fluxOutput
	if err := c.Subscribe(t.Context(), flux, map[string]any{"prompt": "x"}, &out); err != nil {
		t.Fatal(err)
	}
	want := []string{"POST /fal-ai/flux/dev", "GET /elsewhere/7/poll", "GET /elsewhere/7/output"}
	if !slices.Equal(f.paths, want) || out.Prompt != "from elsewhere" {
		t.Fatalf("paths %v, result %+v", f.paths, out)
	}
}

func TestSubmitBadAnswers(t *testing.T) {
	tests := map[string]func(base string) string{
		"no request id": func(string) string {
			return `{"status":"IN_QUEUE","status_url":"https://a/s","response_url":"https://a/r","cancel_url":"https://a/c"}`
		},
		"no status url": func(string) string {
			return `{"request_id":"7","response_url":"https://a/r","cancel_url":"https://a/c"}`
		},
		"relative urls": func(string) string {
			return `{"request_id":"7","status_url":"/s","response_url":"/r","cancel_url":"/c"}`
		},
		"not json": func(string) string { return `<html>` },
		"unsupported scheme": func(string) string {
			return `{"request_id":"7","status_url":"ftp://a/s","response_url":"ftp://a/r","cancel_url":"ftp://a/c"}`
		},
	}
	for name, submit := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFakeQueue(t, submit, "")
			c := falclient.New(falclient.Config{Key: "k", QueueURL: f.URL})
			if de := domainErr(t, c.Subscribe(t.Context(), flux, nil, nil)); de.Code != domain.CodeFalServiceError {
				t.Errorf("code %s", de.Code)
			}
			if len(f.paths) != 1 {
				t.Errorf("requests %v", f.paths)
			}
		})
	}
	t.Run("http urls refused for an https queue", func(t *testing.T) {
		srv := faltest.New(t)
		c := falclient.New(falclient.Config{Key: srv.Key(), QueueURL: "https://queue.example"})
		q := falclient.QueueRequest{Endpoint: flux, RequestID: "1", StatusURL: srv.URL() + "/s", ResponseURL: srv.URL() + "/r", CancelURL: srv.URL() + "/c"}
		if _, err := c.Status(t.Context(), q, false); err == nil {
			t.Error("status: the key would go to a plain-http URL")
		}
		if err := c.Result(t.Context(), q, nil); err == nil {
			t.Error("result: the key would go to a plain-http URL")
		}
		if err := c.Cancel(t.Context(), q); err == nil {
			t.Error("cancel: the key would go to a plain-http URL")
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("unknown status", func(t *testing.T) {
		f := newFakeQueue(t, goodSubmit, `{"status":"FAILED"}`)
		c := falclient.New(falclient.Config{Key: "k", QueueURL: f.URL})
		if de := domainErr(t, c.Subscribe(t.Context(), flux, nil, nil)); de.Code != domain.CodeFalServiceError {
			t.Errorf("code %s", de.Code)
		}
	})
	t.Run("completed with an error", func(t *testing.T) {
		f := newFakeQueue(t, goodSubmit, `{"status":"COMPLETED","error":"Runner disconnected","error_type":"runner_disconnected"}`)
		c := falclient.New(falclient.Config{Key: "k", QueueURL: f.URL})
		de := domainErr(t, c.Subscribe(t.Context(), flux, nil, nil))
		if de.Code != domain.CodeFalServiceError || de.Details["error_type"] != "runner_disconnected" || de.Details["upstream_error"] != "Runner disconnected" {
			t.Errorf("%v %v", de, de.Details)
		}
		if slices.Contains(f.paths, "GET /elsewhere/7/output") {
			t.Error("fetched the result of a failed request")
		}
	})
}

func TestCancel(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(5, 5))
	srv.Handle(flux, fakeFlux)
	c := newClient(srv)
	q, err := c.Submit(t.Context(), flux, map[string]any{"prompt": "x"}, falclient.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Cancel(t.Context(), q); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	st, err := c.Status(t.Context(), q, false)
	if err != nil || st.Status != falclient.Completed || st.Error == "" {
		t.Fatalf("status after cancel: %+v %v", st, err)
	}
	if err := c.Cancel(t.Context(), q); !errors.Is(err, falclient.ErrAlreadyCompleted) {
		t.Fatalf("second cancel: %v", err)
	}
	if de := domainErr(t, c.Result(t.Context(), q, nil)); de.Details["upstream_status"] != 400 {
		t.Errorf("result of a canceled request: %v", de.Details)
	}
	unknown := q
	unknown.CancelURL = strings.Replace(q.CancelURL, q.RequestID, "nope", 1)
	if de := domainErr(t, c.Cancel(t.Context(), unknown)); de.Details["upstream_status"] != 404 {
		t.Errorf("cancel of an unknown request: %v", de.Details)
	}
	for _, r := range srv.Requests() {
		if r.Kind == faltest.KindCancel && r.Method != http.MethodPut {
			t.Errorf("cancel sent as %s", r.Method)
		}
	}
}

// TestSubscribeStops checks that Subscribe stops polling when ctx is canceled or the
// queue timeout passes, and asks fal to cancel the abandoned request.
func TestSubscribeStops(t *testing.T) {
	t.Run("caller cancels", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithQueueSteps(1<<30, 0))
		srv.Handle(flux, fakeFlux)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(30*time.Millisecond, cancel)
		err := newClient(srv).Subscribe(ctx, flux, map[string]any{"prompt": "x"}, nil)
		var de *domain.Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &de) {
			t.Fatalf("err %v", err)
		}
		assertStopped(t, srv)
	})
	t.Run("queue timeout", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithQueueSteps(1<<30, 0))
		srv.Handle(flux, fakeFlux)
		c := newClient(srv, func(c *falclient.Config) { c.QueueTimeout = 40 * time.Millisecond })
		err := c.Subscribe(t.Context(), flux, map[string]any{"prompt": "x"}, nil)
		de := domainErr(t, err)
		if de.Code != domain.CodeProviderTimeout || de.Details["timeout_ms"] != int64(40) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%v %v", err, de.Details)
		}
		assertStopped(t, srv)
	})
}

// assertStopped checks that a cancel was sent and that nothing follows it.
func assertStopped(t *testing.T, srv *faltest.Server) {
	t.Helper()
	if n := srv.Count(flux, faltest.KindStatus); n < 1 {
		t.Errorf("%d status polls", n)
	}
	// A status poll aborted by the deadline can still reach the fake after Subscribe has
	// returned (the fake records on arrival); let such stragglers land before looking.
	time.Sleep(50 * time.Millisecond)
	reqs := srv.Requests()
	if srv.Count(flux, faltest.KindCancel) != 1 {
		t.Errorf("%d cancels, want 1", srv.Count(flux, faltest.KindCancel))
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(srv.Requests()); n != len(reqs) {
		t.Errorf("%d requests after Subscribe returned", n-len(reqs))
	}
}
