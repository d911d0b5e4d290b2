// Package console holds the studio console, the web dashboard the server serves at
// /console: its sources (src/, index.html, app.css) and, in dist/, the files build.mjs
// makes from them with esbuild. dist/ is committed, so a clone builds the server without
// npm; `make check-console` rebuilds it and fails when it differs.
package console

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Files are the built console: index.html, app.js and app.css.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed directive guarantees dist exists
	}
	return sub
}
