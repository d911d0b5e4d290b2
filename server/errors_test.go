package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// expectError checks status, code and the standard shape (the transport has already
// checked it against the spec and request_id against the header).
func expectError(t *testing.T, res *http.Response, body []byte, status int, code string) gen.ApiError {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", res.StatusCode, status, body)
	}
	var e gen.ErrorResponse
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("body is not an ErrorResponse: %v: %s", err, body)
	}
	if string(e.Error.Code) != code {
		t.Fatalf("code %q, want %q; body %s", e.Error.Code, code, body)
	}
	return e.Error
}

// do sends a raw request with the demo key unless the headers say otherwise.
func do(t *testing.T, method, url string, body io.Reader, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := servertest.HTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func fieldNames(e gen.ApiError) []string {
	var names []string
	if e.Details.Fields != nil {
		for _, f := range *e.Details.Fields {
			names = append(names, f.Field)
		}
	}
	return names
}

func TestErrorClasses(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.maxBodyBytes = 4096 })
	worlds := b.url + "/v1/worlds"
	big := `{"name":"` + strings.Repeat("x", 5000) + `"}`

	cases := []struct {
		name    string
		method  string
		url     string
		body    string
		headers map[string]string
		status  int
		code    string
		fields  []string
	}{
		{"malformed JSON", "POST", worlds, `{"seed":`, nil, 400, "BAD_REQUEST", nil},
		{"JSON of the wrong type", "POST", worlds, `[1,2]`, nil, 422, "VALIDATION_ERROR", nil},
		{"empty body", "POST", worlds, ``, nil, 400, "BAD_REQUEST", nil},
		{"one bad field", "POST", worlds, `{"size":"huge"}`, nil, 422, "VALIDATION_ERROR", []string{"size"}},
		{"every bad field is listed", "POST", worlds, `{"seed":-1,"genre":"western","tone":3,"name":""}`, nil, 422, "VALIDATION_ERROR", []string{"genre", "name", "seed", "tone"}},
		{"seed above 2^53-1", "POST", worlds, `{"seed":9007199254740992}`, nil, 422, "VALIDATION_ERROR", []string{"seed"}},
		{"unknown field", "POST", worlds, `{"tenant_id":"tenant_test"}`, nil, 422, "VALIDATION_ERROR", []string{"tenant_id"}},
		{"limit too small", "GET", worlds + "?limit=0", ``, nil, 400, "BAD_REQUEST", []string{"limit"}},
		{"limit too large", "GET", worlds + "?limit=101", ``, nil, 400, "BAD_REQUEST", []string{"limit"}},
		{"limit not a number", "GET", worlds + "?limit=abc", ``, nil, 400, "BAD_REQUEST", []string{"limit"}},
		{"negative offset", "GET", worlds + "?offset=-1", ``, nil, 400, "BAD_REQUEST", []string{"offset"}},
		{"unknown route", "GET", b.url + "/v1/nothing", ``, nil, 404, "ROUTE_NOT_FOUND", nil},
		{"unknown route without a key", "GET", b.url + "/v2/worlds", ``, map[string]string{"Authorization": ""}, 404, "ROUTE_NOT_FOUND", nil},
		{"unknown world", "GET", worlds + "/wld_nope", ``, nil, 404, "WORLD_NOT_FOUND", nil},
		{"wrong method", "PUT", worlds, `{}`, nil, 405, "METHOD_NOT_ALLOWED", nil},
		{"body over the limit", "POST", worlds, big, nil, 413, "PAYLOAD_TOO_LARGE", nil},
		{"wrong content type", "POST", worlds, `seed=1`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "UNSUPPORTED_MEDIA_TYPE", nil},
		{"text content type", "POST", worlds, `{}`, map[string]string{"Content-Type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE", nil},
		{"operation not built yet still validates", "POST", b.url + "/v1/images/avatar", `{"width":5}`, nil, 422, "VALIDATION_ERROR", []string{"description", "width"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := do(t, c.method, c.url, strings.NewReader(c.body), c.headers)
			e := expectError(t, res, body, c.status, c.code)
			if c.fields != nil {
				got := fieldNames(e)
				if strings.Join(sorted(got), ",") != strings.Join(c.fields, ",") {
					t.Fatalf("fields %v, want %v; body %s", got, c.fields, body)
				}
			}
		})
	}

	t.Run("a chunked body over the limit", func(t *testing.T) {
		// No Content-Length: the limit must hold while reading.
		res, body := do(t, "POST", worlds, io.MultiReader(strings.NewReader(big)), nil)
		expectError(t, res, body, 413, "PAYLOAD_TOO_LARGE")
	})

	t.Run("bad input changes nothing", func(t *testing.T) {
		list, _ := b.demo.ListWorldsWithResponse(t.Context(), nil)
		if list.JSON200 == nil || list.JSON200.Total != 0 {
			t.Fatalf("rejected requests stored worlds: %s", list.Body)
		}
	})
}

