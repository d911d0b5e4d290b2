package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// APIVersion is the dated version of the API: the date of the newest CHANGELOG.md entry
// (a test holds them together). Every response carries it as Troupe-Version.
const APIVersion = "2026-12-04"

const headerTroupeVersion = "Troupe-Version"

// The older streaming form of speak (POST …/speak asking for text/event-stream, or with
// "stream": true) is deprecated in favour of POST …/speak/stream.
var (
	legacyStreamDeprecated = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	legacyStreamSunset     = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
)

// apiVersion sets Troupe-Version on every response.
func apiVersion(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(headerTroupeVersion, APIVersion)
		return next(c)
	}
}

// markDeprecated sets the headers of a deprecated form (RFC 9745 Deprecation, RFC 8594
// Sunset) and links its successor.
func markDeprecated(h http.Header, deprecated, sunset time.Time, successor string) {
	h.Set("Deprecation", "@"+strconv.FormatInt(deprecated.Unix(), 10))
	h.Set("Sunset", sunset.UTC().Format(http.TimeFormat))
	h.Set("Link", "<"+successor+`>; rel="successor-version"`)
}
