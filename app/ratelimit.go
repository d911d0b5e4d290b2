package app

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
)

// rateLimiter builds the limiter REDIS_URL asks for: Redis-backed, exact across replicas,
// falling back to this replica's memory while Redis is down (limits must never take the
// service down); in memory alone without REDIS_URL.
func (a *App) rateLimiter(cfg Config) (ratelimit.Limiter, error) {
	if cfg.RedisURL == "" {
		return ratelimit.NewMemory(), nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// Short timeouts, bounded by each call's context, so a Redis outage costs a request
	// a fraction of a millisecond after the first failure, not a dial timeout.
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	opt.DialerRetries = 1
	a.redis = redis.NewClient(opt)
	return ratelimit.NewFailOpen(ratelimit.NewRedis(a.redis, "troupe:rl:"), ratelimit.NewMemory(), a.Logger), nil
}

// limiterStatus reports the limiter's health for /health.
func limiterStatus(l ratelimit.Limiter) domain.EngineStatus {
	type statuser interface {
		Status(ctx context.Context) domain.DependencyHealth
	}
	return func(ctx context.Context) domain.DependencyHealth {
		if s, ok := l.(statuser); ok {
			return s.Status(ctx)
		}
		return domain.DependencyHealth{Status: domain.StatusOK, Engine: "memory"}
	}
}
