package servertest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

// The built-in demo keys (tenants tenant_demo and tenant_test).
const (
	DemoKey = "demo-key-123"
	TestKey = "test-key-456"
)

// Client returns a typed client for baseURL that authenticates with key (none when empty)
// and validates every response against the spec.
func Client(t testing.TB, baseURL, key string) *gen.ClientWithResponses {
	t.Helper()
	hc := &http.Client{Transport: &Transport{T: t}}
	opts := []gen.ClientOption{gen.WithHTTPClient(hc)}
	if key != "" {
		opts = append(opts, gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	}
	c, err := gen.NewClientWithResponses(baseURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// HTTPClient returns a plain client whose responses are validated against the spec, for
// requests the typed client cannot make (malformed bodies, odd headers).
func HTTPClient(t testing.TB) *http.Client {
	return &http.Client{Transport: &Transport{T: t}}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
