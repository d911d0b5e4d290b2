package server

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/console"
	"github.com/troupe-ai/troupe/domain"
)

// consolePrefix is where the studio console is served.
const consolePrefix = "/console"

// registerConsole serves the studio console's embedded files: /console is its page and
// /console/<file> its assets. It needs no key of its own: the page asks for one and calls
// the public API with it, so it sees exactly what that key may see. Every answer says
// no-cache (the files are small, and a new release must never meet an old script).
func registerConsole(e *echo.Echo) {
	files := console.Files()
	serve := func(c echo.Context, name string) error {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return domain.Errorf(domain.CodeRouteNotFound, "No console file %q.", name)
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// The console loads only its own files and talks only to this origin.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; frame-ancestors 'none'")
		return c.Blob(http.StatusOK, ct, data)
	}
	e.GET(consolePrefix, func(c echo.Context) error { return serve(c, "index.html") })
	e.GET(consolePrefix+"/", func(c echo.Context) error { return serve(c, "index.html") })
	e.GET(consolePrefix+"/*", func(c echo.Context) error {
		name := strings.TrimPrefix(c.Param("*"), "/")
		if name == "" || strings.Contains(name, "..") {
			name = "index.html"
		}
		return serve(c, name)
	})
}

// isConsolePath reports whether the request is for the console's files, which are not
// operations of the spec and so bypass its validator (and its key check).
func isConsolePath(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == consolePrefix || strings.HasPrefix(p, consolePrefix+"/")
}
