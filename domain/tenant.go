package domain

import "context"

type tenantKey struct{}

// WithTenant returns a context carrying the tenant the request was authenticated as.
func WithTenant(ctx context.Context, tenantID string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenantID)
}

// TenantFrom returns the authenticated tenant of ctx. It fails with CodeInvalidAPIKey when
// there is none, so a route that forgot authentication cannot reach data.
func TenantFrom(ctx context.Context) (string, error) {
	t, _ := ctx.Value(tenantKey{}).(string)
	if t == "" {
		return "", Errorf(CodeInvalidAPIKey, "Missing or invalid API key.")
	}
	return t, nil
}
