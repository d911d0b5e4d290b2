package server

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// routeKey names an operation the way Echo routes it: method and route path
// ("/v1/characters/:character_id").
type routeKey struct{ method, path string }

// operation is what the checks that run before the validator need to know about one
// operation of the spec.
type operation struct {
	// idParams are the path parameters, all of them ids.
	idParams []string
	// keyRequired is true when the operation accepts no anonymous caller, so a request
	// with a bad key answers 401 before anything about its path or body.
	keyRequired bool
	// keyAccepted is true when a key is one way in (keyRequired, or an operation that
	// also admits anonymous callers).
	keyAccepted bool
	// scope is what a key needs for the operation (its x-troupe-scope).
	scope domain.Scope
	// idempotent marks operations that take an Idempotency-Key (the key endpoints do not:
	// a replayed key creation would hand its secret out again, and keep it stored).
	idempotent bool
	// generation marks operations that call a model or queue media work
	// (x-troupe-rate-limit: generation), which count against their own rate-limit budget.
	generation bool
	// jsonBody is the schema of an application/json request body; nil when the operation
	// takes none.
	jsonBody *openapi3.Schema
	// id is the spec's operationId, which usage counts requests by.
	id string
	// route is the operation as the request validator takes it, and segments the spec
	// path split at "/", so the validator need not find either again per request.
	route    *routers.Route
	segments []string
}

// ctxOperation is the echo.Context key of the request's operation, set once by
// withOperation for every later step.
const ctxOperation = "troupe.operation"

// withOperation looks the request's operation up once (nil for routes the spec does not
// have, such as the docs), so the steps after it need not.
func withOperation(ops map[routeKey]*operation) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxOperation, ops[routeKey{c.Request().Method, c.Path()}])
			return next(c)
		}
	}
}

// operationOf returns the request's operation, or nil.
func operationOf(c echo.Context) *operation {
	op, _ := c.Get(ctxOperation).(*operation)
	return op
}

// operationsOf indexes the spec's operations by their Echo route. A path parameter
// without an entry in notFoundOf is an error, so a new one cannot slip past pathIDs.
func operationsOf(spec *openapi3.T) (map[routeKey]*operation, error) {
	ops := map[routeKey]*operation{}
	for path, item := range spec.Paths.Map() {
		var params []string
		segments := strings.Split(path, "/")
		for i, seg := range segments {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if _, known := notFoundOf[name]; !known {
					return nil, fmt.Errorf("path %s: parameter %q has no not-found code", path, name)
				}
				params = append(params, name)
				segments[i] = ":" + name
			}
		}
		echoPath := strings.Join(segments, "/")
		for method, op := range item.Operations() {
			o := &operation{idParams: params, keyRequired: keyRequired(spec, op), keyAccepted: keyAccepted(spec, op), id: operationID(op),
				route:    &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op},
				segments: strings.Split(path, "/")}
			if sc, ok := op.Extensions["x-troupe-scope"].(string); ok {
				o.scope = domain.Scope(sc)
			}
			o.generation = op.Extensions["x-troupe-rate-limit"] == "generation"
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && p.Value.Name == headerIdempotencyKey {
					o.idempotent = true
				}
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					o.jsonBody = mt.Schema.Value
				}
			}
			ops[routeKey{method, echoPath}] = o
		}
	}
	return ops, nil
}

// keyAccepted reports whether some security requirement of op names bearerAuth.
func keyAccepted(spec *openapi3.T, op *openapi3.Operation) bool {
	security := spec.Security
	if op.Security != nil {
		security = *op.Security
	}
	for _, req := range security {
		if _, ok := req["bearerAuth"]; ok {
			return true
		}
	}
	return false
}

// keyRequired reports whether every security requirement of op needs a key; an empty
// requirement ({}) admits anonymous callers.
func keyRequired(spec *openapi3.T, op *openapi3.Operation) bool {
	security := spec.Security
	if op.Security != nil {
		security = *op.Security
	}
	for _, req := range security {
		if len(req) == 0 {
			return false
		}
	}
	return len(security) > 0
}

// operationID is op's operationId as the contract spells it: the generator embeds the
// spec with the first letter capitalized ("ListWorlds" for listWorlds).
func operationID(op *openapi3.Operation) string {
	id := op.OperationID
	if id == "" {
		return ""
	}
	return strings.ToLower(id[:1]) + id[1:]
}
