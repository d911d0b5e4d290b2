package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// statusOf maps every domain code to its HTTP status. A code missing here is a bug that
// shows as 500.
var statusOf = map[domain.Code]int{
	domain.CodeBadRequest:              http.StatusBadRequest,
	domain.CodeInvalidAPIKey:           http.StatusUnauthorized,
	domain.CodeRouteNotFound:           http.StatusNotFound,
	domain.CodeWorldNotFound:           http.StatusNotFound,
	domain.CodeCharNotFound:            http.StatusNotFound,
	domain.CodeJobNotFound:             http.StatusNotFound,
	domain.CodeFileNotFound:            http.StatusNotFound,
	domain.CodeMethodNotAllowed:        http.StatusMethodNotAllowed,
	domain.CodePayloadTooLarge:         http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMediaType:    http.StatusUnsupportedMediaType,
	domain.CodeJobNotCancelable:        http.StatusConflict,
	domain.CodeValidation:              http.StatusUnprocessableEntity,
	domain.CodeInvalidRole:             http.StatusUnprocessableEntity,
	domain.CodeInvalidArchetype:        http.StatusUnprocessableEntity,
	domain.CodeTabooConflict:           http.StatusUnprocessableEntity,
	domain.CodeInvalidAudio:            http.StatusUnprocessableEntity,
	domain.CodeAudioTooLong:            http.StatusUnprocessableEntity,
	domain.CodeAudioTooLarge:           http.StatusUnprocessableEntity,
	domain.CodeInternal:                http.StatusInternalServerError,
	domain.CodeFalServiceError:         http.StatusBadGateway,
	domain.CodeProviderError:           http.StatusBadGateway,
	domain.CodeEngineUnavailable:       http.StatusServiceUnavailable,
	domain.CodeProviderTimeout:         http.StatusGatewayTimeout,
	domain.CodeInsufficientScope:       http.StatusForbidden,
	domain.CodeRateLimited:             http.StatusTooManyRequests,
	domain.CodeIdempotencyKeyReused:    http.StatusUnprocessableEntity,
	domain.CodeIdempotencyKeyInUse:     http.StatusConflict,
	domain.CodeKeyNotFound:             http.StatusNotFound,
	domain.CodeMemoryNotFound:          http.StatusNotFound,
	domain.CodeConversationNotFound:    http.StatusNotFound,
	domain.CodeConversationBusy:        http.StatusConflict,
	domain.CodeConversationEnded:       http.StatusConflict,
	domain.CodeWebhookEndpointNotFound: http.StatusNotFound,
	domain.CodeEventNotFound:           http.StatusNotFound,
	domain.CodeBudgetExceeded:          http.StatusPaymentRequired,
	domain.CodeLorebookNotFound:        http.StatusNotFound,
	domain.CodeLoreEntryNotFound:       http.StatusNotFound,
	domain.CodeInvalidCard:             http.StatusUnprocessableEntity,
}

// Messages fixed for a whole class of failure. The 401 message is the same for a missing,
// malformed or unknown key so a caller learns nothing about which keys exist.
const (
	msgUnauthorized = `Missing or invalid API key. Send "Authorization: Bearer <key>".`
	msgInternal     = "Something went wrong on our side. Quote the request id if you contact us."
)

