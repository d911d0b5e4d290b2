package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetApiInfo answers GET /.
func (h *handlers) GetApiInfo(ctx context.Context, _ gen.GetApiInfoRequestObject) (gen.GetApiInfoResponseObject, error) {
	return gen.GetApiInfo200JSONResponse{Body: gen.ApiInfo{
		Name:       "Troupe API",
		Version:    h.cfg.Version,
		DocsUrl:    "/docs",
		OpenapiUrl: "/openapi.yaml",
		HealthUrl:  "/health",
	}}, nil
}

// GetHealth answers GET /health: 200 while the service can serve, 503 when it cannot.
func (h *handlers) GetHealth(ctx context.Context, _ gen.GetHealthRequestObject) (gen.GetHealthResponseObject, error) {
	health := h.svc.System.Health(ctx)
	body := gen.Health{
		Status:  gen.HealthStatus(health.Status),
		Version: health.Version,
	}
	body.Dependencies.Database = toDependency(health.Database)
	body.Dependencies.Queue = toDependency(health.Queue)
	body.Dependencies.Text = toDependency(health.Text)
	body.Dependencies.Speech = toDependency(health.Speech)
	body.Dependencies.Image = toDependency(health.Image)
	body.Dependencies.RateLimiter = toDependency(health.RateLimiter)
	if health.Status == domain.StatusUnavailable {
		return gen.GetHealth503JSONResponse{Body: body}, nil
	}
	return gen.GetHealth200JSONResponse{Body: body}, nil
}

func toDependency(d domain.DependencyHealth) gen.DependencyHealth {
	return gen.DependencyHealth{
		Status: gen.DependencyHealthStatus(d.Status),
		Engine: d.Engine,
		Model:  optional(d.Model),
		Detail: optional(d.Detail),
	}
}

// optional maps a Go zero value to an absent JSON field.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
