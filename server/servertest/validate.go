// Package servertest helps tests drive Troupe over HTTP: a transport that validates every
// response against openapi.yaml, and typed clients for the demo tenants.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/gen"
)

var (
	specOnce   sync.Once
	spec       *openapi3.T
	specRouter routers.Router
	specErr    error
)

func loadSpec() (*openapi3.T, routers.Router, error) {
	specOnce.Do(func() {
		spec, specErr = troupe.Spec()
		if specErr != nil {
			return
		}
		spec.Servers = nil // match any host, as the server's validator does
		specRouter, specErr = gorillamux.NewRouter(spec)
	})
	return spec, specRouter, specErr
}

// Transport validates every response it carries against openapi.yaml and fails the test on
// a mismatch: an undeclared status, a body that does not match its schema, a missing
// X-Request-Id, or an error body whose request_id differs from the header.
type Transport struct {
	T    testing.TB
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (v *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := v.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := base.RoundTrip(req)
	if err != nil {
		return res, err
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		// Streams are checked event by event by the tests that read them.
		return res, nil
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	v.T.Helper()
	if err := Validate(req, reqBody, res, body); err != nil {
		v.T.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %s", req.Method, req.URL.Path, res.StatusCode, err, truncate(body))
	}
	return res, nil
}

// Validate checks one response against the spec. Paths outside the spec (the docs) are
// accepted as they are; errors on unknown routes must still be ErrorResponses.
func Validate(req *http.Request, reqBody []byte, res *http.Response, body []byte) error {
	if res.Header.Get("X-Request-Id") == "" {
		return errorf("no X-Request-Id header")
	}
	// /health answers 503 with its own body, the one 4xx/5xx that is not an ErrorResponse.
	if res.StatusCode >= 400 && req.URL.Path != "/health" {
		var e gen.ErrorResponse
		if err := json.Unmarshal(body, &e); err != nil {
			return errorf("error body is not an ErrorResponse: %v", err)
		}
		if e.Error.Code == "" || e.Error.Message == "" {
			return errorf("error body lacks code or message")
		}
		if e.Error.RequestId != res.Header.Get("X-Request-Id") {
			return errorf("error.request_id %q differs from X-Request-Id %q", e.Error.RequestId, res.Header.Get("X-Request-Id"))
		}
	}
	sw, router, err := loadSpec()
	if err != nil {
		return err
	}
	if isDocs(req.URL.Path) {
		return nil
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			return validateSchema(sw, "ErrorResponse", body)
		}
		return errorf("no operation for %s %s, yet it answered %d", req.Method, req.URL.Path, res.StatusCode)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req.Clone(context.Background()),
			PathParams: params,
			Route:      route,
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.RequestValidationInput.Request.Body = io.NopCloser(bytes.NewReader(reqBody))
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

func validateSchema(sw *openapi3.T, name string, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	schema := sw.Components.Schemas[name]
	if schema == nil {
		return errorf("openapi.yaml has no schema %q", name)
	}
	return schema.Value.VisitJSON(v)
}

// isDocs reports whether p is the docs, the spec or the console's files: pages, not
// operations of the spec.
func isDocs(p string) bool {
	return p == "/openapi.yaml" || p == "/openapi.json" || p == "/docs" || strings.HasPrefix(p, "/docs/") ||
		p == "/console" || strings.HasPrefix(p, "/console/")
}

type validationError string

func (e validationError) Error() string { return string(e) }

func errorf(format string, args ...any) error {
	return validationError(sprintf(format, args...))
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// ValidateSchema checks a JSON document against one of the spec's component schemas, for
// payloads that travel inside other documents (events of a stream).
func ValidateSchema(name string, doc []byte) error {
	sw, _, err := loadSpec()
	if err != nil {
		return err
	}
	return validateSchema(sw, name, doc)
}
