package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/troupe-ai/troupe"
)

// specDocuments returns the spec as written (YAML) and the same document as JSON.
func specDocuments() (yamlDoc, jsonDoc []byte, err error) {
	jsonDoc, err = troupe.OpenAPIJSON()
	return troupe.OpenAPIYAML, jsonDoc, err
}

// registerDocs serves the spec and the interactive docs. The Swagger UI assets are
// embedded in the binary, so /docs works offline.
func registerDocs(e *echo.Echo) error {
	yamlDoc, jsonDoc, err := specDocuments()
	if err != nil {
		return err
	}
	e.GET("/openapi.yaml", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", yamlDoc)
	})
	e.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, jsonDoc)
	})
	ui := v5emb.NewWithConfig(swgui.Config{ShowTopBar: false})("Troupe API", "/openapi.json", "/docs/")
	// /docs itself serves the page (its assets have absolute paths), so a bare curl or a
	// link checker gets 200 rather than a redirect with an empty body.
	e.GET("/docs", func(c echo.Context) error {
		r := c.Request().Clone(c.Request().Context())
		r.URL.Path = "/docs/"
		ui.ServeHTTP(c.Response(), r)
		return nil
	})
	e.GET("/docs/*", echo.WrapHandler(ui))
	return nil
}

// isDocsPath reports whether the request is for the docs or the spec, which are not
// operations of the spec itself and so bypass its validator.
func isDocsPath(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/openapi.yaml" || p == "/openapi.json" || p == "/docs" || len(p) > 5 && p[:6] == "/docs/"
}
