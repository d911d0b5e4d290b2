package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// canonicalContentType lower-cases the media type of the request's Content-Type and trims
// the space around it, leaving the parameters as sent (a multipart boundary is
// case-sensitive). Media types are case-insensitive (RFC 9110 §8.3.1), but the generated
// handlers pick a body decoder with a case-sensitive prefix match, so every later step gets
// the one canonical spelling.
func canonicalContentType(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if ct := h.Get(echo.HeaderContentType); ct != "" {
			if canon := canonicalMediaType(ct); canon != ct {
				h.Set(echo.HeaderContentType, canon)
			}
		}
		return next(c)
	}
}

// canonicalMediaType returns ct with its media type lower-cased and trimmed; ct itself when
// it is already canonical, so the common request allocates nothing.
func canonicalMediaType(ct string) string {
	mediaType, params, hasParams := strings.Cut(ct, ";")
	trimmed := strings.TrimSpace(mediaType)
	if trimmed == mediaType && !hasUpper(mediaType) {
		return ct
	}
	canon := strings.ToLower(trimmed)
	if hasParams {
		canon += ";" + params
	}
	return canon
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}
