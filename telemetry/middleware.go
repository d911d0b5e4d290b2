package telemetry

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Middleware counts and times every request and, when tracing is on, runs it in a server
// span named "METHOD route" (just "METHOD" when no route matched), continuing the trace of
// an incoming W3C traceparent header. The request's context carries the span, so
// TraceID, StartSpan and the engine wrappers see it.
//
// The route label is the route template (c.Path()), and RouteUnmatched for a request no
// route matched, so ids and junk paths add no series. Routes in Config.UntracedRoutes
// are counted but make no span.
//
// When the handler returns an error, Middleware hands it to Echo's error handler itself
// and returns nil, so the status it records is the one the error handler sent. Use it
// with Echo's Use, not Pre: before routing there is no route.
func (t *Telemetry) Middleware() echo.MiddlewareFunc {
	if t == nil {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req := c.Request()
			method := methodLabel(req.Method)
			route := c.Path()
			if route == "" {
				route = RouteUnmatched
			}
			var span trace.Span
			if t.provider != nil && !t.untraced[route] {
				ctx := t.propagator.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
				ctx, span = t.tracer.Start(ctx, spanName(method, route),
					trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(requestAttrs(c, method, route)...))
				c.SetRequest(req.WithContext(ctx))
			}
			// A panic unwinds past the code below to the recover middleware, which answers
			// 500 unless a response had started; the request is still counted and its span
			// ended.
			finished := false
			defer func() {
				if !finished {
					status := http.StatusInternalServerError
					if c.Response().Committed {
						status = c.Response().Status
					}
					t.finishRequest(c, span, start, method, route, status, nil)
				}
			}()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			finished = true
			t.finishRequest(c, span, start, method, route, c.Response().Status, err)
			return nil
		}
	}
}

func (t *Telemetry) finishRequest(c echo.Context, span trace.Span, start time.Time, method, route string, status int, err error) {
	t.m.httpRequests.WithLabelValues(method, route, statusLabel(status)).Inc()
	t.m.httpDuration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	if span == nil {
		return
	}
	res := c.Response()
	span.SetAttributes(semconv.HTTPResponseStatusCode(status), semconv.HTTPResponseBodySize(int(res.Size)))
	if id := res.Header().Get(echo.HeaderXRequestID); id != "" {
		span.SetAttributes(attribute.String("troupe.request_id", id))
	}
	// A 4xx is the client's failure, not the server's: OpenTelemetry leaves a server
	// span's status unset for it.
	if err != nil || status >= 500 {
		span.SetAttributes(attribute.String("error.type", errorType(err, status)))
	}
	if status >= 500 {
		span.SetStatus(codes.Error, statusLabel(status))
	}
	span.End()
}

func spanName(method, route string) string {
	if route == RouteUnmatched {
		return method
	}
	return method + " " + route
}

// requestAttrs are the server span's attributes known before the handler runs. The query
// is left out: a signed file URL carries its signature there.
func requestAttrs(c echo.Context, method, route string) []attribute.KeyValue {
	req := c.Request()
	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs, semconv.HTTPRequestMethodKey.String(method), semconv.URLPath(req.URL.Path), semconv.URLScheme(c.Scheme()))
	if method == methodOther {
		attrs = append(attrs, semconv.HTTPRequestMethodOriginal(req.Method))
	}
	if route != RouteUnmatched {
		attrs = append(attrs, semconv.HTTPRoute(route))
	}
	if ua := req.UserAgent(); ua != "" {
		attrs = append(attrs, semconv.UserAgentOriginal(ua))
	}
	return attrs
}
