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

	"github.com/troupe-ai/troupe/domain"
)

var errUnauthorized = echo.NewHTTPError(http.StatusUnauthorized, msgUnauthorized)

// Authenticator resolves an API key to who the request acts as. It answers a
// domain.CodeInvalidAPIKey error for any key it refuses.
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (domain.Principal, error)
}

// authenticate resolves the bearer key once per request, before anything reads the path
// or the body, and puts the principal into the request context. An operation that needs a
// key answers 401 without a valid one (one identical body for every kind of bad key) and
// 403 INSUFFICIENT_SCOPE when the key lacks the operation's scope; so a bad key is always
// a 401, whatever else is wrong with the request. An operation that also admits anonymous
// callers (a signed file URL) treats a bad key as none.
func authenticate(auth Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			op := operationOf(c)
			if op == nil || (!op.keyRequired && !op.keyAccepted) {
				return next(c)
			}
			secret, ok := bearer(c.Request().Header.Get(echo.HeaderAuthorization))
			var p domain.Principal
			var err error
			if ok {
				p, err = auth.Authenticate(c.Request().Context(), secret)
			}
			switch {
			case ok && err == nil:
			case ok && domain.ErrorCode(err) != domain.CodeInvalidAPIKey:
				return err
			case op.keyRequired:
				return errUnauthorized
			default:
				return next(c)
			}
			if op.scope != "" && !p.Has(op.scope) {
				if !op.keyRequired {
					return next(c) // as anonymous: a signed file URL still works
				}
				return domain.Errorf(domain.CodeInsufficientScope, "This key lacks the %q scope this operation needs.", op.scope).
					WithDetails(map[string]any{"required": string(op.scope)})
			}
			r := c.Request()
			c.SetRequest(r.WithContext(domain.WithPrincipal(r.Context(), p)))
			return next(c)
		}
	}
}

// bearerAuth is the validator's AuthenticationFunc. Keys were checked by authenticate
// already; the validator only needs to hear whether this request carries a principal.
// kin-openapi calls it only for operations whose security names bearerAuth.
func bearerAuth(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearerAuth" {
		return fmt.Errorf("security scheme %q not implemented", in.SecuritySchemeName)
	}
	if _, ok := domain.PrincipalFrom(in.RequestValidationInput.Request.Context()); ok {
		return nil
	}
	return errUnauthorized
}

// bearer returns the key of an Authorization header value ("Bearer <key>").
func bearer(authorization string) (string, bool) {
	scheme, key, ok := strings.Cut(authorization, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "", false
	}
	return key, true
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
