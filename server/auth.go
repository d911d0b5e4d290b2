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
		auth := in.RequestValidationInput.Request.Header.Get(echo.HeaderAuthorization)
		scheme, key, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
			return errUnauthorized
		}
		tenant, ok := keys.Tenant(strings.TrimSpace(key))
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

// multiError picks the one error a client should see from kin-openapi's list: a failed
// key check wins (401, not a 400 about the body of an unauthenticated request); otherwise
// the whole list goes to the error handler, which reports every field.
func multiError(me openapi3.MultiError) *echo.HTTPError {
	if bodyTooLarge(me) {
		// The key check reads the body too, so an oversized body surfaces inside it.
		return &echo.HTTPError{Code: http.StatusRequestEntityTooLarge, Internal: me}
	}
	for _, err := range me {
		var se *openapi3filter.SecurityRequirementsError
		if errors.As(err, &se) {
			return errUnauthorized
		}
	}
	return &echo.HTTPError{Code: http.StatusBadRequest, Message: "invalid request", Internal: me}
}

// bodyTooLarge reports whether the body limit stopped a read anywhere in kin-openapi's
// error tree; its security errors do not unwrap, so the tree is walked by hand.
func bodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return true
	}
	var me openapi3.MultiError
	var se *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &se):
		for _, e := range se.Errors {
			if bodyTooLarge(e) {
				return true
			}
		}
	case errors.As(err, &me):
		for _, e := range me {
			if bodyTooLarge(e) {
				return true
			}
		}
	}
	return false
}
