package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
)

// Headers of the fake authentication: a request naming a tenant is authenticated as it.
const (
	rlTenantHeader = "X-Test-Tenant"
	rlModeHeader   = "X-Test-Mode"
	rlTierHeader   = "X-Test-Tier"
)

// rlFakeAuth stands in for authenticate: it puts a principal built from the test headers
// into the request context, and none without X-Test-Tenant.
func rlFakeAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		tenant := r.Header.Get(rlTenantHeader)
		if tenant == "" {
			return next(c)
		}
		mode := domain.Mode(r.Header.Get(rlModeHeader))
		if mode == "" {
			mode = domain.ModeLive
		}
		p := domain.Principal{TenantID: tenant, KeyID: "key_" + tenant, Mode: mode, Tier: r.Header.Get(rlTierHeader)}
		c.SetRequest(r.WithContext(domain.WithPrincipal(r.Context(), p)))
		return next(c)
	}
}

// rlTiers are the built-in tiers and a small one whose hour budget a test can exhaust.
func rlTiers() map[string]ratelimit.Tier {
	tiers := ratelimit.DefaultTiers()
	tiers["tiny"] = ratelimit.Tier{
		Name:        "tiny",
		Requests:    []ratelimit.Policy{{Name: "hour", Quota: 3, Window: time.Hour}},
		Generations: []ratelimit.Policy{{Name: "generation-hour", Quota: 1, Window: time.Hour}},
	}
	return tiers
}

// rlServer is a bare Echo with the real error handler, the fake authentication and the
// rate limit: GET /v1/worlds answers 200, POST /v1/images is a generation, GET
// /v1/missing answers a 404 and GET /health is anonymous.
type rlServer struct {
	e       *echo.Echo
	served  map[string]int
	refused []string
	mu      sync.Mutex
}

