package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/ratelimit"
)

// Config is what the HTTP layer needs besides the services.
type Config struct {
	Version string
	// Auth resolves API keys (a *domain.KeyService in production, a Keyring in tests).
	Auth   Authenticator
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies; MaxUploadBytes caps the audio upload operation.
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// MaxImportBytes caps Character Card imports, whose PNGs carry images. Default 16 MiB.
	MaxImportBytes int64
	// BodyReadTimeout bounds how long a client may take to send a request body (default
	// 30s); UploadReadTimeout does for the audio upload operation (default 120s). A body
	// still arriving then is refused with 400. Responses, streams among them, are not
	// bounded by either.
	BodyReadTimeout   time.Duration
	UploadReadTimeout time.Duration
	// CORSOrigins lists the origins browsers may call from; empty allows any (keys are
	// bearer tokens, never cookies, so no ambient credential rides along).
	CORSOrigins []string
	// Files signs the file URLs job results hand out.
	Files *URLSigner
	// RateLimiter keeps the rate-limit budgets of Tiers; nil serves without limits.
	RateLimiter ratelimit.Limiter
	Tiers       map[string]ratelimit.Tier
	// OnRateLimited, when set, hears of every refused request (for metrics).
	OnRateLimited func(tier, policy string)
	// IdempotencyLockTimeout is how long an Idempotency-Key stays claimed by a request
	// that never answered (its process died) before a retry may run it again (default
	// 5 minutes); IdempotencyRetention how long an answer is kept for replay (24 hours).
	IdempotencyLockTimeout time.Duration
	IdempotencyRetention   time.Duration
	// Middleware runs right after the request id is set, around everything else (metrics
	// and tracing).
	Middleware []echo.MiddlewareFunc
	// Metrics serves GET /metrics; nil answers it 404 (the metrics have a listener of
	// their own).
	Metrics http.Handler
	// TrackStream, when set, is called as an event stream opens and returns what to call
	// as it closes (the open-streams gauge).
	TrackStream func() (closed func())
}

// Services are the domain services the handlers call.
type Services struct {
	Worlds     *domain.WorldService
	Characters *domain.CharacterService
	// Lorebooks keeps the World Info characters know.
	Lorebooks *domain.LorebookService
	// Conversations runs multi-character scenes through the director.
	Conversations *domain.ConversationService
	Defaults      *domain.Defaults
	Jobs          *domain.JobService
	Files         *domain.FileService
	Voice         *domain.VoiceService
	Secrets       domain.SecretStore
	Keys          *domain.KeyService
	// Idempotency keeps the answers of requests sent with an Idempotency-Key.
	Idempotency domain.IdempotencyStore
	System      *domain.SystemService
	// Usage meters requests and billable work and reports them.
	Usage *domain.UsageService
	// Budgets keeps the tenants' spend caps.
	Budgets *domain.BudgetService
	// Endpoints manages webhook endpoints and the events they receive.
	Endpoints *domain.EndpointService
	// Players exports and erases what the tenants keep about their players, and keeps
	// their retention.
	Players *domain.PlayerService
}

// uploadPath is the one operation that takes audio uploads and gets the larger body limit.
const uploadPath = "/v1/voice/stt"

