package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/store"
)

// Test requests name their principal in these headers; the fake authentication turns them
// into the domain.Principal the real one would set.
const (
	testTenantHeader = "X-Test-Tenant"
	testModeHeader   = "X-Test-Mode"
)

// idemServer is a bare Echo with the server's error handler, request ids, a fake
// authentication and the idempotency middleware over a real SQLite store, serving handlers
// that count how often they run.
type idemServer struct {
	url string
	// runs counts the handlers run, whatever the route.
	runs  atomic.Int64
	clock *fakeClock
	// slowStarted receives when the first run of POST /slow has started; it then waits
	// for slowRelease to close.
	slowStarted chan struct{}
	slowRelease chan struct{}
	// flaky, panics and slow count their routes' runs.
	flaky, panics, slow atomic.Int64
	// acks, when set, paces POST /stream: after flushing each event it waits for one.
	acks chan struct{}
}

const testLockTimeout = 5 * time.Minute

// streamEvents are what POST /stream sends, one write and one flush each.
var streamEvents = []string{
	"id: 1\nevent: dialogue.delta\ndata: {\"delta\":\"Well \"}\n\n",
	"id: 2\nevent: dialogue.delta\ndata: {\"delta\":\"met.\"}\n\n",
	"id: 3\nevent: dialogue.completed\ndata: {\"response\":{\"text\":\"Well met.\"}}\n\n",
}

func newIdemServer(t *testing.T, maxResponseBytes int) *idemServer {
	t.Helper()
	db, err := store.Open(t.Context(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &idemServer{
		clock:       &fakeClock{now: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)},
		slowStarted: make(chan struct{}, 1),
		slowRelease: make(chan struct{}),
	}
	log := slog.New(slog.DiscardHandler)

	e := echo.New()
	e.HTTPErrorHandler = errorHandler(log, func(echo.Context) int64 { return 1 << 20 })
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(requestID())
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if tenant := req.Header.Get(testTenantHeader); tenant != "" {
				p := domain.Principal{TenantID: tenant, KeyID: "key_" + tenant, Mode: domain.Mode(req.Header.Get(testModeHeader))}
				c.SetRequest(req.WithContext(domain.WithPrincipal(req.Context(), p)))
			}
			return next(c)
		}
	})
	e.Use(idempotency(db, idempotencyOptions{
		LockTimeout: testLockTimeout, MaxResponseBytes: maxResponseBytes, Now: s.clock.Now, Logger: log,
	}))

	// counted counts a run of h.
	counted := func(h echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			s.runs.Add(1)
			return h(c)
		}
	}
	// created answers 201 with the run's number and the body it read.
	created := func(c echo.Context) error {
		n := s.runs.Load()
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		c.Response().Header().Set("X-Custom", "made")
		c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/v1/worlds/wld_%d", n))
		return c.JSON(http.StatusCreated, map[string]any{"run": n, "body": string(body)})
	}
	e.POST("/v1/worlds", counted(created))
	e.PATCH("/v1/worlds/:id", counted(created))
	e.GET("/v1/worlds", counted(created))
	e.POST("/v1/missing", counted(func(echo.Context) error {
		return domain.Errorf(domain.CodeCharNotFound, "No character has that id.")
	}))
	e.POST("/v1/flaky", counted(func(c echo.Context) error {
		if s.flaky.Add(1) == 1 {
			return domain.Errorf(domain.CodeProviderError, "The engine failed.")
		}
		return created(c)
	}))
	e.POST("/v1/panics", counted(func(c echo.Context) error {
		if s.panics.Add(1) == 1 {
			panic("boom")
		}
		return created(c)
	}))
	e.POST("/v1/slow", counted(func(c echo.Context) error {
		if s.slow.Add(1) == 1 {
			s.slowStarted <- struct{}{}
			select {
			case <-s.slowRelease:
			case <-c.Request().Context().Done():
				return c.Request().Context().Err()
			}
		}
		return created(c)
	}))
	e.POST("/v1/big", counted(func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/octet-stream", bytes.Repeat([]byte("x"), maxResponseBytes+1))
	}))
	e.POST("/v1/stream", counted(func(c echo.Context) error {
		res := c.Response()
		res.Header().Set(echo.HeaderContentType, "text/event-stream")
		res.Header().Set("Cache-Control", "no-cache")
		res.WriteHeader(http.StatusOK)
		for _, ev := range streamEvents {
			if _, err := io.WriteString(res, ev); err != nil {
				return err
			}
			res.Flush()
			if s.acks == nil {
				continue
			}
			select {
			case <-s.acks:
			case <-c.Request().Context().Done():
				return c.Request().Context().Err()
			}
		}
		return nil
	}))
	e.POST("/v1/stream-fails", counted(func(c echo.Context) error {
		res := c.Response()
		res.Header().Set(echo.HeaderContentType, "text/event-stream")
		res.WriteHeader(http.StatusOK)
		_, err := io.WriteString(res, streamEvents[0]+
			"id: 2\nevent: error\ndata: {\"error\":{\"code\":\"PROVIDER_ERROR\",\"message\":\"The engine failed.\"},\"type\":\"error\"}\n\n")
		return err
	}))

	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// idemRequest is one request to an idemServer.
