// Package app is Troupe's one composition root: configuration and overrides in, the
// running application out. `troupe serve`, the end-to-end tests and the benchmarks all
// build the application here, so what they exercise is what production runs.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/worldgen"
	"github.com/troupe-ai/troupe/jobs"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/recognition"
	"github.com/troupe-ai/troupe/media"
	"github.com/troupe-ai/troupe/ratelimit"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/telemetry"
	"github.com/troupe-ai/troupe/webhook"
)

// Overrides replace parts the configuration would build. Nil and zero fields are built
// from the configuration; tests set the engines, the log and the fast schedules.
type Overrides struct {
	Logger     *slog.Logger
	Generator  domain.WorldGenerator
	Text       domain.TextModel
	Images     domain.ImageModel
	Synth      domain.SpeechSynth
	Recognizer domain.SpeechRecognizer
	// OtherSynths are the engines not in use whose voices the catalogue lists; nil means
	// the configured other engine, an empty non-nil slice none.
	OtherSynths []domain.SpeechSynth
	// JobTTL replaces JOB_TTL_HOURS, for expiries shorter than an hour.
	JobTTL time.Duration
	// WebhookBackoff replaces the webhook retry schedule (a day long).
	WebhookBackoff func(attempt int) time.Duration
}

// App is the running application: the HTTP handler and the job workers over one store.
type App struct {
	// closers stop what the app started for its engines (the recognizer's warm
	// decoders), in Close.
	closers []func() error

	Config Config
	DB     *store.DB
	// Handler serves the API.
	Handler *echo.Echo
	// Services are the domain services behind the handler, for in-process callers
	// (benchmarks).
	Services server.Services
	// Signer signs the file URLs handed out in results.
	Signer  *server.URLSigner
	Queue   *jobs.Queue
	Workers *jobs.Workers
	Runner  *domain.JobRunner
	// Telemetry holds the metrics (GET /metrics, or METRICS_ADDR) and the tracer.
	Telemetry *telemetry.Telemetry
	// Limiter keeps the rate-limit budgets: Redis-backed (falling back to memory while
	// Redis is down) when REDIS_URL is set, else in memory.
	Limiter ratelimit.Limiter
	redis   *redis.Client
	// Keys authenticates requests and manages tenants and keys.
	Keys *domain.KeyService
	// DemoKeys is true when the server accepts the built-in demo keys.
	DemoKeys bool
	Logger   *slog.Logger
	// usage meters use; stopUsage ends its flushing of request counts (after a last one).
	usage     *domain.UsageService
	stopUsage func()
	// budgets keeps the spend caps; stopBudgets ends its sweep.
	budgets     *domain.BudgetService
	stopBudgets func()
}

