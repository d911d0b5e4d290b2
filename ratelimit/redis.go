package ratelimit

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/troupe-ai/troupe/domain"
)

// Redis is a GCRA Limiter in Redis (github.com/go-redis/redis_rate): each call is one
// atomic script on the server's clock, so every process sharing the Redis shares one
// exact budget per bucket. Keys are "rate:" + prefix + bucket and expire once full.
type Redis struct {
	client redis.UniversalClient
	rate   *redis_rate.Limiter
	prefix string
}

// NewRedis returns a Limiter on client (a *redis.Client, or a cluster or ring client) whose
// keys start with prefix.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, rate: redis_rate.NewLimiter(client), prefix: prefix}
}

func limitOf(p Policy) redis_rate.Limit {
	return redis_rate.Limit{Rate: p.Quota, Burst: p.Quota, Period: p.Window}
}

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, bucket string, p Policy) (Result, error) {
	if err := p.usable(); err != nil {
		return Result{}, err
	}
	res, err := r.rate.Allow(ctx, r.prefix+bucket, limitOf(p))
	if err != nil {
		return Result{}, err
	}
	out := Result{Allowed: res.Allowed > 0, Remaining: res.Remaining, ResetAfter: max(res.ResetAfter, 0)}
	if !out.Allowed {
		out.RetryAfter = max(res.RetryAfter, 0)
	}
	return out, nil
}

// Refund implements Refunder. It runs the library's script with a cost of -1, which moves
// the TAT back by one interval; when that would make the bucket full the script leaves the
// key alone, so such a refund is lost, costing the bucket at most one interval's request.
func (r *Redis) Refund(ctx context.Context, bucket string, p Policy) (Result, error) {
	if err := p.usable(); err != nil {
		return Result{}, err
	}
	res, err := r.rate.AllowN(ctx, r.prefix+bucket, limitOf(p), -1)
	if err != nil {
		return Result{}, err
	}
	return Result{Allowed: true, Remaining: min(res.Remaining, p.Quota), ResetAfter: max(res.ResetAfter, 0)}, nil
}

// Ping reports whether Redis answers; it makes Redis a domain.Pinger.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Engine names what keeps the budgets, for health reports.
func (r *Redis) Engine() string { return "redis" }

// Status reports ok when Redis answers a ping within a second, and degraded otherwise:
// the server keeps serving without its rate limiter's store.
func (r *Redis) Status(ctx context.Context) domain.DependencyHealth {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		return domain.DependencyHealth{Status: domain.StatusDegraded, Engine: r.Engine(), Detail: "Redis does not answer"}
	}
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: r.Engine()}
}
