package domain

import (
	"context"
	"strings"
	"time"
)

// Mode is the mode of an API key. A test key works on a data space of its own (it never
// sees live data, nor live keys test data) and always runs on the local deterministic
// engines, so a studio's CI never spends money or reaches a paid provider.
type Mode string

// The key modes.
const (
	ModeLive Mode = "live"
	ModeTest Mode = "test"
)

// Scope is one permission of an API key.
type Scope string

// The scopes. Write does not imply read, nor admin write: a key holds the scopes it was
// given. Operator is never granted over HTTP (only the CLI mints it); it is the one thing
// that crosses tenants.
const (
	ScopeRead     Scope = "read"
	ScopeWrite    Scope = "write"
	ScopeAdmin    Scope = "admin"
	ScopeOperator Scope = "operator"
)

// Scopes lists every scope, in the order the contract documents them.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeAdmin, ScopeOperator}

// testSpaceSuffix ends the data-space id of a tenant's test mode. Tenant ids cannot hold
// '/', so no live tenant's id can equal another tenant's test space.
const testSpaceSuffix = "/test"

// Principal is who a request acts as: the key, its tenant, mode, scopes and tier.
type Principal struct {
	TenantID string
	KeyID    string
	Mode     Mode
	Scopes   []Scope
	// Tier names the rate-limit tier the key's requests count against.
	Tier string
	// ExpiresAt is when the key stops working; nil for never.
	ExpiresAt *time.Time
}

// Space is the id the principal's data is stored under: the tenant's id in live mode,
// "<tenant>/test" in test mode. Every store call is scoped by it, so test and live data
// are as separate as two tenants' data.
func (p Principal) Space() string { return SpaceOf(p.TenantID, p.Mode) }

// Has reports whether the principal holds scope s. Operator holds every scope.
func (p Principal) Has(s Scope) bool {
	for _, have := range p.Scopes {
		if have == s || have == ScopeOperator {
			return true
		}
	}
	return false
}

// SpaceOf is the data-space id of tenant in mode.
func SpaceOf(tenantID string, mode Mode) string {
	if mode == ModeTest {
		return tenantID + testSpaceSuffix
	}
	return tenantID
}

// IsTestSpace reports whether a data-space id (what TenantFrom returns) is a test-mode
// space, so work done for it, in a request or in a background job, uses the local engines.
func IsTestSpace(space string) bool { return strings.HasSuffix(space, testSpaceSuffix) }

// TenantOfSpace returns the tenant a data-space id belongs to.
func TenantOfSpace(space string) string { return strings.TrimSuffix(space, testSpaceSuffix) }

type principalKey struct{}

// WithPrincipal returns a context carrying p; TenantFrom on it returns p's data space.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return WithTenant(context.WithValue(ctx, principalKey{}, p), p.Space())
}

// PrincipalFrom returns the principal of ctx, if the request was authenticated.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// InTestMode reports whether ctx's work belongs to a test-mode data space.
func InTestMode(ctx context.Context) bool {
	t, _ := ctx.Value(tenantKey{}).(string)
	return IsTestSpace(t)
}
