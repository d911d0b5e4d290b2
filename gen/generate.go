// Package gen holds the code generated from ../openapi.yaml by oapi-codegen: the models,
// the Echo strict-server interface, the embedded spec and a typed client. Do not edit
// *.gen.go; change openapi.yaml and run `make generate`.
package gen

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../openapi.yaml
