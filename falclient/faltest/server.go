// Package faltest is a fake fal.ai server for tests. It speaks fal's real HTTP protocol
// (as fal documents it): "Authorization: Key …" on every request, synchronous runs, the queue
// (submit, then status, result and cancel through the URLs it returns, laid out like
// fal's: /{owner}/{app}/requests/{id}/status), and SSE streams. Endpoints answer through
// pluggable handlers; openrouter/router, the FLUX endpoints (flux.go), Kokoro TTS and
// Wizper/Whisper STT (speech.go) have deterministic defaults, and generated images and
// audio are served by the fake itself, without a key, like fal's CDN (files.go). Tests
// inject failures, latency, stalls and broken streams, and read back every request it
// received.
//
// One base URL serves both roles of fal's two hosts: a POST to /{endpoint} is a queue
// submit when it carries the X-Fal-Queue-Priority header (fal's JS client and falclient
// always send it on submit) or a fal_webhook parameter, and a synchronous run otherwise.
package faltest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Key is the key a Server expects unless WithKey says otherwise.
const Key = "fal-test-key"

// HandlerFunc computes an endpoint's output from its JSON input. The output is encoded
// with encoding/json (use json.RawMessage for raw JSON). A non-nil Failure is answered
// instead, as fal would answer a failed request.
type HandlerFunc func(input json.RawMessage) (output any, err *Failure)

// Failure is an error answer: an HTTP status, a JSON body and extra headers.
type Failure struct {
	Status int
	// Body is the raw JSON body; empty means {"detail": "<status text>"}.
	Body   string
	Header http.Header
}

// Kind is what a recorded request asked for.
type Kind string

// The kinds of request the server tells apart.
const (
	KindRun    Kind = "run"
	KindSubmit Kind = "submit"
	KindStatus Kind = "status"
	KindResult Kind = "result"
	KindCancel Kind = "cancel"
	KindStream Kind = "stream"
	KindOther  Kind = "other"
)

// Recorded is one request the server received, whatever it answered.
type Recorded struct {
	Method string
	Path   string
	// Query is the raw query string.
	Query string
	// Endpoint is the endpoint id the request was for; for status, result and cancel, the
	// id the request was submitted to (or owner/app when the request id is unknown).
	Endpoint string
	Kind     Kind
	Header   http.Header
	Body     []byte
}

// Option configures a Server.
type Option func(*Server)

// WithKey sets the key the server expects.
func WithKey(key string) Option { return func(s *Server) { s.key = key } }

// WithLatency delays every answer by d.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithChunkDelay waits d before each SSE event.
func WithChunkDelay(d time.Duration) Option { return func(s *Server) { s.chunkDelay = d } }

// WithQueueSteps sets how many status polls a queued request answers IN_QUEUE (with a
// decreasing queue_position) and then IN_PROGRESS before it is COMPLETED. The default is
// 2 and 1.
func WithQueueSteps(queued, running int) Option {
	return func(s *Server) { s.queued, s.running = max(queued, 0), max(running, 0) }
}

// WithDeltaStream makes streams carry only the new text in each event's "output",
// instead of the cumulative text so far (fal's documented form).
func WithDeltaStream() Option { return func(s *Server) { s.deltaStream = true } }

// WithObserver calls f with each request as soon as it is recorded, before it is
// answered, so a test can act at a precise point of a flow (cancel once the first status
// poll arrives, say) instead of guessing with a timer. f runs on the handler's goroutine
// and must not block.
func WithObserver(f func(Recorded)) Option { return func(s *Server) { s.observe = f } }

// Server is a fake fal.ai. It is safe for concurrent use.
type Server struct {
	srv  *httptest.Server
	done chan struct{}

	key         string
	latency     time.Duration
	chunkDelay  time.Duration
	queued      int
	running     int
	deltaStream bool
	observe     func(Recorded)

	mu           sync.Mutex
	handlers     map[string]HandlerFunc
	faults       map[string][]fault
	streamFaults map[string][]streamFault
	requests     []Recorded
	jobs         map[string]*job
	seq          int

	// media holds the served files and the FLUX knobs (files.go, flux.go).
	media media
}

// fault is one injected misbehaviour for the next request to an endpoint.
type fault struct {
	failure *Failure // answer this
	stall   bool     // never answer
	drop    bool     // close the connection without answering
}

