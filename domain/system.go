package domain

import "context"

// Status is a dependency's or the service's health.
type Status string

// The health statuses.
const (
	StatusOK          Status = "ok"
	StatusDegraded    Status = "degraded"
	StatusUnavailable Status = "unavailable"
)

// DependencyHealth is one dependency's health and what serves it.
type DependencyHealth struct {
	Status Status
	Engine string
	Model  string
	Detail string
}

// Health is the service's health: each dependency's, and the worst that matters.
type Health struct {
	Status   Status
	Version  string
	Database DependencyHealth
	Queue    DependencyHealth
	Text     DependencyHealth
	Speech   DependencyHealth
	Image    DependencyHealth
	// RateLimiter is degraded while its shared store (Redis) is down and limits fall back
	// to each replica's memory.
	RateLimiter DependencyHealth
}

// Pinger reports whether a dependency answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// EngineStatus reports an engine's health; it is asked at every health check because an
// engine can come and go (a package installed or removed, a provider key revoked).
type EngineStatus func(ctx context.Context) DependencyHealth

// SystemService answers health checks.
type SystemService struct {
	Version string
	// Database is pinged on each check; DatabaseEngine names it ("sqlite", "postgres").
	Database       Pinger
	DatabaseEngine string
	Queue          EngineStatus
	Text           EngineStatus
	Speech         EngineStatus
	Image          EngineStatus
	RateLimiter    EngineStatus
}

// Health checks every dependency. The service is unavailable without its database and
// degraded when any other dependency is not ok.
func (s *SystemService) Health(ctx context.Context) Health {
	h := Health{
		Status:      StatusOK,
		Version:     s.Version,
		Database:    DependencyHealth{Status: StatusOK, Engine: s.DatabaseEngine},
		Queue:       ask(ctx, s.Queue),
		Text:        ask(ctx, s.Text),
		Speech:      ask(ctx, s.Speech),
		Image:       ask(ctx, s.Image),
		RateLimiter: ask(ctx, s.RateLimiter),
	}
	if err := s.Database.Ping(ctx); err != nil {
		h.Database.Status, h.Database.Detail = StatusUnavailable, "the database does not answer"
		h.Status = StatusUnavailable
		return h
	}
	for _, d := range []DependencyHealth{h.Queue, h.Text, h.Speech, h.Image, h.RateLimiter} {
		if d.Status != StatusOK {
			h.Status = StatusDegraded
		}
	}
	return h
}

func ask(ctx context.Context, f EngineStatus) DependencyHealth {
	if f == nil {
		return DependencyHealth{Status: StatusUnavailable, Engine: "none", Detail: "not implemented yet"}
	}
	return f(ctx)
}
