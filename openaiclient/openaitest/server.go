package openaitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is a fake chat-completions server on a local port, closed when the test ends. Its
// methods are safe to call while requests are in flight.
type Server struct {
	hs *httptest.Server
	// closed ends every stall when the test is over, so closing never waits on one.
	closed chan struct{}

	// Set by options before the server starts, read-only after.
	apiKey      string
	model       string
	latency     time.Duration
	chunkDelay  time.Duration
	stall       bool
	streamStall int // content chunks sent before a stream stalls; -1 for never
	noUsage     bool

	mu          sync.Mutex
	reply       func(ChatRequest) string
	faults      []fault
	retryAfter  string
	requests    []Request
	disconnects int
}

// Request is one request as the fake received it.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Chat is the decoded body; it is zero when the body was not a chat request.
	Chat ChatRequest
	// Raw is the body as sent, for asserting what was omitted.
	Raw []byte
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey makes the server answer 401 to requests without "Authorization: Bearer key".
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithModel makes answers name this model instead of echoing the requested one, as servers
// that resolve aliases do.
func WithModel(model string) Option { return func(s *Server) { s.model = model } }

// WithLatency delays every answer by d before anything is written.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithChunkDelay waits d before each chunk of a stream.
func WithChunkDelay(d time.Duration) Option { return func(s *Server) { s.chunkDelay = d } }

// WithStall makes the server never answer: every request hangs until the client gives up.
func WithStall() Option { return func(s *Server) { s.stall = true } }

// WithStreamStall makes streams send the headers and n content chunks, then hang until the
// client gives up. Non-streaming requests are not affected.
func WithStreamStall(n int) Option { return func(s *Server) { s.streamStall = n } }

// WithoutUsage makes the server report no usage, as some local servers do.
func WithoutUsage() Option { return func(s *Server) { s.noUsage = true } }

// New starts a fake server and registers its shutdown with t.Cleanup.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{closed: make(chan struct{}), streamStall: -1, reply: DefaultReply}
	for _, o := range opts {
		o(s)
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.closed)
		s.hs.Close()
	})
	return s
}

// URL is the API base to configure a client with, ending in /v1.
func (s *Server) URL() string { return s.hs.URL + "/v1" }

// DefaultReply is the reply when a test sets none: "echo: " and the last user message, or
// {"echo": ...} in JSON mode.
func DefaultReply(req ChatRequest) string {
	if req.JSONMode() {
		b, _ := json.Marshal(map[string]string{"echo": req.LastUser()})
		return string(b)
	}
	return "echo: " + req.LastUser()
}

// Reply sets how the server answers; nil restores DefaultReply.
func (s *Server) Reply(f func(req ChatRequest) string) {
	if f == nil {
		f = DefaultReply
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = f
}

// FailNext makes the next n requests fail with status and body. An empty body becomes an
// OpenAI-shaped error body. Faults queue: they are used in the order they were added.
func (s *Server) FailNext(n, status int, body string) {
	if body == "" {
		body = ErrorBody(http.StatusText(status), "server_error", nil)
	}
	s.addFaults(n, fault{kind: faultStatus, status: status, body: body})
}

// SetRetryAfter sets the Retry-After header sent with FailNext failures; "" sends none.
func (s *Server) SetRetryAfter(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = v
}

// DropNext makes the next n requests lose their connection before any answer, which a
// client sees as a connection error.
func (s *Server) DropNext(n int) { s.addFaults(n, fault{kind: faultDrop}) }

// StreamErrorNext makes the next n requests fail in-band: a stream sends afterChunks content
// chunks, then an error chunk with message, then ends; a plain request answers 200 with the
// error object as its body.
func (s *Server) StreamErrorNext(n, afterChunks int, message string) {
	s.addFaults(n, fault{kind: faultInBand, afterChunks: afterChunks, body: ErrorBody(message, "server_error", nil)})
}

func (s *Server) addFaults(n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// Requests returns every request received so far, in order, including failed ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Disconnects is how many answers were cut short because the client went away.
func (s *Server) Disconnects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disconnects
}