// streamFault breaks the next stream of an endpoint after some events.
type streamFault struct {
	events  int
	message string
}

// New starts a Server, closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		done:         make(chan struct{}),
		key:          Key,
		queued:       2,
		running:      1,
		handlers:     map[string]HandlerFunc{},
		faults:       map[string][]fault{},
		streamFaults: map[string][]streamFault{},
		jobs:         map[string]*job{},
	}
	s.registerFlux()
	s.registerSpeech()
	for _, opt := range opts {
		opt(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		// Release stalled handlers first: Close waits for every handler to return.
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL is the server's base URL, usable as both falclient's RunURL and QueueURL.
func (s *Server) URL() string { return s.srv.URL }

// Key is the key the server expects.
func (s *Server) Key() string { return s.key }

// Handle sets the handler of endpoint, replacing any earlier one or the default.
func (s *Server) Handle(endpoint string, h HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[endpoint] = h
}

// FailNext answers the next n requests to endpoint (of any kind) with status and body
// (raw JSON; empty means {"detail": "<status text>"}).
func (s *Server) FailNext(endpoint string, n, status int, body string) {
	s.FailNextWith(endpoint, n, Failure{Status: status, Body: body})
}

// FailNextWith answers the next n requests to endpoint with f, e.g. a 429 with a
// Retry-After header.
func (s *Server) FailNextWith(endpoint string, n int, f Failure) {
	s.addFaults(endpoint, n, fault{failure: &f})
}

// StallNext makes the next n requests to endpoint never answer: the handler waits until
// the client gives up or the server closes.
func (s *Server) StallNext(endpoint string, n int) { s.addFaults(endpoint, n, fault{stall: true}) }

// DropNext makes the next n requests to endpoint fail at the connection level: the server
// closes the connection without answering.
func (s *Server) DropNext(endpoint string, n int) { s.addFaults(endpoint, n, fault{drop: true}) }

// StreamErrorAfter breaks the next stream of endpoint after it sent events events: with a
// message, by sending an event {"error": message}; with an empty message, by cutting the
// connection.
func (s *Server) StreamErrorAfter(endpoint string, events int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.streamFaults[endpoint] = append(s.streamFaults[endpoint], streamFault{events: events, message: message})
}

func (s *Server) addFaults(endpoint string, n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[endpoint] = append(s.faults[endpoint], f)
	}
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count is how many requests of kind were made to endpoint.
func (s *Server) Count(endpoint string, kind Kind) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == endpoint && r.Kind == kind {
			n++
		}
	}
	return n
}

// route is what a request asks for.
type route struct {
	kind     Kind
	endpoint string
	app      string // owner/app, for queue paths
	id       string // request id, for queue paths
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	rt := s.route(r)
	s.mu.Lock()
	rec := Recorded{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Endpoint: rt.endpoint, Kind: rt.kind, Header: r.Header.Clone(), Body: body,
	}
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	if s.observe != nil {
		s.observe(rec)
	}

	if !s.wait(r, s.latency) {
		return
	}
	// Files are public, like fal's CDN: no key needed.
	if rt.kind != KindFile && r.Header.Get("Authorization") != "Key "+s.key {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Unauthorized"}, nil)
		return
	}
	if rt.kind != KindOther {
		if f, ok := s.takeFault(rt.endpoint); ok {
			switch {
			case f.stall:
				s.wait(r, -1)
				return
			case f.drop:
				panic(http.ErrAbortHandler)
			default:
				writeFailure(w, f.failure)
				return
			}
		}
	}
	switch rt.kind {
	case KindRun:
		s.run(w, rt, body)
	case KindStream:
		s.stream(w, r, rt, body)
	case KindSubmit:
		s.submit(w, r, rt, body)
	case KindStatus:
		s.status(w, r, rt)
	case KindResult:
		s.result(w, rt)
	case KindCancel:
		s.cancel(w, rt)
	case KindFile:
		s.file(w, r, rt)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"}, nil)
	}
}