type idemRequest struct {
	method, path string
	tenant, mode string
	// keys are the Idempotency-Key header's values, one header line each.
	keys []string
	body string
}

func post(path, tenant, key, body string) idemRequest {
	r := idemRequest{method: http.MethodPost, path: path, tenant: tenant, body: body}
	if key != "" {
		r.keys = []string{key}
	}
	return r
}

type idemResponse struct {
	status int
	header http.Header
	body   []byte
}

func (s *idemServer) send(t *testing.T, r idemRequest) (idemResponse, error) {
	req, err := http.NewRequestWithContext(t.Context(), r.method, s.url+r.path, strings.NewReader(r.body))
	if err != nil {
		return idemResponse{}, err
	}
	req.Header.Set(echo.HeaderContentType, "application/json")
	if r.tenant != "" {
		req.Header.Set(testTenantHeader, r.tenant)
		req.Header.Set(testModeHeader, string(domain.ModeLive))
	}
	if r.mode != "" {
		req.Header.Set(testModeHeader, r.mode)
	}
	for _, k := range r.keys {
		req.Header.Add(headerIdempotencyKey, k)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return idemResponse{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return idemResponse{status: resp.StatusCode, header: resp.Header, body: body}, err
}

func (s *idemServer) do(t *testing.T, r idemRequest) idemResponse {
	t.Helper()
	resp, err := s.send(t, r)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// mustReplay checks that replay is first's answer again, from the store.
func mustReplay(t *testing.T, first, replay idemResponse) {
	t.Helper()
	if replay.status != first.status || !bytes.Equal(replay.body, first.body) {
		t.Fatalf("replay %d %q, first %d %q", replay.status, replay.body, first.status, first.body)
	}
	for _, h := range []string{echo.HeaderContentType, echo.HeaderLocation, "X-Custom", "Cache-Control"} {
		if replay.header.Get(h) != first.header.Get(h) {
			t.Errorf("replayed %s %q, first %q", h, replay.header.Get(h), first.header.Get(h))
		}
	}
	if replay.header.Get(headerIdempotentReplayed) != "true" {
		t.Errorf("replay without %s: true", headerIdempotentReplayed)
	}
	firstID, replayID := first.header.Get(headerRequestID), replay.header.Get(headerRequestID)
	if replayID == "" || replayID == firstID {
		t.Errorf("replay has request id %q, first %q: want its own", replayID, firstID)
	}
	if got := replay.header.Get(headerOriginalRequestID); got != firstID {
		t.Errorf("%s %q, want the first request's %q", headerOriginalRequestID, got, firstID)
	}
}

// mustRun checks that resp is a fresh run, not a replay.
func mustRun(t *testing.T, resp idemResponse, wantStatus int) {
	t.Helper()
	if resp.status != wantStatus {
		t.Fatalf("status %d %s, want %d", resp.status, resp.body, wantStatus)
	}
	if resp.header.Get(headerIdempotentReplayed) != "" || resp.header.Get(headerOriginalRequestID) != "" {
		t.Fatalf("a fresh run is marked as a replay: %v", resp.header)
	}
}

// mustFail checks resp is the standard error body with the code and the status its code has.
func mustFail(t *testing.T, resp idemResponse, code domain.Code) {
	t.Helper()
	var body gen.ErrorResponse
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("error body %q: %v", resp.body, err)
	}
	if resp.status != statusOf[code] || body.Error.Code != gen.ErrorCode(code) || body.Error.Message == "" ||
		body.Error.RequestId != resp.header.Get(headerRequestID) {
		t.Fatalf("status %d body %s, want %d %s with the request id", resp.status, resp.body, statusOf[code], code)
	}
}

func (s *idemServer) mustHaveRun(t *testing.T, want int64) {
	t.Helper()
	if got := s.runs.Load(); got != want {
		t.Fatalf("handlers ran %d times, want %d", got, want)
	}
}

func TestIdempotencyReplaysTheFirstAnswer(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	req := post("/v1/worlds", "acme", "key-1", `{"seed":1}`)
	first := s.do(t, req)
	mustRun(t, first, http.StatusCreated)
	for range 2 {
		mustReplay(t, first, s.do(t, req))
	}
	s.mustHaveRun(t, 1)

	// The quoted Structured-Field form is the same key.
	req.keys = []string{`"key-1"`}
	mustReplay(t, first, s.do(t, req))
	s.mustHaveRun(t, 1)
}

func TestIdempotencyPatchIsCoveredAndGetIsNot(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	patch := idemRequest{method: http.MethodPatch, path: "/v1/worlds/wld_1", tenant: "acme", keys: []string{"k"}, body: `{"name":"A"}`}
	first := s.do(t, patch)
	mustRun(t, first, http.StatusCreated)
	mustReplay(t, first, s.do(t, patch))
	s.mustHaveRun(t, 1)

	get := idemRequest{method: http.MethodGet, path: "/v1/worlds", tenant: "acme", keys: []string{"k-get"}}
	for i := range 2 {
		mustRun(t, s.do(t, get), http.StatusCreated)
		s.mustHaveRun(t, int64(2+i))
	}
}

func TestIdempotencyRefusesAnotherRequestWithTheKey(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	mustRun(t, s.do(t, post("/v1/worlds", "acme", "key-1", `{"seed":1}`)), http.StatusCreated)
	others := map[string]idemRequest{
		"another body":      post("/v1/worlds", "acme", "key-1", `{"seed":2}`),
		"another path":      post("/v1/flaky", "acme", "key-1", `{"seed":1}`),
		"another method":    {method: http.MethodPatch, path: "/v1/worlds", tenant: "acme", keys: []string{"key-1"}, body: `{"seed":1}`},
		"the same, spaced":  post("/v1/worlds", "acme", "key-1", `{"seed": 1}`),
		"a query on it too": post("/v1/worlds?x=1", "acme", "key-1", `{"seed":1}`),
	}
	for name, r := range others {
		t.Run(name, func(t *testing.T) {
			mustFail(t, s.do(t, r), domain.CodeIdempotencyKeyReused)
		})
	}
	s.mustHaveRun(t, 1)
}

func TestIdempotencyConflictsWhileTheFirstRuns(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	req := post("/v1/slow", "acme", "key-1", `{}`)
	done := s.startSlow(t, req)

	mustFail(t, s.do(t, req), domain.CodeIdempotencyKeyInUse)
	// A different request is refused as such even while the first runs.
	mustFail(t, s.do(t, post("/v1/slow", "acme", "key-1", `{"other":true}`)), domain.CodeIdempotencyKeyReused)

	close(s.slowRelease)
	first := <-done
	mustRun(t, first, http.StatusCreated)
	mustReplay(t, first, s.do(t, req))
	s.mustHaveRun(t, 1)
}

func TestIdempotencyRetryTakesOverAClaimWhoseLockLapsed(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	req := post("/v1/slow", "acme", "key-1", `{}`)
	done := s.startSlow(t, req)

	s.clock.Advance(testLockTimeout - time.Microsecond)
	mustFail(t, s.do(t, req), domain.CodeIdempotencyKeyInUse)
	s.clock.Advance(time.Microsecond)
	retry := s.do(t, req)
	mustRun(t, retry, http.StatusCreated)

	// The first request, presumed dead, answers after all; the retry's answer is the one
	// kept.
	close(s.slowRelease)
	mustRun(t, <-done, http.StatusCreated)
	mustReplay(t, retry, s.do(t, req))
	s.mustHaveRun(t, 2)
}

func TestIdempotencyKeepsClientErrorsAndRetriesServerErrors(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)

	missing := post("/v1/missing", "acme", "key-404", `{}`)
	first := s.do(t, missing)
	mustFail(t, first, domain.CodeCharNotFound)
	mustReplay(t, first, s.do(t, missing))
	s.mustHaveRun(t, 1)

	flaky := post("/v1/flaky", "acme", "key-502", `{}`)
	failed := s.do(t, flaky)
	mustFail(t, failed, domain.CodeProviderError)
	if failed.header.Get(headerIdempotentReplayed) != "" {
		t.Fatal("a failure is marked replayed")
	}
	second := s.do(t, flaky)
	mustRun(t, second, http.StatusCreated)
	mustReplay(t, second, s.do(t, flaky))
	s.mustHaveRun(t, 3)
}

func TestIdempotencyReleasesTheKeyOfAPanic(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	req := post("/v1/panics", "acme", "key-1", `{}`)
	mustFail(t, s.do(t, req), domain.CodeInternal)
	second := s.do(t, req)
	mustRun(t, second, http.StatusCreated)
	mustReplay(t, second, s.do(t, req))
	s.mustHaveRun(t, 2)
}

func TestIdempotencyDoesNotKeepAnAnswerOverTheCap(t *testing.T) {
	t.Parallel()
	const limit = 64
	s := newIdemServer(t, limit)
	req := post("/v1/big", "acme", "key-1", `{}`)
	for i := range 2 {
		resp := s.do(t, req)
		mustRun(t, resp, http.StatusOK)
		if len(resp.body) != limit+1 {
			t.Fatalf("sent %d bytes, want the whole %d", len(resp.body), limit+1)
		}
		s.mustHaveRun(t, int64(i+1))
	}
}

func TestIdempotencyKeysAreScopedToTheDataSpace(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	acme := post("/v1/worlds", "acme", "shared-key", `{"seed":1}`)
	first := s.do(t, acme)
	mustRun(t, first, http.StatusCreated)

	globex := acme
	globex.tenant = "globex"
	acmeTest := acme
	acmeTest.mode = string(domain.ModeTest)
	for i, other := range []idemRequest{globex, acmeTest} {
		resp := s.do(t, other)
		mustRun(t, resp, http.StatusCreated)
		if bytes.Equal(resp.body, first.body) {
			t.Fatalf("%s/%s got acme's answer %s", other.tenant, other.mode, resp.body)
		}
		s.mustHaveRun(t, int64(2+i))
	}
	mustReplay(t, first, s.do(t, acme))
}

func TestIdempotencyReplaysAStreamWhole(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	s.acks = make(chan struct{})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+"/v1/stream", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(testTenantHeader, "acme")
	req.Header.Set(headerIdempotencyKey, "key-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// Each event arrives before the handler writes the next: the capture flushes through.
	r := bufio.NewReader(resp.Body)
	var streamed bytes.Buffer
	for i, want := range streamEvents {
		var ev bytes.Buffer
		for !strings.HasSuffix(ev.String(), "\n\n") {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("event %d: %v after %q", i+1, err, ev.String())
			}
			ev.WriteString(line)
		}
		if ev.String() != want {
			t.Fatalf("event %d %q, want %q", i+1, ev.String(), want)
		}
		streamed.Write(ev.Bytes())
		s.acks <- struct{}{}
	}
	if rest, err := io.ReadAll(r); err != nil || len(rest) != 0 {
		t.Fatalf("after the events: %q, %v", rest, err)
	}
	first := idemResponse{status: resp.StatusCode, header: resp.Header, body: streamed.Bytes()}

	replay := s.do(t, post("/v1/stream", "acme", "key-1", `{}`))
	mustReplay(t, first, replay)
	if ct := replay.header.Get(echo.HeaderContentType); ct != "text/event-stream" {
		t.Fatalf("replayed Content-Type %q", ct)
	}
	s.mustHaveRun(t, 1)
}

func TestIdempotencyRetriesAStreamThatEndedInAServerError(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	req := post("/v1/stream-fails", "acme", "key-1", `{}`)
	for i := range 2 {
		mustRun(t, s.do(t, req), http.StatusOK)
		s.mustHaveRun(t, int64(i+1))
	}
}

func TestIdempotencyWithoutAKeyRunsEveryTime(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	for i, req := range []idemRequest{
		post("/v1/worlds", "acme", "", `{"seed":1}`),
		post("/v1/worlds", "acme", "", `{"seed":1}`),
		// Unauthenticated: no data space to scope the key to.
		post("/v1/worlds", "", "key-1", `{"seed":1}`),
		post("/v1/worlds", "", "key-1", `{"seed":1}`),
	} {
		mustRun(t, s.do(t, req), http.StatusCreated)
		s.mustHaveRun(t, int64(i+1))
	}
}

func TestIdempotencyRefusesABadKey(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	bad := map[string][]string{
		"empty":              {""},
		"only quotes":        {`""`},
		"256 characters":     {strings.Repeat("k", 256)},
		"256 quoted":         {`"` + strings.Repeat("k", 256) + `"`},
		"not ASCII":          {"clé"},
		"a tab inside":       {"a\tb"},
		"a bare quote":       {`"a"b"`},
		"an unknown escape":  {`"a\nb"`},
		"two header lines":   {"k1", "k2"},
		"a dangling escape":  {`"ab\"`},
		"two quoted strings": {`"a", "b"`},
	}
	for name, keys := range bad {
		t.Run(name, func(t *testing.T) {
			resp := s.do(t, idemRequest{method: http.MethodPost, path: "/v1/worlds", tenant: "acme", keys: keys, body: `{}`})
			mustFail(t, resp, domain.CodeBadRequest)
			if !strings.Contains(string(resp.body), headerIdempotencyKey) {
				t.Fatalf("the message does not name the header: %s", resp.body)
			}
		})
	}
	s.mustHaveRun(t, 0)
	// What an HTTP client refuses to send is refused too.
	for _, v := range []string{"a\x7fb", "a\x00b", "a\nb"} {
		if key, ok := parseIdempotencyKey([]string{v}); ok {
			t.Errorf("%q accepted as %q", v, key)
		}
	}
}

func TestIdempotencyAcceptsEveryGoodKeyForm(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t, 1<<20)
	good := []struct{ sent, same string }{
		{strings.Repeat("k", 255), `"` + strings.Repeat("k", 255) + `"`},
		{"a", `"a"`},
		{"with space and !~", `"with space and !~"`},
		{`q"uote\`, `"q\"uote\\"`},
		{"4c1f0e7a-6b1d-4f0e-9a4e-2f5d8c3b7a10", " 4c1f0e7a-6b1d-4f0e-9a4e-2f5d8c3b7a10 "},
	}
	for i, g := range good {
		first := s.do(t, post("/v1/worlds", "acme", g.sent, `{}`))
		mustRun(t, first, http.StatusCreated)
		mustReplay(t, first, s.do(t, post("/v1/worlds", "acme", g.same, `{}`)))
		s.mustHaveRun(t, int64(i+1))
	}
}

func TestIdempotencyFingerprintsMultipartByItsParts(t *testing.T) {
	t.Parallel()
	form := func(boundary, content string) (string, []byte) {
		body := "--" + boundary + "\r\n" +
			"Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n" +
			"Content-Type: audio/wav\r\n\r\n" + content + "\r\n" +
			"--" + boundary + "--\r\n"
		return "multipart/form-data; boundary=" + boundary, []byte(body)
	}
	fingerprint := func(contentType string, body []byte) string {
		req := httptest.NewRequest(http.MethodPost, "/v1/voice/stt", nil)
		req.Header.Set(echo.HeaderContentType, contentType)
		return requestFingerprint(req, body)
	}
	ct1, b1 := form("boundary-one", "RIFF1")
	ct2, b2 := form("boundary-two", "RIFF1")
	ct3, b3 := form("boundary-one", "RIFF2")
	if fingerprint(ct1, b1) != fingerprint(ct2, b2) {
		t.Error("a new boundary made the same upload another request")
	}
	if fingerprint(ct1, b1) == fingerprint(ct3, b3) {
		t.Error("another file is the same request")
	}
	if fingerprint(ct1, b1) == fingerprint("application/octet-stream", b1) {
		t.Error("raw bytes fingerprint like their parts")
	}
}

// startSlow sends req (to /v1/slow) in the background and returns once its handler has
// started; the channel gets its answer after slowRelease is closed.
func (s *idemServer) startSlow(t *testing.T, req idemRequest) <-chan idemResponse {
	t.Helper()
	done := make(chan idemResponse, 1)
	go func() {
		resp, err := s.send(t, req)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	<-s.slowStarted
	return done
}
