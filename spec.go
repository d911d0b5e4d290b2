// Package troupe holds what belongs to the repository as a whole: the OpenAPI contract,
// embedded so the server can serve it exactly as written, and the version it declares.
package troupe

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// OpenAPIYAML is openapi.yaml, the contract every handler and client is generated from.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

// Version is the API's version: openapi.yaml's info.version, which / and /health report
// and `troupe version` prints, so the contract and the server can never disagree.
var Version = specVersion()

func specVersion() string {
	var doc struct {
		Info struct {
			Version string `yaml:"version"`
		} `yaml:"info"`
	}
	if err := yaml.Unmarshal(OpenAPIYAML, &doc); err != nil || doc.Info.Version == "" {
		panic(fmt.Sprintf("openapi.yaml has no info.version: %v", err))
	}
	return doc.Info.Version
}

// OpenAPIJSON converts openapi.yaml to JSON node for node, nothing added or renamed, so
// /openapi.json and /openapi.yaml are one document in two notations.
func OpenAPIJSON() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(OpenAPIYAML, &doc); err != nil {
		return nil, err
	}
	doc, err := jsonValue(doc)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

// jsonValue makes a decoded YAML value JSON-encodable: mappings whose keys YAML decoded
// as numbers or booleans get those keys as strings, which is what they mean in a spec.
func jsonValue(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			v[k] = j
		}
		return v, nil
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = j
		}
		return m, nil
	case []any:
		for i, e := range v {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			v[i] = j
		}
		return v, nil
	default:
		return v, nil
	}
}

// Spec parses openapi.yaml. The server validates requests against it, not against the
// copy oapi-codegen embeds in gen/, which leaves out the operations excluded from code
// generation (importCharacter) and so would refuse them.
func Spec() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return doc, nil
}
