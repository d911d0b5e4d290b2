package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/troupe-ai/troupe/domain"
)

// ctxTenant is the echo.Context key the authenticated tenant is kept under until
// tenantToContext moves it into the request context.
const ctxTenant = "troupe.tenant"

var errUnauthorized = echo.NewHTTPError(http.StatusUnauthorized, msgUnauthorized)

// bearerAuth is the validator's AuthenticationFunc: it resolves the bearer key to a tenant.
// kin-openapi calls it only for operations whose security names bearerAuth, so / and
// /health stay public.
func bearerAuth(keys *Keyring) openapi3filter.AuthenticationFunc {
	return func(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
		if in.SecuritySchemeName != "bearerAuth" {
			return fmt.Errorf("security scheme %q not implemented", in.SecuritySchemeName)
		}
		tenant, ok := tenantFor(keys, in.RequestValidationInput.Request.Header.Get(echo.HeaderAuthorization))
		if !ok {
			return errUnauthorized
		}
		// Only the echo.Context is safe to touch here: replacing the request now would hand
		// the handler a copy whose body the validator is about to drain.
		if c := echomiddleware.GetEchoContext(ctx); c != nil {
			c.Set(ctxTenant, tenant)
		}
		return nil
	}
}

// tenantFor resolves an Authorization header value ("Bearer <key>") to the key's tenant.
func tenantFor(keys *Keyring, authorization string) (string, bool) {
	scheme, key, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "", false
	}
	return keys.Tenant(strings.TrimSpace(key))
}

// keyAccepted reports whether the request may go on as far as the key is concerned: the
// operation admits anonymous callers, or the request carries a valid key. The checks that
// refuse a request before the validator (which checks keys) ask it first, so a bad key is
// always a 401, whatever else is wrong with the request.
func keyAccepted(c echo.Context, op *operation, keys *Keyring) bool {
	if !op.keyRequired {
		return true
	}
	_, ok := tenantFor(keys, c.Request().Header.Get(echo.HeaderAuthorization))
	return ok
}

// tenantToContext runs after validation and puts the tenant into the request context,
// which is all a strict handler sees.
func tenantToContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if t, ok := c.Get(ctxTenant).(string); ok {
			r := c.Request()
			c.SetRequest(r.WithContext(domain.WithTenant(r.Context(), t)))
		}
		return next(c)
	}
}

// multiError picks the one error a client should see from kin-openapi's list: a body that
// could not be read wins (the key check reads the body too, so a body over the limit or
// past its read deadline surfaces inside it), then a failed key check (401, not a 400
// about the body of an unauthenticated request); otherwise the whole list goes to the
// error handler, which reports every field.
func multiError(me openapi3.MultiError) *echo.HTTPError {
	switch cause := unreadBody(me).(type) {
	case *http.MaxBytesError:
		return &echo.HTTPError{Code: http.StatusRequestEntityTooLarge, Internal: me}
	case *bodyTimeoutError:
		return &echo.HTTPError{Code: http.StatusBadRequest, Message: cause.Error(), Internal: cause}
	}
	for _, err := range me {
		var se *openapi3filter.SecurityRequirementsError
		if errors.As(err, &se) {
			return errUnauthorized
		}
	}
	return &echo.HTTPError{Code: http.StatusBadRequest, Message: "invalid request", Internal: me}
}

// unreadBody returns what stopped a read of the body anywhere in kin-openapi's error tree,
// the body limit (*http.MaxBytesError) or the read deadline (*bodyTimeoutError); nil when
// neither did. Its security errors do not unwrap, so the tree is walked by hand.
func unreadBody(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return mbe
	}
	var bte *bodyTimeoutError
	if errors.As(err, &bte) {
		return bte
	}
	var me openapi3.MultiError
	var se *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &se):
		for _, e := range se.Errors {
			if cause := unreadBody(e); cause != nil {
				return cause
			}
		}
	case errors.As(err, &me):
		for _, e := range me {
			if cause := unreadBody(e); cause != nil {
				return cause
			}
		}
	}
	return nil
}
