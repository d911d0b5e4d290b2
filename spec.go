// Package troupe holds what belongs to the repository as a whole: the OpenAPI contract,
// embedded so the server can serve it exactly as written.
package troupe

import _ "embed"

// OpenAPIYAML is openapi.yaml, the contract every handler and client is generated from.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte
