package server

import (
	"net/url"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// maxIDLen is the longest id there can be: ids are a short prefix and a 26-character ULID
// (domain.NewID), and the spec caps path ids at 64.
const maxIDLen = 64

// notFoundOf says, for every path parameter of the spec, which error answers an id that
// cannot exist. The messages are the domain's for an unknown id, so a caller cannot tell
// an impossible id from a missing one.
var notFoundOf = map[string]struct {
	code domain.Code
	noun string
}{
	"world_id":        {domain.CodeWorldNotFound, "world"},
	"character_id":    {domain.CodeCharNotFound, "character"},
	"job_id":          {domain.CodeJobNotFound, "job"},
	"file_id":         {domain.CodeFileNotFound, "file"},
	"key_id":          {domain.CodeKeyNotFound, "API key"},
	"memory_id":       {domain.CodeMemoryNotFound, "memory entry"},
	"endpoint_id":     {domain.CodeWebhookEndpointNotFound, "webhook endpoint"},
	"event_id":        {domain.CodeEventNotFound, "event"},
	"conversation_id": {domain.CodeConversationNotFound, "conversation"},
	"lorebook_id":     {domain.CodeLorebookNotFound, "lorebook"},
	"entry_id":        {domain.CodeLoreEntryNotFound, "lorebook entry"},
	// A player id is the game's own and names nothing stored (an unknown player has
	// empty data, not a 404): paramChecks answers it instead.
	"player_id": {domain.CodeBadRequest, "player"},
}

// paramChecks replace the not-found answer for the path parameters that are not ids of
// stored resources: each returns the error of a value the operation cannot take, nil for
// one it can. A player id that is not 1 to 100 letters, digits or _.:@- is a bad
// parameter (400 BAD_REQUEST, field player_id), refused before any query.
var paramChecks = map[string]func(string) *domain.Error{
	"player_id": func(id string) *domain.Error {
		if domain.ValidPlayerID(id) {
			return nil
		}
		return domain.PlayerIDError()
	},
}

// pathIDs answers 404, before any query and before the validator, for a path id that
// cannot exist: invalid UTF-8, control characters (NUL among them) or longer than any id.
// PostgreSQL refuses such text outright (a 500), and the validator would answer an
// undeclared 400 for a long one; every id that cannot exist gets the answer of an unknown
// one instead. A parameter with an entry in paramChecks gets that check's answer instead.
func pathIDs() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			op := operationOf(c)
			if op == nil {
				return next(c)
			}
			for _, name := range op.idParams {
				id := pathParam(c, name)
				if check, ok := paramChecks[name]; ok {
					if err := check(id); err != nil {
						return err
					}
					continue
				}
				if possibleID(id) {
					continue
				}
				return impossibleID(name, id)
			}
			return next(c)
		}
	}
}

// pathParam returns the decoded value of a path parameter. Echo matches on the raw path
// when the URL has one, and the generated wrappers unescape the value themselves then; the
// check must see what they will hand the handler.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// possibleID reports whether id could be an id: at most maxIDLen bytes of valid UTF-8
// without control characters. Anything else is refused before it reaches a query.
func possibleID(id string) bool {
	if len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); {
		if b := id[i]; b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(id[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) {
			return false
		}
		i += size
	}
	return true
}

// impossibleID is the not-found error of the parameter's resource. An id longer than any
// id is echoed cut short, so a megabyte of path does not come back twice in the body.
func impossibleID(param, id string) *domain.Error {
	nf := notFoundOf[param]
	if len(id) > maxIDLen {
		id = id[:maxIDLen] + "…"
	}
	return domain.Errorf(nf.code, "No %s with id %q.", nf.noun, id).WithDetails(map[string]any{"id": id})
}