// errorHandler is Echo's HTTPErrorHandler and the only writer of error bodies: domain
// errors from handlers, the validator's and router's *echo.HTTPError, the body limit,
// and recovered panics all end here.
func errorHandler(log *slog.Logger, bodyLimit func(c echo.Context) int64) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			// A stream already sent its status; the error can only end it.
			return
		}
		derr := toDomainError(err, bodyLimit(c))
		if be, ok := c.Get(ctxUnstorable).(*bodyError); ok && derr.Code == domain.CodeValidation && !errors.Is(err, be) {
			derr = withUnstorable(derr, be)
		}
		status, ok := statusOf[derr.Code]
		if !ok {
			status = http.StatusInternalServerError
		}
		// A client that went away is not a server failure.
		if status >= 500 && !errors.Is(err, context.Canceled) {
			log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed",
				slog.String("request_id", requestIDOf(c)), slog.String("code", string(derr.Code)), slog.Any("error", err))
		}
		if status == http.StatusUnauthorized {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="troupe"`)
		}
		body := gen.ErrorResponse{Error: gen.ApiError{
			Code:      gen.ErrorCode(derr.Code),
			Message:   derr.Message,
			Details:   toDetails(derr.Details),
			RequestId: requestIDOf(c),
		}}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, body)
		}
		if err != nil {
			log.Error("writing error response", slog.Any("error", err))
		}
	}
}

func toDetails(m map[string]any) gen.ErrorDetails {
	d := gen.ErrorDetails{AdditionalProperties: map[string]any{}}
	for k, v := range m {
		if k == "fields" {
			if fs, ok := v.([]domain.FieldError); ok {
				out := make([]gen.FieldError, len(fs))
				for i, f := range fs {
					out[i] = gen.FieldError{Field: f.Field, Message: f.Message}
				}
				d.Fields = &out
				continue
			}
		}
		d.AdditionalProperties[k] = v
	}
	return d
}

// toDomainError classifies any error into a domain error safe to show.
func toDomainError(err error, limit int64) *domain.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	if de := fromBodyError(err); de != nil {
		return de
	}
	var de *domain.Error
	if errors.As(err, &de) {
		if _, known := statusOf[de.Code]; known && de.Code != domain.CodeInternal {
			return de
		}
		return domain.Errorf(domain.CodeInternal, msgInternal)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromHTTPError(he, limit)
	}
	return domain.Errorf(domain.CodeInternal, msgInternal)
}

func fromHTTPError(he *echo.HTTPError, limit int64) *domain.Error {
	if he.Internal != nil {
		if de := fromValidation(he.Internal, limit); de != nil {
			return de
		}
	}
	switch he.Code {
	case http.StatusUnauthorized, http.StatusForbidden:
		// kin-openapi turns a non-HTTP auth failure into 403; both mean "no valid key".
		return domain.Errorf(domain.CodeInvalidAPIKey, msgUnauthorized)
	case http.StatusNotFound:
		return domain.Errorf(domain.CodeRouteNotFound, "No route matches this path. See /docs for the API.")
	case http.StatusMethodNotAllowed:
		return domain.Errorf(domain.CodeMethodNotAllowed, "This path does not accept that method. See /docs for the API.")
	case http.StatusRequestEntityTooLarge:
		return tooLarge(limit)
	case http.StatusUnsupportedMediaType:
		return domain.Errorf(domain.CodeUnsupportedMediaType, "The Content-Type is not supported by this operation.")
	case http.StatusBadRequest:
		return domain.Errorf(domain.CodeBadRequest, "The request could not be read: %s", firstLine(fmt.Sprint(he.Message)))
	}
	return domain.Errorf(domain.CodeInternal, msgInternal)
}

// fromBodyError returns the answer to a body refused before validation or too slow to
// arrive, wherever it sits in err's tree; nil for any other error.
func fromBodyError(err error) *domain.Error {
	var bte *bodyTimeoutError
	if errors.As(err, &bte) {
		return bte.domainError()
	}
	var be *bodyError
	if errors.As(err, &be) {
		return be.domainError()
	}
	return nil
}

func tooLarge(limit int64) *domain.Error {
	return domain.Errorf(domain.CodePayloadTooLarge, "The request body is larger than %d bytes.", limit).
		WithDetails(map[string]any{"limit_bytes": limit})
}

// fromValidation turns kin-openapi's error tree into one domain error: a body that is too
// large, of the wrong type or unparsable wins over field errors, because those make the
// field errors meaningless. Field errors in parameters give 400 BAD_REQUEST; in the body,
// 422 VALIDATION_ERROR. It returns nil for errors it does not recognise.
func fromValidation(err error, limit int64) *domain.Error {
	var reqErrs []*openapi3filter.RequestError
	collectRequestErrors(err, &reqErrs)
	if len(reqErrs) == 0 {
		return nil
	}
	var paramFields, bodyFields []domain.FieldError
	for _, re := range reqErrs {
		var mbe *http.MaxBytesError
		if errors.As(re.Err, &mbe) {
			return tooLarge(limit)
		}
		switch {
		case re.RequestBody != nil && strings.HasPrefix(re.Reason, "header Content-Type"):
			return domain.Errorf(domain.CodeUnsupportedMediaType, "Content-Type %q is not supported by this operation.",
				re.Input.Request.Header.Get(echo.HeaderContentType)).
				WithDetails(map[string]any{"supported": supportedTypes(re)})
		case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return domain.Errorf(domain.CodeBadRequest, "The request body is required.")
		case re.RequestBody != nil && (re.Reason == "failed to decode request body" || isParseError(re.Err)):
			return domain.Errorf(domain.CodeBadRequest, "The request body is not valid JSON: %s", firstLine(causeText(re.Err)))
		case re.Parameter != nil:
			paramFields = append(paramFields, schemaFields(re.Err, re.Parameter.Name)...)
		case re.RequestBody != nil:
			bodyFields = append(bodyFields, schemaFields(re.Err, "")...)
		}
	}
	if len(paramFields) > 0 {
		return domain.ParameterError(paramFields...)
	}
	if len(bodyFields) > 0 {
		return domain.ValidationError(bodyFields...)
	}
	return nil
}

// collectRequestErrors lists the top-level request errors. It must not unwrap a
// RequestError: its cause is often a MultiError of the schema errors within.
func collectRequestErrors(err error, out *[]*openapi3filter.RequestError) {
	switch e := err.(type) {
	case *openapi3filter.RequestError:
		*out = append(*out, e)
	case openapi3.MultiError:
		for _, inner := range e {
			collectRequestErrors(inner, out)
		}
	}
}

func supportedTypes(re *openapi3filter.RequestError) []string {
	var types []string
	for t := range re.RequestBody.Content {
		types = append(types, t)
	}
	return types
}

func isParseError(err error) bool {
	var pe *openapi3filter.ParseError
	return errors.As(err, &pe)
}

func causeText(err error) string {
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) && pe.Cause != nil {
		return pe.Cause.Error()
	}
	if err == nil {
		return "unreadable"
	}
	return err.Error()
}

// propertyReason matches kin-openapi's reasons that name a property instead of pointing at
// it: an unknown property or a missing required one.
var propertyReason = regexp.MustCompile(`^property "([^"]+)" is (unsupported|missing)$`)

// schemaFields flattens schema errors to one FieldError each. It uses the error's Reason
// and JSON pointer, never Error(), which would print the schema and the rejected value.
func schemaFields(err error, param string) []domain.FieldError {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []domain.FieldError
		for _, e := range me {
			out = append(out, schemaFields(e, param)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		path := se.JSONPointer()
		reason := se.Reason
		if m := propertyReason.FindStringSubmatch(reason); m != nil {
			// kin-openapi points at a missing property but at the parent of an unknown one.
			if len(path) == 0 || path[len(path)-1] != m[1] {
				path = append(path, m[1])
			}
			if m[2] == "unsupported" {
				reason = "is not a known field"
			} else {
				reason = "is required"
			}
		}
		if se.SchemaField == "nullable" {
			// The words the JSON scanner uses for a null it refuses itself.
			reason = "must not be null"
		}
		field := strings.Join(path, ".")
		if param != "" {
			field = param
		}
		return []domain.FieldError{{Field: field, Message: reason}}
	}
	field := param
	msg := "is invalid"
	if err != nil {
		msg = firstLine(causeText(err))
	}
	return []domain.FieldError{{Field: field, Message: msg}}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
