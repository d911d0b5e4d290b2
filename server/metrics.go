package server

import (
	"context"
	"net/http"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetMetrics answers GET /metrics with the Prometheus exposition, when the metrics are
// served on this listener.
func (h *handlers) GetMetrics(ctx context.Context, _ gen.GetMetricsRequestObject) (gen.GetMetricsResponseObject, error) {
	if h.cfg.Metrics == nil {
		return nil, domain.Errorf(domain.CodeRouteNotFound, "No route GET /metrics: the metrics are served on METRICS_ADDR.")
	}
	return metricsResponse{h.cfg.Metrics}, nil
}

// metricsResponse lets the Prometheus handler write the answer itself: it picks the
// exposition format, which the strict handler's plain-text response could not.
type metricsResponse struct{ h http.Handler }

func (m metricsResponse) VisitGetMetricsResponse(w http.ResponseWriter) error {
	r, err := http.NewRequest(http.MethodGet, "/metrics", nil)
	if err != nil {
		return err
	}
	m.h.ServeHTTP(w, r)
	return nil
}
