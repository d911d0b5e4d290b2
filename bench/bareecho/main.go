// Command bareecho is the baseline of the HTTP benchmarks: a bare Echo server with no
// middleware. GET /constant answers a constant 66-byte JSON body; GET /doc/{name} answers
// the bytes of the file {name}.json read at start from -docs, so Troupe's own documents
// can be served by the bare stack and the two compared on the same bytes. Troupe's figures
// are quoted as ratios to it, measured in the same run (see BENCHMARKS.md).
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "listen address")
	docsDir := flag.String("docs", "", "directory of {name}.json documents served at /doc/{name}")
	flag.Parse()
	docs := map[string][]byte{}
	if *docsDir != "" {
		paths, err := filepath.Glob(filepath.Join(*docsDir, "*.json"))
		if err != nil {
			log.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				log.Fatal(err)
			}
			docs[strings.TrimSuffix(filepath.Base(p), ".json")] = b
		}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	body := []byte(`{"id":"wld_01jdq3kq3m8f2v4b6n7p9r0s1t","name":"Baseline","seed":42}`)
	e.GET("/constant", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
	})
	e.GET("/doc/:name", func(c echo.Context) error {
		doc, ok := docs[c.Param("name")]
		if !ok {
			return echo.ErrNotFound
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
	})
	log.Fatal(e.Start(*addr))
}