// route classifies a request by fal's path layout: /{owner}/{app}[/{path…}] for runs and
// submits (…/stream for streams), /{owner}/{app}/requests/{id}[/status|/cancel] for the
// rest. The workflows and comfy namespaces take one more leading segment.
func (s *Server) route(r *http.Request) route {
	if rt, ok := fileRoute(r); ok {
		return rt
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	n := 2
	if segs[0] == "workflows" || segs[0] == "comfy" {
		n = 3
	}
	if len(segs) < n || slices.Contains(segs, "") {
		return route{kind: KindOther}
	}
	if len(segs) >= n+2 && segs[n] == "requests" {
		rt := route{kind: KindOther, app: strings.Join(segs[:n], "/"), id: segs[n+1]}
		switch rest := strings.Join(segs[n+2:], "/"); {
		case rest == "" && r.Method == http.MethodGet:
			rt.kind = KindResult
		case rest == "status" && r.Method == http.MethodGet:
			rt.kind = KindStatus
		case rest == "cancel" && r.Method == http.MethodPut:
			rt.kind = KindCancel
		}
		rt.endpoint = rt.app
		s.mu.Lock()
		if j, ok := s.jobs[rt.id]; ok && j.app == rt.app {
			rt.endpoint = j.endpoint
		}
		s.mu.Unlock()
		return rt
	}
	if r.Method != http.MethodPost {
		return route{kind: KindOther, endpoint: strings.Join(segs, "/")}
	}
	if segs[len(segs)-1] == "stream" && len(segs) > n {
		return route{kind: KindStream, endpoint: strings.Join(segs[:len(segs)-1], "/")}
	}
	endpoint := strings.Join(segs, "/")
	if r.Header.Get("X-Fal-Queue-Priority") != "" || r.URL.Query().Has("fal_webhook") {
		return route{kind: KindSubmit, endpoint: endpoint, app: strings.Join(segs[:n], "/")}
	}
	return route{kind: KindRun, endpoint: endpoint}
}

func (s *Server) takeFault(endpoint string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[endpoint]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[endpoint] = q[1:]
	return q[0], true
}

// handler returns endpoint's handler: the one set with Handle, or the default.
func (s *Server) handler(endpoint string) HandlerFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.handlers[endpoint]; ok {
		return h
	}
	if endpoint == RouterEndpoint {
		return EchoRouter
	}
	return nil
}

// call runs endpoint's handler on a request body and returns the JSON output or the
// failure to answer.
func (s *Server) call(endpoint string, body []byte) ([]byte, *Failure) {
	h := s.handler(endpoint)
	if h == nil {
		return nil, &Failure{Status: http.StatusNotFound, Body: fmt.Sprintf(`{"detail":%q}`, "Application '"+endpoint+"' not found")}
	}
	if !json.Valid(body) {
		return nil, &Failure{Status: http.StatusUnprocessableEntity,
			Body: `{"detail":[{"loc":["body"],"msg":"Invalid JSON","type":"value_error.jsondecode"}]}`}
	}
	out, fail := h(json.RawMessage(body))
	if fail != nil {
		return nil, fail
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, &Failure{Status: http.StatusInternalServerError, Body: fmt.Sprintf(`{"detail":%q}`, "faltest: handler output: "+err.Error())}
	}
	return data, nil
}

func (s *Server) run(w http.ResponseWriter, rt route, body []byte) {
	out, fail := s.call(rt.endpoint, body)
	if fail != nil {
		writeFailure(w, fail)
		return
	}
	s.mu.Lock()
	s.seq++
	id := requestID(s.seq)
	s.mu.Unlock()
	writeRaw(w, http.StatusOK, out, http.Header{"X-Fal-Request-Id": {id}})
}

// wait sleeps d (forever when d < 0) unless the client goes away or the server closes;
// it reports whether the request should still be answered.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d == 0 {
		return true
	}
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func writeFailure(w http.ResponseWriter, f *Failure) {
	body := f.Body
	if body == "" {
		body = fmt.Sprintf(`{"detail":%q}`, http.StatusText(f.Status))
	}
	writeRaw(w, f.Status, []byte(body), f.Header)
}

func writeJSON(w http.ResponseWriter, status int, v any, header http.Header) {
	data, _ := json.Marshal(v)
	writeRaw(w, status, data, header)
}

func writeRaw(w http.ResponseWriter, status int, body []byte, header http.Header) {
	for k, v := range header {
		w.Header()[http.CanonicalHeaderKey(k)] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// requestID formats the n-th request id like fal's UUIDs, deterministically.
func requestID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
