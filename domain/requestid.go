package domain

import "context"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request it serves, so what the request
// writes (memory entries) can say which request wrote it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id WithRequestID put in ctx, or "" outside a request
// (a job, a command).
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
