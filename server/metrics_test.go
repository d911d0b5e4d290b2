package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/gen"
)

// TestMetricsCountRoutesAndNeverNameTenants reads GET /metrics after some traffic: the
// requests are counted by route template and status, and no tenant, key or id shows.
func TestMetricsCountRoutesAndNeverNameTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(5))})
	for range 3 {
		if res, _ := b.demo.GetWorldWithResponse(t.Context(), w.Id); res.StatusCode() != http.StatusOK {
			t.Fatal(res.StatusCode())
		}
	}
	b.other.GetWorldWithResponse(t.Context(), w.Id) // another tenant's id: 404
	res, body := do(t, http.MethodGet, b.url+"/metrics", nil, map[string]string{"Authorization": ""})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", res.StatusCode, body)
	}
	text := string(body)
	for _, want := range []string{
		`troupe_http_requests_total{method="GET",route="/v1/worlds/:world_id",status="200"} 3`,
		`troupe_http_requests_total{method="GET",route="/v1/worlds/:world_id",status="404"} 1`,
		`troupe_http_requests_total{method="POST",route="/v1/worlds",status="201"} 1`,
		`troupe_http_request_duration_seconds_bucket{method="GET",route="/v1/worlds/:world_id"`,
		`troupe_jobs{`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, secret := range []string{w.Id, "tenant_demo", "tenant_test", "demo-key-123"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics shows %q", secret)
		}
	}
}

func TestMetricsMoveToTheirOwnListener(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *setupOptions) { o.config = func(c *app.Config) { c.MetricsAddr = "127.0.0.1:0" } })
	res, body := do(t, http.MethodGet, b.url+"/metrics", nil, map[string]string{"Authorization": ""})
	expectError(t, res, body, http.StatusNotFound, string(gen.ErrorCodeRouteNotFound))
}
