package server_test

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/console"
)

// TestConsoleIsServed: /console is the console's page, its assets come with their types,
// it needs no key (the page asks for one), a missing file is a 404 in the standard shape,
// and the whole console is under 300 KB compressed.
func TestConsoleIsServed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	noKey := map[string]string{"Authorization": ""}
	for _, c := range []struct {
		path, contentType, contains string
	}{
		{"/console", "text/html", `src="/console/app.js"`},
		{"/console/", "text/html", "<title>Troupe console</title>"},
		{"/console/app.js", "text/javascript", "/v1/usage"},
		{"/console/app.css", "text/css", "--accent"},
	} {
		res, body := do(t, "GET", b.url+c.path, nil, noKey)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.contentType) || !strings.Contains(string(body), c.contains) {
			t.Errorf("GET %s: %d %s, %d bytes", c.path, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s headers %v", c.path, res.Header)
		}
	}
	res, body := do(t, "GET", b.url+"/console/nope.js", nil, noKey)
	if res.StatusCode != 404 || !strings.Contains(string(body), `"ROUTE_NOT_FOUND"`) {
		t.Errorf("a missing console file: %d %s", res.StatusCode, body)
	}

	var compressed bytes.Buffer
	zw := gzip.NewWriter(&compressed)
	err := fs.WalkDir(console.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(console.Files(), path)
		if err == nil {
			_, err = zw.Write(data)
		}
		return err
	})
	if err != nil || zw.Close() != nil {
		t.Fatal(err)
	}
	if compressed.Len() > 300<<10 {
		t.Errorf("the console is %d KB compressed; the budget is 300 KB", compressed.Len()>>10)
	}
}
