// Package telemetry is Troupe's observability: Prometheus metrics on a private registry
// and OpenTelemetry traces exported over OTLP/HTTP.
//
// One *Telemetry is built at start (New) and handed to whatever it instruments:
//
//   - Handler serves /metrics in the Prometheus text format.
//   - Middleware is the Echo middleware that makes one server span per request and counts
//     requests by method, route template and status. Register it with Echo's Use (not
//     Pre: the route is known only after routing), after the request id and before the
//     access log, so the log line is written inside the request's span and can carry
//     TraceID.
//   - InstrumentText, InstrumentImage, InstrumentSynth and InstrumentRecognizer wrap the
//     engines so each call is counted, timed and traced as a client span.
//   - TrackStream, RateLimited, ObserveJob and RegisterQueue feed the stream, rate-limit
//     and job metrics.
//   - StartSpan, OpenDB and WrapConnector trace store and queue calls.
//   - LogHandler adds trace_id and span_id to log records made inside a span.
//
// Metrics never carry tenant data: labels hold only values from bounded sets fixed by the
// code or the server's configuration (route templates, methods, statuses, engine names,
// error codes, job types and states, tier and policy names). Concrete paths, ids, models
// chosen per request and anything a client sends are kept out of labels.
//
// Tracing is off unless Config.OTLPEndpoint (or Config.SpanProcessors) is set; while it
// is off the middleware makes no spans at all and TraceID is always "". Spans carry the
// concrete path (which holds resource ids) but never the query string (a signed file URL
// carries its signature there), never request or response bodies, prompts, SQL
// arguments or tenant ids, and errors only as their code or type, never their message.
//
// A nil *Telemetry is valid: every method does nothing (Handler answers 404), so code
// built without telemetry needs no branches.
package telemetry