// New returns the HTTP handler: Echo with the middleware chain (docs/ARCHITECTURE.md lists
// it in order) and every operation of the spec registered.
func New(cfg Config, svc Services) (*echo.Echo, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxImportBytes <= 0 {
		cfg.MaxImportBytes = 16 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 24 << 20
	}
	if cfg.BodyReadTimeout <= 0 {
		cfg.BodyReadTimeout = defaultBodyReadTimeout
	}
	if cfg.UploadReadTimeout <= 0 {
		cfg.UploadReadTimeout = defaultUploadReadTimeout
	}
	spec, err := troupe.Spec()
	if err != nil {
		return nil, err
	}
	ops, err := operationsOf(spec)
	if err != nil {
		return nil, err
	}
	limitFor := func(c echo.Context) int64 {
		switch c.Request().URL.Path {
		case uploadPath:
			return cfg.MaxUploadBytes
		case importPath:
			return cfg.MaxImportBytes
		}
		return cfg.MaxBodyBytes
	}
	readTimeoutFor := func(c echo.Context) time.Duration {
		if p := c.Request().URL.Path; p == uploadPath || p == importPath {
			return cfg.UploadReadTimeout
		}
		return cfg.BodyReadTimeout
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(cfg.Logger, limitFor)

	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(requestID())
	e.Use(apiVersion)
	e.Use(cfg.Middleware...)
	e.Use(accessLog(cfg.Logger))
	e.Use(serverTiming())
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: cfg.CORSOrigins,
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, headerRequestID, headerIdempotencyKey},
		ExposeHeaders: []string{headerRequestID, headerTroupeVersion, "Server-Timing", "Deprecation", "Sunset", "Link", echo.HeaderLocation, echo.HeaderRetryAfter,
			ratelimit.HeaderRateLimit, ratelimit.HeaderRateLimitPolicy, headerIdempotentReplayed, headerOriginalRequestID},
	}))
	e.Use(canonicalContentType)
	// The key first: a bad key is a 401 whatever else is wrong, and a refused request costs
	// no rate-limit budget.
	e.Use(withOperation(ops))
	e.Use(authenticate(cfg.Auth))
	// Every authenticated request is counted, refused ones too, and carries the meter its
	// billable work is recorded on.
	e.Use(metering(svc.Usage))
	if cfg.RateLimiter != nil {
		e.Use(rateLimit(rateLimitConfig{
			Limiter: cfg.RateLimiter, Tiers: cfg.Tiers, OnRefused: cfg.OnRateLimited, Logger: cfg.Logger,
			IsGeneration: func(c echo.Context) bool {
				op := operationOf(c)
				return op != nil && op.generation
			},
		}))
	}
	// Ids that cannot exist are answered before anything reads the body.
	e.Use(pathIDs())
	// The read deadline wraps the body before the limit does, so both hold for every read.
	e.Use(bodyReadDeadline(readTimeoutFor))
	// The body limit runs before validation because kin-openapi reads whole bodies into
	// memory, before it even checks the key.
	e.Use(bodyLimit(limitFor))
	// encoding/json, which the validator and the handlers decode with, is lenient; JSON
	// bodies are checked strictly first.
	e.Use(strictJSON())
	validator, err := validateRequests(spec, &echomiddleware.Options{
		Options: openapi3filter.Options{
			AuthenticationFunc: bearerAuth,
			MultiError:         true,
		},
		MultiErrorHandler: multiError,
		Skipper:           func(c echo.Context) bool { return isDocsPath(c) || isConsolePath(c) },
	})
	if err != nil {
		return nil, err
	}
	e.Use(validator)
	// A body strictJSON found unstorable text in stops here, after the validator has added
	// its own field errors to the answer.
	e.Use(refuseUnstorable)
	if svc.Idempotency != nil {
		idem := idempotency(svc.Idempotency, idempotencyOptions{
			LockTimeout: cfg.IdempotencyLockTimeout, Retention: cfg.IdempotencyRetention, Logger: cfg.Logger,
		})
		// Only the operations whose contract takes an Idempotency-Key.
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
			withKey := idem(next)
			return func(c echo.Context) error {
				if op := operationOf(c); op != nil && op.idempotent {
					return withKey(c)
				}
				return next(c)
			}
		})
	}

	// A tenant past its hard spend cap is refused generation before any work. Inside the
	// idempotency step: a retry of a request that ran before the cap was reached gets its
	// stored answer, not a refusal.
	e.Use(budgetGuard(svc.Budgets))

	if err := registerDocs(e); err != nil {
		return nil, err
	}
	registerConsole(e)
	h := &handlers{cfg: cfg, svc: svc, worldBodies: newWorldBodies()}
	gen.RegisterHandlers(e, gen.NewStrictHandler(h, []gen.StrictMiddlewareFunc{acceptToContext}))
	e.POST(importPath, h.importCharacter)
	e.GET(speechSocketPath, h.speechSocket)
	return e, nil
}

// bodyLimit refuses bodies over the route's limit: at once from Content-Length, or when the
// reader passes the limit for chunked bodies.
func bodyLimit(limitFor func(echo.Context) int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := limitFor(c)
			req := c.Request()
			if req.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			}
			return next(c)
		}
	}
}

// handlers implements gen.StrictServerInterface.
type handlers struct {
	cfg Config
	svc Services
	// worldBodies caches GET /v1/worlds/{id}'s encoded answers (see worldBody).
	worldBodies *worldBodies
}

var _ gen.StrictServerInterface = (*handlers)(nil)
