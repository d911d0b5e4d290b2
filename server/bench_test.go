package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/apikey"
	"github.com/troupe-ai/troupe/server/servertest"
)

// BenchmarkGetWorld measures GET /v1/worlds/{id} through the whole middleware chain,
// in-process (no network), for profiling; BENCHMARKS.md has the loopback load figures.
func BenchmarkGetWorld(b *testing.B) {
	h, _ := newHandler(b)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/worlds", strings.NewReader(`{"seed":42,"size":"medium"}`))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	id := strings.Split(strings.Split(rec.Body.String(), `"id":"`)[1], `"`)[0]
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/v1/worlds/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkCreateWorld measures POST /v1/worlds (a medium world) in-process.
func BenchmarkCreateWorld(b *testing.B) {
	h, _ := newHandler(b)
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/worlds", strings.NewReader(`{"seed":42,"size":"medium"}`))
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkGetWorldRateLimited measures GET /v1/worlds/{id} in-process with a key of an
// unlimited tier (the rate limiter steps aside), of a limited tier counted in memory, and
// of one counted on the local Redis: the cost of the limiter per request.
func BenchmarkGetWorldRateLimited(b *testing.B) {
	const tiers = "bench=requests:1000000000/h+100000000/s"
	for _, bc := range []struct{ name, tier, redis string }{
		{"unlimited", "unlimited", ""},
		{"memory", "bench", ""},
		{"redis", "bench", "redis://127.0.0.1:6379/0"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, db := newHandler(b, withTiers(tiers, bc.redis))
			_, key, err := (&domain.KeyService{Store: db}).Issue(b.Context(), domain.IssueKey{
				TenantID: "bench" + strings.ToLower(apikey.New(false)[8:20]), Mode: domain.ModeLive, Name: "bench",
				Scopes: []domain.Scope{domain.ScopeRead, domain.ScopeWrite}, Tier: bc.tier,
			})
			if err != nil {
				b.Fatal(err)
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/v1/worlds", strings.NewReader(`{"seed":42,"size":"medium"}`))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			id := strings.Split(strings.Split(rec.Body.String(), `"id":"`)[1], `"`)[0]
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/v1/worlds/"+id, nil)
				req.Header.Set("Authorization", "Bearer "+key)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 || (bc.tier != "unlimited" && rec.Header().Get("RateLimit") == "") {
					b.Fatal(rec.Code, rec.Header())
				}
			}
		})
	}
}