// New opens the store and builds every service, engine and adapter the configuration
// asks for. Nothing runs in the background until Start.
func New(ctx context.Context, cfg Config, o Overrides) (*App, error) {
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	keys, demo, err := cfg.keys()
	if err != nil {
		return nil, err
	}
	tel, err := telemetry.New(telemetry.Config{
		ServiceName: "troupe", Version: troupe.Version, OTLPEndpoint: cfg.OTLPEndpoint,
		SampleRatio: cfg.TraceSampleRatio, Logger: log, UntracedRoutes: []string{"/health", "/metrics"},
	})
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	opts := store.Options{URL: cfg.DatabaseURL, SQLitePath: cfg.sqlitePath()}
	if tel.Tracing() {
		// Only when traced: the wrapped driver is one more layer under every statement.
		opts.OpenDB = tel.OpenDB
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		_ = tel.Shutdown(ctx)
		return nil, err
	}
	a := &App{Config: cfg, DB: db, DemoKeys: demo, Logger: log, Telemetry: tel}
	if err := a.build(ctx, keys, o); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, keys []domain.ConfigKey, o Overrides) error {
	cfg, db := a.Config, a.DB
	version := troupe.Version
	gen := o.Generator
	if gen == nil {
		g, err := worldgen.New()
		if err != nil {
			return fmt.Errorf("world generator: %w", err)
		}
		gen = g
	}
	defaults, err := domain.ParseDefaults(data.Defaults)
	if err != nil {
		return err
	}
	defaults.LocalEngine = domain.EngineInfo{
		Engine: dialogue.EngineName, Model: dialogue.ModelName, Languages: []string{dialogue.Language},
		Note: "The offline engine understands and speaks English only; model engines answer in the player's language.",
	}
	text, models, err := textModel(cfg)
	if err != nil {
		return fmt.Errorf("text engine: %w", err)
	}
	if o.Text != nil {
		text = o.Text
	}
	images := imageModel(cfg)
	if o.Images != nil {
		images = o.Images
	}
	synth, recognizer, other := speechEngines(cfg)
	others := []domain.SpeechSynth{other}
	if o.Synth != nil {
		synth = o.Synth
	}
	if o.Recognizer != nil {
		recognizer = o.Recognizer
	}
	if o.OtherSynths != nil {
		others = o.OtherSynths
	}
	tel := a.Telemetry
	// The test-mode text engine is the local one; when that is the live engine too, it is
	// shared rather than loaded twice.
	localText, _ := text.(*dialogue.Engine)
	text = tel.InstrumentText(text, cfg.ActiveTextEngine())
	images = tel.InstrumentImage(images, cfg.ActiveImageEngine())
	synth = tel.InstrumentSynth(synth, cfg.ActiveSpeechEngine())
	// What the engine itself says it is good for, read before the wrappers hide it.
	advice, _ := recognizer.(domain.Advisor)
	// Test mode's local recognizer is the live one when that is local too (its warm
	// decoders are shared); the app stops the decoders of those it made.
	// (A recognizer given in Overrides is its giver's to close.)
	localRec, _ := recognizer.(*recognition.Recognizer)
	switch {
	case localRec == nil:
		localRec = recognition.New()
		a.closers = append(a.closers, localRec.Close)
	case o.Recognizer == nil:
		a.closers = append(a.closers, localRec.Close)
	}
	recognizer = tel.InstrumentRecognizer(recognizer, cfg.ActiveSpeechEngine())
	if text, images, synth, recognizer, err = withTestMode(tel, localText, localRec, text, images, synth, recognizer); err != nil {
		return fmt.Errorf("test-mode engines: %w", err)
	}
	usage, err := newUsage(cfg, db)
	if err != nil {
		return err
	}
	a.usage = usage
	text, images, synth, recognizer = meterEngines(text, images, synth, recognizer)
	tiers, err := cfg.RateLimitTiers()
	if err != nil {
		return err
	}
	if a.Limiter, err = a.rateLimiter(cfg); err != nil {
		return err
	}
	a.Keys = &domain.KeyService{Store: db, CacheTTL: cfg.KeyCacheTTL, KnownTier: func(name string) bool { _, ok := tiers[name]; return ok }}
	if err := a.Keys.SeedConfigKeys(ctx, keys, cfg.APIKeysTier); err != nil {
		return fmt.Errorf("API_KEYS: %w", err)
	}

	webhooks := jobs.NewWebhooks(cfg.AllowPrivateWebhooks)
	voice := &domain.VoiceService{Synth: synth, Recognizer: recognizer, Others: others, Fetch: webhooks.Fetch,
		Characters: db, MaxStreams: cfg.MaxSpeechStreams, Advisor: advice}
	signingKey, err := db.ServerSecret(ctx, "file_url_signing")
	if err != nil {
		return err
	}
	a.Signer = &server.URLSigner{Key: []byte(signingKey), BaseURL: cfg.publicURL(), TTL: cfg.FileURLTTL}
	mediaStore, err := newMediaStore(ctx, cfg)
	if err != nil {
		return err
	}

	settings := domain.RunSettings{
		Runner: newRunnerID(), MaxAttempts: cfg.JobMaxAttempts, AttemptTimeout: cfg.JobTimeout,
		RetryBase: cfg.JobRetryBase, HeartbeatEvery: cfg.HeartbeatEvery, StaleAfter: cfg.ReplicaStaleAfter,
	}.WithDefaults()
	if a.Queue, err = jobs.NewQueue(ctx, db, settings.MaxAttempts, cfg.DatabaseURL); err != nil {
		return err
	}
	a.Runner = &domain.JobRunner{Store: db, Queue: a.Queue, Images: images, Speech: synth, Media: mediaStore, Settings: settings, Usage: usage,
		Observe: func(typ domain.JobType, outcome string, wait, run time.Duration) {
			tel.ObserveJob(typ, outcome, wait, run)
		}}
	tel.RegisterQueue(db.JobCounts)
	a.budgets = &domain.BudgetService{Store: db, Usage: db, Events: a.Queue, CacheTTL: cfg.BudgetCacheTTL}
	ttl := time.Duration(cfg.JobTTLHours) * time.Hour
	if o.JobTTL > 0 {
		ttl = o.JobTTL
	}
	cleanup := &domain.CleanupService{Store: db, Media: mediaStore, Idempotency: db, Events: db, Players: db, JobTTL: ttl, OrphanGrace: cfg.OrphanMediaGrace}
	hooks := &domain.WebhookService{Store: db, Webhooks: webhooks, Secrets: db, Payload: server.JobPayload(a.Signer)}
	endpoints := &domain.EndpointService{Store: db, Jobs: db, Sender: webhooks, Queue: a.Queue,
		NewSecret: webhook.GenerateSecret, Render: server.EventPayload(a.Signer)}
	a.Workers, err = jobs.NewWorkers(a.Queue, a.Runner, hooks, cleanup, jobs.WorkerOptions{
		Workers: cfg.JobWorkers, CleanupEvery: cfg.CleanupEvery, WebhookBackoff: o.WebhookBackoff, Logger: a.Logger,
		Endpoints: endpoints,
	})
	if err != nil {
		return err
	}

	files := &domain.FileService{Store: db, Media: mediaStore}
	characters := &domain.CharacterService{
		Store: db, Worlds: db, Text: text, Defaults: defaults, Models: models, Voices: voice,
		MemoryWeights: cfg.MemoryWeights(), Lorebooks: db, Files: files,
	}
	a.Services = server.Services{
		Worlds:        &domain.WorldService{Store: db, Generator: gen, Lorebooks: db},
		Lorebooks:     &domain.LorebookService{Store: db},
		Characters:    characters,
		Conversations: &domain.ConversationService{Store: db, Characters: characters},
		Defaults:      defaults,
		Jobs:          &domain.JobService{Store: db, Queue: a.Queue, Characters: db, Webhooks: webhooks, Speech: synth},
		Files:         files,
		Voice:         voice,
		Secrets:       db,
		Keys:          a.Keys,
		Idempotency:   db,
		Usage:         usage,
		Budgets:       a.budgets,
		Endpoints:     endpoints,
		Players:       &domain.PlayerService{Store: db},
		System: &domain.SystemService{
			Version: version, Database: db, DatabaseEngine: string(db.Dialect()),
			Queue: a.Queue.Status, Text: text.Status, Image: images.Status, Speech: voice.SpeechStatus,
			RateLimiter: limiterStatus(a.Limiter),
		},
	}
	a.Handler, err = server.New(server.Config{
		Version:                version,
		Auth:                   a.Keys,
		RateLimiter:            a.Limiter,
		Tiers:                  tiers,
		IdempotencyLockTimeout: cfg.IdempotencyLockTimeout,
		OnRateLimited:          tel.RateLimited,
		TrackStream:            tel.TrackStream,
		Middleware:             []echo.MiddlewareFunc{tel.Middleware()},
		Metrics:                metricsOnAPI(cfg, tel),
		Logger:                 a.Logger,
		MaxBodyBytes:           cfg.MaxBodyBytes,
		BodyReadTimeout:        cfg.BodyReadTimeout,
		UploadReadTimeout:      cfg.UploadReadTimeout,
		CORSOrigins:            cfg.CORSAllowOrigins,
		Files:                  a.Signer,
	}, a.Services)
	return err
}

