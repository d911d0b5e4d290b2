package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
