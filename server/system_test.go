package server_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/internal/specchecktest"
)

func TestRootAndHealthArePublic(t *testing.T) {
	b := setup(t)
	info, err := b.anon.GetApiInfoWithResponse(t.Context())
	if err != nil || info.JSON200 == nil {
		t.Fatalf("GET /: %v", err)
	}
	if info.JSON200.DocsUrl != "/docs" || info.JSON200.OpenapiUrl != "/openapi.yaml" || info.JSON200.Version != troupe.Version {
		t.Fatalf("GET / = %+v, want version %q (openapi.yaml's info.version)", *info.JSON200, troupe.Version)
	}

	health, err := b.anon.GetHealthWithResponse(t.Context())
	if err != nil || health.JSON200 == nil {
		t.Fatalf("GET /health: %v %d", err, health.StatusCode())
	}
	if health.JSON200.Version != troupe.Version {
		t.Fatalf("/health reports version %q, openapi.yaml declares %q", health.JSON200.Version, troupe.Version)
	}
	deps := health.JSON200.Dependencies
	if deps.Database.Status != gen.DependencyHealthStatusOk || deps.Database.Engine != "sqlite" {
		t.Fatalf("database health = %+v", deps.Database)
	}
	if deps.Queue.Status != gen.DependencyHealthStatusOk || deps.Queue.Engine != "river" ||
		deps.Text.Engine != "local" || deps.Image.Engine != "local" || deps.Text.Status != gen.DependencyHealthStatusOk {
		t.Fatalf("dependencies %+v", deps)
	}
	// A dependency not built yet (speech) must say so, and the service is then degraded.
	allOK := true
	for _, d := range []gen.DependencyHealth{deps.Queue, deps.Text, deps.Speech, deps.Image} {
		allOK = allOK && d.Status == gen.DependencyHealthStatusOk
	}
	if want := map[bool]gen.HealthStatus{true: gen.HealthStatusOk, false: gen.HealthStatusDegraded}[allOK]; health.JSON200.Status != want {
		t.Fatalf("health status %q, want %q", health.JSON200.Status, want)
	}
}

func TestHealthIsUnavailableWithoutTheDatabase(t *testing.T) {
	b := setup(t)
	b.db.Close()
	res, err := b.anon.GetHealthWithResponse(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON503 == nil || res.JSON503.Status != gen.HealthStatusUnavailable || res.JSON503.Dependencies.Database.Status != gen.DependencyHealthStatusUnavailable {
		t.Fatalf("health with a closed database: %d %s", res.StatusCode(), res.Body)
	}
}

func TestSpecAndDocsAreServed(t *testing.T) {
	b := setup(t)
	want, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, body := do(t, "GET", b.url+"/openapi.yaml", nil, map[string]string{"Authorization": ""})
	if res.StatusCode != 200 || !bytes.Equal(body, want) {
		t.Fatalf("/openapi.yaml: %d, identical to the file: %v", res.StatusCode, bytes.Equal(body, want))
	}

	// The JSON is the same document, read by an independent YAML 1.1 parser (PyYAML).
	res, body = do(t, "GET", b.url+"/openapi.json", nil, map[string]string{"Authorization": ""})
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	jsonFile := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(jsonFile, body, 0o600); err != nil {
		t.Fatal(err)
	}
	specchecktest.SameDocument(t, "../openapi.yaml", jsonFile)

	res, body = do(t, "GET", b.url+"/docs/", nil, map[string]string{"Authorization": ""})
	if res.StatusCode != 200 || !strings.Contains(string(body), "swagger") || !strings.Contains(string(body), "/openapi.json") {
		t.Fatalf("/docs/: %d %.200s", res.StatusCode, body)
	}
	// The UI's assets come from the binary, not a CDN.
	if strings.Contains(string(body), "cdn") || strings.Contains(string(body), "unpkg") {
		t.Fatal("/docs/ loads assets from a CDN")
	}
	res, _ = do(t, "GET", b.url+"/docs/swagger-ui-bundle.js", nil, map[string]string{"Authorization": ""})
	if res.StatusCode != 200 {
		t.Fatalf("/docs/swagger-ui-bundle.js: %d", res.StatusCode)
	}

	// /docs itself is the page, for curl and link checkers alike.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := noRedirect.Get(b.url + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page), "/openapi.json") {
		t.Fatalf("/docs: %d %s %.200s", r.StatusCode, r.Header.Get("Content-Type"), page)
	}
}

func TestTimingAndCORSHeaders(t *testing.T) {
	b := setup(t)
	res, _ := do(t, "GET", b.url+"/v1/worlds", nil, map[string]string{"Origin": "https://game.example"})
	if !strings.HasPrefix(res.Header.Get("Server-Timing"), "app;dur=") {
		t.Fatalf("Server-Timing = %q", res.Header.Get("Server-Timing"))
	}
	if res.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatal("no CORS header for a cross-origin request")
	}
}