func TestUnauthorizedIsOneIdenticalBody(t *testing.T) {
	b := setup(t)
	cases := map[string]string{
		"no header":        "",
		"unknown key":      "Bearer not-a-key",
		"wrong scheme":     "Basic ZGVtbzpkZW1v",
		"empty bearer":     "Bearer ",
		"key without type": servertest.DemoKey,
		"other key prefix": "Bearer demo-key-12",
	}
	var first *gen.ApiError
	for name, auth := range cases {
		t.Run(name, func(t *testing.T) {
			// A valid body, and an invalid one: the key is checked first either way.
			for _, body := range []string{`{"seed":1}`, `{"seed":"x"}`} {
				res, raw := do(t, "POST", b.url+"/v1/worlds", strings.NewReader(body), map[string]string{"Authorization": auth})
				e := expectError(t, res, raw, http.StatusUnauthorized, "INVALID_API_KEY")
				if res.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				e.RequestId = ""
				if first == nil {
					first = &e
				} else if e.Message != first.Message || len(e.Details.AdditionalProperties) != 0 || e.Details.Fields != nil {
					t.Fatalf("401 bodies differ: %+v vs %+v", e, *first)
				}
			}
		})
	}
	list, _ := b.demo.ListWorldsWithResponse(t.Context(), nil)
	if list.JSON200.Total != 0 {
		t.Fatal("an unauthenticated request stored a world")
	}
}

func TestRequestIDs(t *testing.T) {
	b := setup(t)
	t.Run("the caller's id is kept", func(t *testing.T) {
		res, body := do(t, "GET", b.url+"/v1/worlds/wld_missing", nil, map[string]string{"X-Request-Id": "game-req.42"})
		e := expectError(t, res, body, 404, "WORLD_NOT_FOUND")
		if e.RequestId != "game-req.42" {
			t.Fatalf("request_id %q, want the caller's", e.RequestId)
		}
	})
	t.Run("an unsafe id is replaced", func(t *testing.T) {
		res, body := do(t, "GET", b.url+"/v1/worlds/wld_missing", nil, map[string]string{"X-Request-Id": "bad id\twith tab"})
		e := expectError(t, res, body, 404, "WORLD_NOT_FOUND")
		if !strings.HasPrefix(e.RequestId, "req_") {
			t.Fatalf("request_id %q, want a generated req_ id", e.RequestId)
		}
	})
	t.Run("every response has a distinct id", func(t *testing.T) {
		a, _ := do(t, "GET", b.url+"/health", nil, nil)
		c, _ := do(t, "GET", b.url+"/health", nil, nil)
		if a.Header.Get("X-Request-Id") == c.Header.Get("X-Request-Id") {
			t.Fatal("two requests got the same id")
		}
	})
}

// panickingGenerator stands in for a generator with a bug.
type panickingGenerator struct{}

func (panickingGenerator) Generate(int64, domain.WorldParams) domain.WorldContent {
	panic("secret internal detail: /etc/troupe/key")
}

func TestPanicIsAnOpaque500(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.generator = panickingGenerator{} })
	res, body := do(t, "POST", b.url+"/v1/worlds", strings.NewReader(`{}`), nil)
	expectError(t, res, body, 500, "INTERNAL_ERROR")
	if bytes.Contains(body, []byte("secret")) || bytes.Contains(body, []byte("goroutine")) {
		t.Fatalf("500 leaks internals: %s", body)
	}
	// The server survives.
	if res, _ := do(t, "GET", b.url+"/health", nil, nil); res.StatusCode != 200 {
		t.Fatalf("health after a panic: %d", res.StatusCode)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
