package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain/apikey"
	"github.com/troupe-ai/troupe/server/servertest"
)

// TestKeysCommand makes, lists and revokes a key with the CLI on the store a running
// server uses: the server takes the key at once and refuses it once revoked.
func TestKeysCommand(t *testing.T) {
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("API_KEYS", "")
	// No cache, so the CLI's revocation reaches the running server on its next request.
	t.Setenv("KEY_CACHE_TTL", "1ns")
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := admin(t.Context(), args, &out, &errOut)
		return out.String(), err
	}
	out, err := run("keys", "create", "--tenant", "acme", "--tier", "free", "--name", "ci")
	key := strings.TrimSuffix(out, "\n")
	if _, ok := apikey.Parse(key); err != nil || !ok || strings.Contains(key, "\n") {
		t.Fatalf("keys create printed %q (%v), want the key alone on its line", out, err)
	}
	if _, err := run("keys", "create", "--tenant", "acme", "--tier", "gold"); err == nil || !strings.Contains(err.Error(), "gold") {
		t.Fatalf("an unknown tier: %v", err)
	}
	if _, err := run("keys", "create", "--tenant", "a/b"); err == nil {
		t.Fatal("a tenant id with a slash was accepted")
	}

	url, stop := start(t)
	defer stop()
	res, err := servertest.Client(t, url, key).ListWorldsWithResponse(t.Context(), nil)
	if err != nil || res.StatusCode() != http.StatusOK || res.HTTPResponse.Header.Get("RateLimit-Policy") == "" {
		t.Fatalf("the new free key: %v %d %v", err, res.StatusCode(), res.HTTPResponse.Header)
	}
	list, err := run("keys", "list", "--tenant", "acme")
	if err != nil || !strings.Contains(list, apikey.Display(key)) || strings.Contains(list, key) {
		t.Fatalf("keys list: %v\n%s", err, list)
	}
	tenants, err := run("tenants", "list")
	if err != nil || !strings.Contains(tenants, "acme") || !strings.Contains(tenants, "tenant_demo") {
		t.Fatalf("tenants list: %v\n%s", err, tenants)
	}
	if _, err := run("keys", "revoke", key); err != nil {
		t.Fatal(err)
	}
	if res, _ := servertest.Client(t, url, key).ListWorldsWithResponse(t.Context(), nil); res.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("the revoked key: %d", res.StatusCode())
	}
	if _, err := run("keys", "revoke", key); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if _, err := run("keys", "revoke", "key_nosuchkey"); err == nil {
		t.Fatal("revoking an unknown id succeeded")
	}
}

// TestUnlistedConfigKeysAreRevoked restarts the server with API_KEYS set where it ran on
// the demo keys: the demo keys stop working.
func TestUnlistedConfigKeysAreRevoked(t *testing.T) {
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("API_KEYS", "")
	url, stop := start(t)
	if res, _ := servertest.Client(t, url, servertest.DemoKey).ListWorldsWithResponse(t.Context(), nil); res.StatusCode() != http.StatusOK {
		t.Fatalf("demo key: %d", res.StatusCode())
	}
	stop()
	t.Setenv("API_KEYS", "studio-secret:tenant_studio")
	url, stop = start(t)
	defer stop()
	if res, _ := servertest.Client(t, url, servertest.DemoKey).ListWorldsWithResponse(t.Context(), nil); res.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("the demo key after API_KEYS replaced it: %d", res.StatusCode())
	}
	if res, _ := servertest.Client(t, url, "studio-secret").ListWorldsWithResponse(t.Context(), nil); res.StatusCode() != http.StatusOK {
		t.Fatalf("the configured key: %d", res.StatusCode())
	}
}
