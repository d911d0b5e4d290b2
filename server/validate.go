package server

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// validateRequests checks every request against the spec (kin-openapi, through
// oapi-codegen's Echo validator, whose errors the error handler knows). The operation is
// already known (withOperation), so its route and path parameters are handed to the
// validator as they are, instead of its router matching the path against every one of
// the spec's paths again: that search was a tenth of a GET's time. Requests for no
// operation of the spec go through that router, which tells why none matched.
func validateRequests(spec *openapi3.T, options *echomiddleware.Options) (echo.MiddlewareFunc, error) {
	// Hosts are not the validator's business (the server's listener and PUBLIC_URL are).
	spec.Servers = nil
	search, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, err
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if options.Skipper != nil && options.Skipper(c) {
				return next(c)
			}
			var router routers.Router = search
			if op := operationOf(c); op != nil {
				if params, ok := op.pathParams(c.Request()); ok {
					router = knownRoute{route: op.route, params: params}
				}
			}
			if err := echomiddleware.ValidateRequestFromContext(c, router, options); err != nil {
				return err
			}
			return next(c)
		}
	}, nil
}

// pathParams reads the operation's path parameters from the request's escaped path, as
// the validator's own router hands them over (the validator unescapes them itself); ok is
// false when the path does not have the operation's shape.
func (o *operation) pathParams(r *http.Request) (map[string]string, bool) {
	if len(o.idParams) == 0 {
		return map[string]string{}, true
	}
	got := strings.Split(r.URL.EscapedPath(), "/")
	if len(got) != len(o.segments) {
		return nil, false
	}
	params := make(map[string]string, len(o.idParams))
	for i, seg := range o.segments {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		params[strings.TrimSuffix(name, "}")] = got[i]
	}
	return params, true
}

// knownRoute is a router that has already found the request's route.
type knownRoute struct {
	route  *routers.Route
	params map[string]string
}

// FindRoute implements routers.Router.
func (k knownRoute) FindRoute(*http.Request) (*routers.Route, map[string]string, error) {
	return k.route, k.params, nil
}
