package troupe_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/internal/specchecktest"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(troupe.OpenAPIYAML)
	if err != nil {
		t.Fatal(err)
	}
	// Examples are checked below, where an event stream's example (text) is told apart.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Python generators read the spec with YAML 1.1 loaders; what they read must be the
// document the server serves as JSON.
func TestSpecReadsTheSameUnderYAML11(t *testing.T) {
	t.Parallel()
	doc, err := troupe.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	jsonFile := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(jsonFile, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	specchecktest.SameDocument(t, "openapi.yaml", jsonFile)
}

// Clients generate an exhaustive enum from ErrorCode, so it must be exactly the codes the
// server can send, in the domain's order.
func TestErrorCodeEnumIsTheDomainsList(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	schema := doc.Components.Schemas["ErrorCode"].Value
	var inSpec []string
	for _, v := range schema.Enum {
		inSpec = append(inSpec, v.(string))
	}
	var inDomain []string
	for _, c := range domain.Codes {
		inDomain = append(inDomain, string(c))
	}
	if !slices.Equal(inSpec, inDomain) {
		t.Fatalf("ErrorCode enum in openapi.yaml:\n  %v\ndomain.Codes:\n  %v", inSpec, inDomain)
	}
	for _, c := range inDomain {
		if !strings.Contains(schema.Description, "`"+c+"`") {
			t.Errorf("ErrorCode's description does not document %s", c)
		}
	}
	if ref := doc.Components.Schemas["ApiError"].Value.Properties["code"].Ref; ref != "#/components/schemas/ErrorCode" {
		t.Fatalf("ApiError.code is %q, want the ErrorCode enum", ref)
	}
}

// Every enum names its members for languages whose generators cannot derive good names
// from the wire values (C#: Dark_fantasy), in the same order.
func TestEveryEnumHasMemberNames(t *testing.T) {
	t.Parallel()
	var walk func(path string, s *openapi3.Schema)
	seen := map[*openapi3.Schema]bool{}
	walk = func(path string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if len(s.Enum) > 0 {
			names, _ := s.Extensions["x-enumNames"].([]any)
			if len(names) != len(s.Enum) {
				t.Errorf("%s: %d enum values, %d x-enumNames", path, len(s.Enum), len(names))
			}
		}
		for name, p := range s.Properties {
			walk(path+"."+name, p.Value)
		}
		if s.Items != nil {
			walk(path+"[]", s.Items.Value)
		}
		for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, m := range group {
				walk(path, m.Value)
			}
		}
	}
	for name, s := range loadSpec(t).Components.Schemas {
		walk(name, s.Value)
	}
}

// Each operation shows a successful answer, and every example in the spec is valid
// against its schema, so docs and mock servers never teach a shape the server never sends.
func TestEveryOperationHasAValidSuccessExample(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			found := false
			for code, res := range op.Responses.Map() {
				for ct, media := range res.Value.Content {
					if media.Example == nil {
						continue
					}
					where := method + " " + path + " " + code + " " + ct
					if strings.HasPrefix(code, "2") {
						found = true
					}
					if ct == "text/event-stream" && media.Schema != nil {
						checkEventStreamExample(t, where, media)
						continue
					}
					if ct != "application/json" || media.Schema == nil {
						continue
					}
					// Round-trip through JSON so the example has JSON's types.
					raw, err := json.Marshal(media.Example)
					if err != nil {
						t.Fatal(err)
					}
					var v any
					if err := json.Unmarshal(raw, &v); err != nil {
						t.Fatal(err)
					}
					if err := media.Schema.Value.VisitJSON(v); err != nil {
						t.Errorf("%s: example does not match its schema: %v", where, err)
					}
				}
				if strings.HasPrefix(code, "2") && (code == "204" || isBinary(res.Value)) {
					found = true
				}
				// A WebSocket upgrade answers 101 and has frames, not a body, to show;
				// its description documents them.
				if code == "101" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s (%s) has no 2xx example", method, path, op.OperationID)
			}
		}
	}
}

// checkEventStreamExample checks each event of an event-stream example: its data is valid
// against the stream's event schema.
func checkEventStreamExample(t *testing.T, where string, media *openapi3.MediaType) {
	t.Helper()
	text, ok := media.Example.(string)
	if !ok {
		t.Errorf("%s: an event-stream example must be the stream's text", where)
		return
	}
	events := 0
	for _, line := range strings.Split(text, "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		events++
		var v any
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			t.Errorf("%s: event data is not JSON: %v", where, err)
			continue
		}
		if err := media.Schema.Value.VisitJSON(v); err != nil {
			t.Errorf("%s: event %d does not match its schema: %v", where, events, err)
		}
	}
	if events == 0 {
		t.Errorf("%s: the example has no events", where)
	}
}

func isBinary(res *openapi3.Response) bool {
	for _, media := range res.Content {
		if media.Schema != nil && media.Schema.Value.Format == "binary" {
			return true
		}
	}
	return len(res.Content) > 0
}

// Every response of every operation, errors included, declares X-Request-Id and
// Troupe-Version, which the server always sends.
func TestEveryResponseDeclaresTheRequestID(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, res := range op.Responses.Map() {
				for _, h := range []string{"X-Request-Id", "Troupe-Version"} {
					if res.Value.Headers[h] == nil {
						t.Errorf("%s %s → %s does not declare %s", method, path, code, h)
					}
				}
			}
		}
	}
}

// Servers must work wherever the API runs, so "Try it out" in /docs calls the server that
// served it.
func TestServersAreRelative(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Fatalf("servers = %+v, want one relative server /", doc.Servers)
	}
}