// metricsOnAPI is what serves GET /metrics on the API's listener: the metrics, unless
// METRICS_ADDR gives them a listener of their own.
func metricsOnAPI(cfg Config, tel *telemetry.Telemetry) http.Handler {
	if cfg.MetricsAddr != "" {
		return nil
	}
	return tel.Handler()
}

// Start runs the job workers and the replica's heartbeat. They run on a context of their
// own: they must outlive a canceled serve long enough to finish running jobs (Stop).
func (a *App) Start(ctx context.Context) error {
	if err := a.Workers.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job workers: %w", err)
	}
	a.stopUsage = startUsageFlush(a.usage, a.Config.UsageFlushInterval, a.Logger)
	a.stopBudgets = startBudgetSweep(a.budgets, a.Config.BudgetSweepInterval, a.Logger)
	return nil
}

// Stop lets running jobs finish until ctx is done, then cancels them (they are run again
// later); the HTTP server is the caller's to shut down first.
func (a *App) Stop(ctx context.Context) error {
	err := a.Workers.Stop(ctx)
	if a.stopUsage != nil {
		a.stopUsage()
	}
	if a.stopBudgets != nil {
		a.stopBudgets()
	}
	return err
}

// Close releases the queue's connections and closes the store, after Stop.
func (a *App) Close() error {
	if a.Queue != nil {
		a.Queue.Close()
	}
	if a.redis != nil {
		a.redis.Close()
	}
	// Flush the last spans, briefly: closing must not hang on a collector that is gone.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = a.Telemetry.Shutdown(ctx)
	for _, c := range a.closers {
		_ = c()
	}
	return a.DB.Close()
}

// newRunnerID names this process in job claims and heartbeats: unique per start, so a
// restarted replica never mistakes its dead predecessor's claims for its own.
func newRunnerID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "rep_" + hex.EncodeToString(b[:])
}

// newMediaStore is the configured media store: files under DATA_DIR/media, or an
// S3-compatible bucket.
func newMediaStore(ctx context.Context, cfg Config) (domain.MediaStore, error) {
	if cfg.MediaStore != "s3" {
		return &media.FS{Dir: filepath.Join(cfg.DataDir, "media")}, nil
	}
	return media.NewS3(ctx, media.S3Config{
		Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, Prefix: cfg.S3Prefix, Region: cfg.S3Region,
		AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Insecure: cfg.S3Insecure, PathStyle: cfg.S3PathStyle,
	})
}
