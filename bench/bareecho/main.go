// Command bareecho is the baseline of the HTTP benchmarks: a bare Echo server with one
// handler returning a constant JSON body, and no middleware. Troupe's figures are quoted
// as ratios to it, measured in the same run (see BENCHMARKS.md).
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/labstack/echo/v4"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "listen address")
	flag.Parse()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	body := []byte(`{"id":"wld_01jdq3kq3m8f2v4b6n7p9r0s1t","name":"Baseline","seed":42}`)
	e.GET("/constant", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
	})
	log.Fatal(e.Start(*addr))
}
