package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// bodyError is a request body refused by strictJSON: malformed (400 BAD_REQUEST) or
// holding text the store cannot keep (422 VALIDATION_ERROR naming each field).
type bodyError struct {
	// kind says what made a 400 (kindSyntax, …); empty for a 422.
	kind    string
	message string
	details map[string]any
	fields  []domain.FieldError
}

func (e *bodyError) Error() string {
	if len(e.fields) > 0 {
		return fmt.Sprintf("request body: %d invalid fields", len(e.fields))
	}
	return e.message
}

// domainError is what the client is told.
func (e *bodyError) domainError() *domain.Error {
	if len(e.fields) > 0 {
		return domain.ValidationError(e.fields...)
	}
	return domain.Errorf(domain.CodeBadRequest, "%s", e.message).WithDetails(e.details)
}

// strictJSON checks the raw bytes of every application/json request body before the
// validator decodes them, refusing what encoding/json (the validator's decoder and the
// handlers') lets through: a charset other than UTF-8, bytes that are not UTF-8 (replaced
// silently), data after the value (ignored), a key twice in one object (the last wins),
// and nesting past maxJSONDepth: 400 each. Strings holding NUL (PostgreSQL cannot store
// it) or an unpaired surrogate escape (replaced silently), and a null where the validator
// would put the schema's default in its place, are 422 naming every such field, together
// with the validator's own field errors. The check is one pass over the bytes that builds
// no value; a bad key still answers 401 first.
func strictJSON() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			op := operationOf(c)
			if op == nil || op.jsonBody == nil || req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			ct := req.Header.Get(echo.HeaderContentType)
			if mediaType, _, _ := strings.Cut(ct, ";"); mediaType != echo.MIMEApplicationJSON {
				return next(c) // another type is the validator's to refuse (415)
			}
			data, err := readBody(req)
			if err != nil {
				return bodyReadError(err)
			}
			req.Body = io.NopCloser(bytes.NewReader(data))
			if len(data) == 0 {
				return next(c) // the validator says whether a body is required
			}
			if err := checkJSON(ct, data, op.jsonBody); err != nil {
				var be *bodyError
				if errors.As(err, &be) && len(be.fields) > 0 {
					// Well-formed but unstorable: the validator still checks the key and the
					// schema, so one 422 lists every bad field; refuseUnstorable stops the
					// request right after it.
					c.Set(ctxUnstorable, be)
					return next(c)
				}
				return err
			}
			return next(c)
		}
	}
}

// ctxUnstorable is the echo.Context key under which strictJSON leaves the 422 problems of
// a well-formed body for refuseUnstorable and the error handler.
const ctxUnstorable = "troupe.unstorable"

// refuseUnstorable runs after the validator and stops a request whose body strictJSON
// found text in the store cannot hold, before any handler sees it.
func refuseUnstorable(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if be, ok := c.Get(ctxUnstorable).(*bodyError); ok {
			return be
		}
		return next(c)
	}
}

// withUnstorable adds strictJSON's field problems to the validator's 422, so the answer
// names every bad field of the body.
func withUnstorable(derr *domain.Error, be *bodyError) *domain.Error {
	fields, _ := derr.Details["fields"].([]domain.FieldError)
	return domain.ValidationError(append(slices.Clone(fields), be.fields...)...)
}

// readBody reads the whole body, in one allocation when its length is declared (the body
// limit has already refused one declared too long).
func readBody(req *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	if req.ContentLength > 0 {
		buf.Grow(int(req.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(req.Body)
	return buf.Bytes(), err
}

// bodyReadError is the answer to a body that could not be read. Too large and too slow
// have their own errors; anything else (the client went away mid-body) is the client's.
func bodyReadError(err error) error {
	var mbe *http.MaxBytesError
	var bte *bodyTimeoutError
	if errors.As(err, &mbe) || errors.As(err, &bte) {
		return err
	}
	return &bodyError{kind: kindSyntax, message: "The request body could not be read."}
}

// checkJSON checks one body (see strictJSON) against its content type and schema.
func checkJSON(contentType string, data []byte, schema *openapi3.Schema) error {
	if err := checkCharset(contentType); err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return &bodyError{kind: kindEncoding, message: fmt.Sprintf("The request body is not valid UTF-8 (at byte %d).", invalidUTF8At(data))}
	}
	return scanJSON(data, schema)
}

// checkCharset refuses a charset parameter other than UTF-8, the only encoding of JSON
// (RFC 8259 §8.1); none at all is fine.
func checkCharset(contentType string) error {
	_, params, _ := strings.Cut(contentType, ";")
	for params != "" {
		var param string
		param, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(param, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "charset") {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"`)
		if !strings.EqualFold(value, "utf-8") {
			return &bodyError{
				kind:    kindEncoding,
				message: fmt.Sprintf("The charset %q is not supported: send JSON as UTF-8.", value),
				details: map[string]any{"charset": value, "supported": []string{"utf-8"}},
			}
		}
	}
	return nil
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
