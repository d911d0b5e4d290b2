package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/gen"
)

// specDocuments returns the spec as written (YAML) and as JSON.
func specDocuments() (yamlDoc, jsonDoc []byte, err error) {
	sw, err := gen.GetSwagger()
	if err != nil {
		return nil, nil, err
	}
	jsonDoc, err = json.Marshal(sw)
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
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/") })
	e.GET("/docs/*", echo.WrapHandler(ui))
	return nil
}

// isDocsPath reports whether the request is for the docs or the spec, which are not
// operations of the spec itself and so bypass its validator.
func isDocsPath(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/openapi.yaml" || p == "/openapi.json" || p == "/docs" || len(p) > 5 && p[:6] == "/docs/"
}
