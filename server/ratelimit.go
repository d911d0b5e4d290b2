package server

import (
	"log/slog"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
)

// rateLimitConfig configures rateLimit.
type rateLimitConfig struct {
	// Limiter keeps the budgets; a ratelimit.FailOpen over Redis in production.
	Limiter ratelimit.Limiter
	// Tiers holds the tiers by name. A key of a tier missing here gets the "free" tier
	// (ratelimit.DefaultTiers' when Tiers has none).
	Tiers map[string]ratelimit.Tier
	// IsGeneration reports whether the request calls a model or queues media work, so
	// counts against the tier's Generations too; nil means no request does.
	IsGeneration func(c echo.Context) bool
	// OnRefused, when set, hears of every refused request, for metrics.
	OnRefused func(tier, policy string)
	// Logger receives configuration problems and limiter failures; slog.Default when nil.
	Logger *slog.Logger
}

// ctxRateLimited marks a request rateLimit has counted, so a request passing the
// middleware twice is counted once.
const ctxRateLimited = "troupe.ratelimited"

// rateLimit counts each authenticated request against its key's tier, in a budget the
// tenant's keys of that tier and mode share (test mode has its own), and sets RateLimit
// and RateLimit-Policy on the response before the handler runs, so error responses carry
// them too. A refused request is not served: it answers 429 RATE_LIMITED with Retry-After.
// Anonymous requests and unlimited tiers pass untouched and get no headers.
//
// A key whose tier is unknown is limited as a free key, the safe reading of what is a
// configuration bug, and the tier is logged once. A failing Limiter lets requests pass
// unlimited (limits must not take the service down), logged.
func rateLimit(cfg rateLimitConfig) echo.MiddlewareFunc {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	free, ok := cfg.Tiers[ratelimit.FreeTier]
	if !ok {
		free = ratelimit.DefaultTiers()[ratelimit.FreeTier]
	}
	var reported sync.Map // unknown tier names already logged
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := c.Request().Context()
			p, ok := domain.PrincipalFrom(ctx)
			if !ok || c.Get(ctxRateLimited) != nil {
				return next(c)
			}
			c.Set(ctxRateLimited, true)
			name := p.Tier
			tier, ok := cfg.Tiers[name]
			if !ok {
				if _, seen := reported.LoadOrStore(name, true); !seen {
					log.Warn("rate limit: unknown tier; limiting its keys as free", slog.String("tier", name))
				}
				name, tier = ratelimit.FreeTier, free
			}
			policies := tier.Policies(cfg.IsGeneration != nil && cfg.IsGeneration(c))
			if len(policies) == 0 {
				return next(c)
			}
			d, err := ratelimit.Check(ctx, cfg.Limiter, p.TenantID+":"+string(p.Mode)+":"+name, policies)
			if err != nil {
				log.LogAttrs(ctx, slog.LevelWarn, "rate limit: limiter failed; request not limited",
					slog.String("request_id", requestIDOf(c)), slog.Any("error", err))
				return next(c)
			}
			d.SetHeaders(c.Response().Header())
			if !d.Allowed {
				if cfg.OnRefused != nil {
					cfg.OnRefused(name, d.Policy)
				}
				return domain.Errorf(domain.CodeRateLimited,
					"Too many requests: the %q limit of this key's tier is used up. Retry after %d s.", d.Policy, d.RetryAfter).
					WithDetails(map[string]any{"policy": d.Policy, "tier": name, "retry_after": d.RetryAfter})
			}
			return next(c)
		}
	}
}
