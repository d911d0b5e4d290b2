// Package server is Troupe's HTTP adapter: the Echo setup, the middleware chain, one strict
// handler file per OpenAPI tag, and the single error handler that turns every failure into
// the standard ErrorResponse.
//
// Handlers are thin: they map the generated request object to domain arguments, call one
// domain method, and map the result to the generated response type. They return domain
// errors and never write error bodies themselves.
package server