func newRLServer(t *testing.T, limiter ratelimit.Limiter, clock *fakeClock, middlewares ...echo.MiddlewareFunc) *rlServer {
	t.Helper()
	s := &rlServer{e: echo.New(), served: map[string]int{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.e.HTTPErrorHandler = errorHandler(log, func(echo.Context) int64 { return 1 << 20 })
	if limiter == nil {
		limiter = ratelimit.NewMemory(ratelimit.WithClock(clock.Now))
	}
	rl := rateLimit(rateLimitConfig{
		Limiter:      limiter,
		Tiers:        rlTiers(),
		IsGeneration: func(c echo.Context) bool { return c.Path() == "/v1/images" },
		OnRefused: func(tier, policy string) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.refused = append(s.refused, tier+"/"+policy)
		},
		Logger: log,
	})
	if len(middlewares) == 0 {
		middlewares = []echo.MiddlewareFunc{rl}
	}
	s.e.Use(requestID(), rlFakeAuth)
	s.e.Use(middlewares...)
	handler := func(c echo.Context) error {
		s.mu.Lock()
		s.served[c.Path()]++
		s.mu.Unlock()
		return c.JSON(http.StatusOK, map[string]string{"ok": "yes"})
	}
	s.e.GET("/v1/worlds", handler)
	s.e.POST("/v1/images", handler)
	s.e.GET("/health", handler)
	s.e.GET("/v1/missing", func(echo.Context) error { return domain.Errorf(domain.CodeWorldNotFound, "No such world.") })
	return s
}

// rlPrincipal is who a test request is sent as.
type rlPrincipal struct{ tenant, mode, tier string }

func (s *rlServer) do(t *testing.T, method, path string, p rlPrincipal) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	if p.tenant != "" {
		req.Header.Set(rlTenantHeader, p.tenant)
		req.Header.Set(rlModeHeader, p.mode)
		req.Header.Set(rlTierHeader, p.tier)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

// rlRemaining returns each policy's r of the response's RateLimit field.
func rlRemaining(t *testing.T, rec *httptest.ResponseRecorder) map[string]int64 {
	t.Helper()
	items, err := ratelimit.ParseHeader(rec.Header().Get(ratelimit.HeaderRateLimit))
	if err != nil {
		t.Fatalf("RateLimit %q: %v", rec.Header().Get(ratelimit.HeaderRateLimit), err)
	}
	out := map[string]int64{}
	for _, it := range items {
		out[it.Name] = it.Params["r"]
	}
	return out
}

// rlQuotas returns each policy's q of the response's RateLimit-Policy field.
func rlQuotas(t *testing.T, rec *httptest.ResponseRecorder) map[string]int64 {
	t.Helper()
	items, err := ratelimit.ParseHeader(rec.Header().Get(ratelimit.HeaderRateLimitPolicy))
	if err != nil {
		t.Fatalf("RateLimit-Policy %q: %v", rec.Header().Get(ratelimit.HeaderRateLimitPolicy), err)
	}
	out := map[string]int64{}
	for _, it := range items {
		out[it.Name] = it.Params["q"]
	}
	return out
}

func newRLClock() *fakeClock { return &fakeClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

var rlFree = rlPrincipal{"tenant_a", "live", "free"}

// Every response counts down each policy by one and declares the tier's policies.
func TestRateLimitHeadersCountDown(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	free := rlTiers()["free"]
	for i := range 5 {
		rec := s.do(t, http.MethodGet, "/v1/worlds", rlFree)
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, rec.Code)
		}
		r := rlRemaining(t, rec)
		q := rlQuotas(t, rec)
		for _, p := range free.Requests {
			if r[p.Name] != int64(p.Quota-1-i) {
				t.Errorf("request %d: %s r=%d, want %d", i+1, p.Name, r[p.Name], p.Quota-1-i)
			}
			if q[p.Name] != int64(p.Quota) {
				t.Errorf("request %d: %s q=%d, want %d", i+1, p.Name, q[p.Name], p.Quota)
			}
		}
		if _, ok := r["generation-hour"]; ok {
			t.Errorf("request %d: a plain request counts against generations", i+1)
		}
	}
}

// A burst over the per-second quota gets exactly the excess refused, each refusal the
// standard error body with Retry-After, and none of them served.
func TestRateLimitBurst(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	second := rlTiers()["free"].Requests[1]
	const excess = 4
	refused := 0
	for range second.Quota + excess {
		rec := s.do(t, http.MethodGet, "/v1/worlds", rlFree)
		if rec.Code == http.StatusOK {
			continue
		}
		refused++
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429", rec.Code)
		}
		var body struct {
			Error struct {
				Code      string         `json:"code"`
				Message   string         `json:"message"`
				Details   map[string]any `json:"details"`
				RequestID string         `json:"request_id"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body %s: %v", rec.Body, err)
		}
		e := body.Error
		retry, err := strconv.Atoi(rec.Header().Get(ratelimit.HeaderRetryAfter))
		if err != nil || retry < 1 {
			t.Errorf("Retry-After %q", rec.Header().Get(ratelimit.HeaderRetryAfter))
		}
		if e.Code != string(domain.CodeRateLimited) || e.Message == "" || e.RequestID != rec.Header().Get(headerRequestID) {
			t.Errorf("body %s", rec.Body)
		}
		if e.Details["policy"] != second.Name || e.Details["retry_after"] != float64(retry) {
			t.Errorf("details %v, want policy %q and retry_after %d", e.Details, second.Name, retry)
		}
		if r := rlRemaining(t, rec); r[second.Name] != 0 {
			t.Errorf("a refusal says %d remain", r[second.Name])
		}
	}
	if refused != excess {
		t.Errorf("%d refused, want %d", refused, excess)
	}
	if s.served["/v1/worlds"] != second.Quota {
		t.Errorf("%d served, want %d", s.served["/v1/worlds"], second.Quota)
	}
	if len(s.refused) != excess || s.refused[0] != "free/"+second.Name {
		t.Errorf("OnRefused heard %v", s.refused)
	}
}

// Budgets belong to a tenant and a mode: exhausting one leaves the others' untouched.
func TestRateLimitBudgetsAreSeparate(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	hour := rlTiers()["tiny"].Requests[0]
	a := rlPrincipal{"tenant_a", "live", "tiny"}
	for range hour.Quota {
		s.do(t, http.MethodGet, "/v1/worlds", a)
	}
	if rec := s.do(t, http.MethodGet, "/v1/worlds", a); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("tenant A past its quota: %d", rec.Code)
	}
	for _, other := range []rlPrincipal{
		{"tenant_b", "live", "tiny"},
		{"tenant_a", "test", "tiny"},
	} {
		rec := s.do(t, http.MethodGet, "/v1/worlds", other)
		if rec.Code != http.StatusOK || rlRemaining(t, rec)[hour.Name] != int64(hour.Quota-1) {
			t.Errorf("%+v after A exhausted its quota: %d, %s", other, rec.Code, rec.Header().Get(ratelimit.HeaderRateLimit))
		}
	}
}

// A generation counts against the generation budget too; a refused generation spends no
// request budget, and plain requests go on.
func TestRateLimitGenerations(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	tiny := rlTiers()["tiny"]
	p := rlPrincipal{"tenant_a", "live", "tiny"}
	rec := s.do(t, http.MethodPost, "/v1/images", p)
	if rec.Code != http.StatusOK || rlRemaining(t, rec)["generation-hour"] != int64(tiny.Generations[0].Quota-1) {
		t.Fatalf("first generation: %d, %s", rec.Code, rec.Header().Get(ratelimit.HeaderRateLimit))
	}
	rec = s.do(t, http.MethodPost, "/v1/images", p)
	if rec.Code != http.StatusTooManyRequests || s.served["/v1/images"] != 1 {
		t.Fatalf("generation past its quota: %d, served %d", rec.Code, s.served["/v1/images"])
	}
	rec = s.do(t, http.MethodGet, "/v1/worlds", p)
	if rec.Code != http.StatusOK || rlRemaining(t, rec)["hour"] != int64(tiny.Requests[0].Quota-2) {
		t.Errorf("a plain request after a refused generation: %d, %s", rec.Code, rec.Header().Get(ratelimit.HeaderRateLimit))
	}
}

// Unlimited keys and anonymous requests are never limited and get no headers.
func TestRateLimitPassesUnlimitedAndAnonymous(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	for _, tc := range []struct {
		path string
		p    rlPrincipal
	}{
		{"/v1/worlds", rlPrincipal{"tenant_a", "live", "unlimited"}},
		{"/health", rlPrincipal{}},
	} {
		for range 50 {
			rec := s.do(t, http.MethodGet, tc.path, tc.p)
			if rec.Code != http.StatusOK {
				t.Fatalf("%+v: %d", tc.p, rec.Code)
			}
			for _, h := range []string{ratelimit.HeaderRateLimit, ratelimit.HeaderRateLimitPolicy, ratelimit.HeaderRetryAfter} {
				if v := rec.Header().Get(h); v != "" {
					t.Fatalf("%+v: %s: %s", tc.p, h, v)
				}
			}
		}
	}
}

// A key of a tier the configuration lacks is limited as a free key, in the free budget.
func TestRateLimitUnknownTierIsFree(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	free := rlTiers()["free"]
	rec := s.do(t, http.MethodGet, "/v1/worlds", rlPrincipal{"tenant_a", "live", "platinum"})
	if got, want := rec.Header().Get(ratelimit.HeaderRateLimitPolicy), ratelimit.PolicyHeader(free.Requests); got != want {
		t.Errorf("RateLimit-Policy %q, want the free tier's %q", got, want)
	}
	rec = s.do(t, http.MethodGet, "/v1/worlds", rlFree)
	if r := rlRemaining(t, rec); r["hour"] != int64(free.Requests[0].Quota-2) {
		t.Errorf("the free key does not share the unknown tier's budget: %v", r)
	}
}

// Error responses carry the headers too, and still count.
func TestRateLimitHeadersOnErrors(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, nil, newRLClock())
	rec := s.do(t, http.MethodGet, "/v1/missing", rlFree)
	if rec.Code != http.StatusNotFound || rec.Header().Get(ratelimit.HeaderRateLimit) == "" || rec.Header().Get(ratelimit.HeaderRateLimitPolicy) == "" {
		t.Errorf("404: headers %v", rec.Header())
	}
}

// A request that passes the middleware twice is counted once.
func TestRateLimitCountsOnce(t *testing.T) {
	t.Parallel()
	clock := newRLClock()
	limiter := ratelimit.NewMemory(ratelimit.WithClock(clock.Now))
	rl := rateLimit(rateLimitConfig{Limiter: limiter, Tiers: rlTiers()})
	s := newRLServer(t, limiter, clock, rl, rl)
	hour := rlTiers()["free"].Requests[0]
	for i := range 3 {
		rec := s.do(t, http.MethodGet, "/v1/worlds", rlFree)
		if got := rlRemaining(t, rec)["hour"]; got != int64(hour.Quota-1-i) {
			t.Errorf("request %d: hour r=%d, want %d", i+1, got, hour.Quota-1-i)
		}
	}
}

// A failing limiter lets requests through unlimited rather than failing them.
func TestRateLimitFailingLimiterPasses(t *testing.T) {
	t.Parallel()
	s := newRLServer(t, rlBroken{}, newRLClock())
	rec := s.do(t, http.MethodGet, "/v1/worlds", rlFree)
	if rec.Code != http.StatusOK || rec.Header().Get(ratelimit.HeaderRateLimit) != "" {
		t.Errorf("with a broken limiter: %d, %v", rec.Code, rec.Header())
	}
}

type rlBroken struct{}

func (rlBroken) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Result, error) {
	return ratelimit.Result{}, errors.New("limiter down")
}

// BenchmarkMiddleware measures what the rate limit and the metering add to a request:
// none (the bare Echo), memory, redis (the shared Redis at 127.0.0.1:6379; skipped
// without it), and metering (counting the request and carrying its meter, with nothing
// billable to write). One tenant of a tier with the free tier's shape and quotas no
// benchmark exhausts.
func BenchmarkMiddleware(b *testing.B) {
	tiers := map[string]ratelimit.Tier{"free": {Name: "free", Requests: []ratelimit.Policy{
		{Name: "hour", Quota: 1_000_000_000, Window: time.Hour},
		{Name: "second", Quota: 1_000_000_000, Window: time.Second},
	}}}
	newEcho := func(l ratelimit.Limiter) *echo.Echo {
		e := echo.New()
		e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), func(echo.Context) int64 { return 1 << 20 })
		e.Use(rlFakeAuth)
		if l != nil {
			e.Use(rateLimit(rateLimitConfig{Limiter: l, Tiers: tiers}))
		}
		e.GET("/v1/worlds", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
		return e
	}
	run := func(b *testing.B, e *echo.Echo) {
		req := httptest.NewRequest(http.MethodGet, "/v1/worlds", nil)
		req.Header.Set(rlTenantHeader, "tenant_bench")
		req.Header.Set(rlTierHeader, "free")
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusNoContent {
				b.Fatalf("status %d", rec.Code)
			}
		}
	}
	b.Run("none", func(b *testing.B) { run(b, newEcho(nil)) })
	b.Run("metering", func(b *testing.B) {
		e := newEcho(nil)
		op := &operation{id: "listWorlds"}
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error { c.Set(ctxOperation, op); return next(c) }
		})
		e.Use(metering(&domain.UsageService{Prices: domain.NewPriceTable(domain.DefaultPrices)}))
		run(b, e)
	})
	b.Run("memory", func(b *testing.B) { run(b, newEcho(ratelimit.NewMemory())) })
	b.Run("redis", func(b *testing.B) {
		c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
		defer c.Close()
		if err := c.Ping(b.Context()).Err(); err != nil {
			if os.Getenv("CI") != "" {
				b.Fatalf("the shared Redis at 127.0.0.1:6379 does not answer: %v", err)
			}
			b.Skipf("no Redis at 127.0.0.1:6379: %v", err)
		}
		prefix := "troupe-bench:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
		defer func() {
			ctx := context.Background()
			for it := c.Scan(ctx, 0, "rate:"+prefix+"*", 100).Iterator(); it.Next(ctx); {
				c.Del(ctx, it.Val())
			}
		}()
		run(b, newEcho(ratelimit.NewFailOpen(ratelimit.NewRedis(c, prefix), ratelimit.NewMemory(), nil)))
	})
}
