package app

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/ratelimit"
	"github.com/troupe-ai/troupe/server"
)

// Config is read from the environment (README's Configuration table lists every name:
// FAL_KEY, API_KEYS, HOST, PORT, DATABASE_URL, DATA_DIR, the engines, timeouts…). Tests build one in code; Defaults gives the
// values the environment would.
type Config struct {
	Env   string `env:"ENV" envDefault:"development"`
	Host  string `env:"HOST" envDefault:"0.0.0.0"`
	Port  int    `env:"PORT" envDefault:"9000"`
	Debug bool   `env:"DEBUG" envDefault:"false"`

	// APIKeys is "key:tenant,key:tenant". Empty means the demo keys. They are seeded into
	// the key store at start-up (and config keys no longer listed are revoked), with every
	// scope but operator and the tier APIKeysTier.
	APIKeys string `env:"API_KEYS,unset"`
	// APIKeysTier is the rate-limit tier of the API_KEYS and demo keys: unlimited by
	// default, so local development, SDK examples and benchmarks are never throttled.
	APIKeysTier string `env:"API_KEYS_TIER" envDefault:"unlimited"`
	// RateLimitTierSpec adds tiers to the built-in free, pro and unlimited ones, or replaces
	// them: "free=requests:100/h+10/s,generations:20/h;enterprise=unlimited".
	RateLimitTierSpec string `env:"RATE_LIMIT_TIERS"`
	// MetricsAddr moves GET /metrics from the API's listener to one of its own
	// (":9090"), to keep it off the public network.
	MetricsAddr string `env:"METRICS_ADDR"`
	// PprofAddr serves Go's runtime profiles (/debug/pprof/) on a listener of its own
	// ("127.0.0.1:6060"), for profiling under load. Off by default: profiles show the
	// process's internals and cost CPU while taken, so never put it on a public address.
	PprofAddr string `env:"PPROF_ADDR"`
	// OTLPEndpoint turns tracing on: spans go to this OTLP/HTTP collector
	// ("http://collector:4318"). TraceSampleRatio is the share of new traces kept.
	OTLPEndpoint     string  `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	TraceSampleRatio float64 `env:"OTEL_TRACES_SAMPLER_ARG" envDefault:"1"`
	// IdempotencyLockTimeout is how long an Idempotency-Key stays claimed by a request
	// that never answered (its replica died) before a retry may run it again; it must
	// exceed the slowest request (a long stream).
	IdempotencyLockTimeout time.Duration `env:"IDEMPOTENCY_LOCK_TIMEOUT" envDefault:"5m"`
	// KeyCacheTTL is how long a replica reuses a key lookup: a revoked key stops working
	// on every replica within it.
	KeyCacheTTL time.Duration `env:"KEY_CACHE_TTL" envDefault:"5s"`
	// MaxSpeechStreams is how many speech streams (streamed TTS, a WebSocket, speak or
	// conversation turns with voice) one tenant may have open at once on this replica.
	MaxSpeechStreams int `env:"MAX_SPEECH_STREAMS" envDefault:"8"`
	// PricesFile is a JSON price table (model id → prices, the shape of the built-in one)
	// whose entries replace the built-in estimates entry by entry; empty keeps those.
	PricesFile string `env:"PRICES_FILE"`
	// UsageFlushInterval is how often the request counts gathered in memory are written:
	// a replica killed outright loses at most this much of them.
	UsageFlushInterval time.Duration `env:"USAGE_FLUSH_INTERVAL" envDefault:"10s"`
	// BudgetCacheTTL is how long a replica trusts what it last read of a tenant's spend
	// cap and month's use: the delay before a reached hard cap is refused there.
	BudgetCacheTTL time.Duration `env:"BUDGET_CACHE_TTL" envDefault:"5s"`
	// BudgetSweepInterval is how often every replica rereads all caps and announces the
	// thresholds passed (those crossed by jobs, with no request after them).
	BudgetSweepInterval time.Duration `env:"BUDGET_SWEEP_INTERVAL" envDefault:"30s"`
	// FalKey enables fal.ai engines. It is removed from the environment once read.
	FalKey string `env:"FAL_KEY,unset"`

	GenerationModel       string  `env:"GENERATION_MODEL" envDefault:"google/gemini-2.5-flash"`
	DialogueModel         string  `env:"DIALOGUE_MODEL" envDefault:"google/gemini-2.5-flash"`
	ValidationModel       string  `env:"VALIDATION_MODEL" envDefault:"google/gemini-2.5-flash-lite"`
	GenerationTemperature float64 `env:"GENERATION_TEMPERATURE" envDefault:"0.9"`
	DialogueTemperature   float64 `env:"DIALOGUE_TEMPERATURE" envDefault:"0.8"`
	ValidationTemperature float64 `env:"VALIDATION_TEMPERATURE" envDefault:"0.0"`

	// The weights of recency, importance and relevance that rank a character's memories
	// for each prompt (see domain.MemoryWeights), and the recency kept per hour of age.
	MemoryWeightRecency    float64 `env:"MEMORY_WEIGHT_RECENCY" envDefault:"1"`
	MemoryWeightImportance float64 `env:"MEMORY_WEIGHT_IMPORTANCE" envDefault:"1"`
	MemoryWeightRelevance  float64 `env:"MEMORY_WEIGHT_RELEVANCE" envDefault:"1"`
	MemoryRecencyDecay     float64 `env:"MEMORY_RECENCY_DECAY" envDefault:"0.995"`

	// TextEngine picks the text engine: local, fal or openai. Empty chooses fal when
	// FAL_KEY is set, else openai when LLM_BASE_URL is set, else local.
	TextEngine  string `env:"TEXT_ENGINE"`
	FalRunURL   string `env:"FAL_RUN_URL" envDefault:"https://fal.run"`
	FalQueueURL string `env:"FAL_QUEUE_URL" envDefault:"https://queue.fal.run"`
	LLMBaseURL  string `env:"LLM_BASE_URL"`
	LLMAPIKey   string `env:"LLM_API_KEY,unset"`
	LLMModel    string `env:"LLM_MODEL"`
	// TextTimeout bounds one call of the text engine (a line, a reaction, a character's
	// generation), retries included: a hung provider answers PROVIDER_TIMEOUT after this,
	// not after a minute. A self-hosted model on a CPU writing long lines may need more.
	TextTimeout time.Duration `env:"TEXT_TIMEOUT" envDefault:"20s"`

	// ImageEngine picks the image engine: local or fal. Empty chooses fal when FAL_KEY is
	// set, else local.
	ImageEngine string `env:"IMAGE_ENGINE"`
	// SpeechEngine picks the TTS and STT engines: local or fal. Empty chooses fal when
	// FAL_KEY is set, else local (espeak-ng and pocketsphinx).
	SpeechEngine string `env:"SPEECH_ENGINE"`

	JobTTLHours int `env:"JOB_TTL_HOURS" envDefault:"24"`
	JobWorkers  int `env:"JOB_WORKERS" envDefault:"4"`
	// JobTimeout bounds one attempt of a job. The fal client's wait for a queued request
	// is derived from it (a little shorter), so fal gives up first and the job records
	// why, instead of being cut off with nothing said.
	JobTimeout time.Duration `env:"JOB_TIMEOUT" envDefault:"5m"`
	// JobMaxAttempts is how many attempts a job gets (crash-interrupted ones included);
	// JobRetryBase the first retry's delay, doubling after each further attempt.
	JobMaxAttempts int           `env:"JOB_MAX_ATTEMPTS" envDefault:"4"`
	JobRetryBase   time.Duration `env:"JOB_RETRY_BASE" envDefault:"1s"`
	// HeartbeatEvery is how often a replica records that it is alive; after
	// ReplicaStaleAfter without a heartbeat its processing jobs are run again elsewhere
	// (or by itself, restarted).
	HeartbeatEvery    time.Duration `env:"HEARTBEAT_EVERY" envDefault:"2s"`
	ReplicaStaleAfter time.Duration `env:"REPLICA_STALE_AFTER" envDefault:"10s"`
	// CleanupEvery is how often expired jobs and media no row owns are deleted;
	// OrphanMediaGrace is how old unowned media must be to go.
	CleanupEvery     time.Duration `env:"CLEANUP_EVERY" envDefault:"15m"`
	OrphanMediaGrace time.Duration `env:"ORPHAN_MEDIA_GRACE" envDefault:"1h"`
	// PublicURL is the address clients reach this server at; file URLs in job results
	// start with it. Empty means http://localhost:PORT.
	PublicURL            string        `env:"PUBLIC_URL"`
	FileURLTTL           time.Duration `env:"FILE_URL_TTL" envDefault:"1h"`
	AllowPrivateWebhooks bool          `env:"ALLOW_PRIVATE_WEBHOOKS" envDefault:"false"`

	DatabaseURL string `env:"DATABASE_URL,unset"`
	// RedisURL makes rate limits exact across replicas (redis://host:6379/0). Without it
	// each replica limits on its own, in memory; while Redis is down, too.
	RedisURL string `env:"REDIS_URL,unset"`
	DataDir  string `env:"DATA_DIR" envDefault:"./var"`
	// MediaStore is where generated images and audio live: "fs" (under DATA_DIR/media,
	// the default) or "s3", an S3-compatible object store that replicas on several
	// machines share (S3_*).
	MediaStore string `env:"MEDIA_STORE" envDefault:"fs"`
	// S3Endpoint is host[:port] without a scheme; S3Insecure talks plain HTTP to it;
	// S3PathStyle puts the bucket in the path (most self-hosted stores need it); S3Prefix
	// starts every object key, so a bucket can be shared.
	S3Endpoint  string `env:"S3_ENDPOINT"`
	S3Bucket    string `env:"S3_BUCKET"`
	S3Prefix    string `env:"S3_PREFIX" envDefault:"media/"`
	S3Region    string `env:"S3_REGION"`
	S3AccessKey string `env:"S3_ACCESS_KEY,unset"`
	S3SecretKey string `env:"S3_SECRET_KEY,unset"`
	S3Insecure  bool   `env:"S3_INSECURE" envDefault:"false"`
	S3PathStyle bool   `env:"S3_PATH_STYLE" envDefault:"false"`

	CORSAllowOrigins []string `env:"CORS_ALLOW_ORIGINS" envSeparator:","`
	MaxBodyBytes     int64    `env:"MAX_BODY_BYTES" envDefault:"1048576"`
	// BodyReadTimeout bounds how long a client may take to send a request body;
	// UploadReadTimeout does for audio uploads (STT). A body still arriving then is
	// refused, so a slow client cannot hold a connection for minutes. Streams are not
	// affected: the deadline ends once the body is read.
	BodyReadTimeout   time.Duration `env:"BODY_READ_TIMEOUT" envDefault:"30s"`
	UploadReadTimeout time.Duration `env:"UPLOAD_READ_TIMEOUT" envDefault:"120s"`
	ShutdownTimeout   time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"30s"`
}

// LoadConfig reads the configuration from the environment and checks it.
func LoadConfig() (Config, error) {
	cfg, err := env.ParseAs[Config]()
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Check()
}

// Defaults is the configuration of an empty environment, for tests to start from.
func Defaults() Config {
	var cfg Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: map[string]string{}}); err != nil {
		panic(err) // the defaults are constants of this file
	}
	return cfg
}

// Check refuses values the server cannot run with, naming every one.
func (c Config) Check() error {
	var errs []error
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("PORT must be 1–65535, got %d", c.Port))
	}
	switch c.MediaStore {
	case "fs":
	case "s3":
		if c.S3Endpoint == "" || c.S3Bucket == "" {
			errs = append(errs, errors.New("MEDIA_STORE=s3 needs S3_ENDPOINT and S3_BUCKET"))
		}
		if strings.Contains(c.S3Endpoint, "://") {
			errs = append(errs, fmt.Errorf("S3_ENDPOINT is host[:port] without a scheme (S3_INSECURE=true for http), got %q", c.S3Endpoint))
		}
		// The orphan sweep deletes what no row owns under the prefix: it must be Troupe's.
		if c.S3Prefix == "" || !strings.HasSuffix(c.S3Prefix, "/") {
			errs = append(errs, fmt.Errorf("S3_PREFIX must be a folder of its own ending in /, got %q", c.S3Prefix))
		}
	default:
		errs = append(errs, fmt.Errorf("MEDIA_STORE must be fs or s3, got %q", c.MediaStore))
	}
	if c.JobTTLHours < 1 {
		errs = append(errs, fmt.Errorf("JOB_TTL_HOURS must be at least 1, got %d", c.JobTTLHours))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("MAX_BODY_BYTES must be at least 1024, got %d", c.MaxBodyBytes))
	}
	for _, t := range []float64{c.GenerationTemperature, c.DialogueTemperature, c.ValidationTemperature} {
		if t < 0 || t > 2 {
			errs = append(errs, fmt.Errorf("temperatures must be 0–2, got %g", t))
			break
		}
	}
	if tiers, err := c.RateLimitTiers(); err != nil {
		errs = append(errs, fmt.Errorf("RATE_LIMIT_TIERS: %w", err))
	} else if _, ok := tiers[c.APIKeysTier]; !ok {
		errs = append(errs, fmt.Errorf("API_KEYS_TIER names no tier: %q", c.APIKeysTier))
	}
	switch c.ActiveTextEngine() {
	case "local", "fal", "openai":
	default:
		errs = append(errs, fmt.Errorf("TEXT_ENGINE must be local, fal or openai, got %q", c.TextEngine))
	}
	switch c.ActiveImageEngine() {
	case "local", "fal":
	default:
		errs = append(errs, fmt.Errorf("IMAGE_ENGINE must be local or fal, got %q", c.ImageEngine))
	}
	if c.ActiveImageEngine() == "fal" && c.FalKey == "" {
		errs = append(errs, errors.New("IMAGE_ENGINE=fal needs FAL_KEY"))
	}
	switch c.ActiveSpeechEngine() {
	case "local", "fal":
	default:
		errs = append(errs, fmt.Errorf("SPEECH_ENGINE must be local or fal, got %q", c.SpeechEngine))
	}
	if c.ActiveSpeechEngine() == "fal" && c.FalKey == "" {
		errs = append(errs, errors.New("SPEECH_ENGINE=fal needs FAL_KEY"))
	}
	if _, err := c.Prices(); err != nil {
		errs = append(errs, fmt.Errorf("PRICES_FILE: %w", err))
	}
	if c.BudgetSweepInterval < time.Second {
		errs = append(errs, fmt.Errorf("BUDGET_SWEEP_INTERVAL must be at least 1s, got %s", c.BudgetSweepInterval))
	}
	if c.UsageFlushInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("USAGE_FLUSH_INTERVAL must be at least 100ms, got %s", c.UsageFlushInterval))
	}
	if c.JobMaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("JOB_MAX_ATTEMPTS must be at least 1, got %d", c.JobMaxAttempts))
	}
	if c.JobTimeout < time.Second {
		errs = append(errs, fmt.Errorf("JOB_TIMEOUT must be at least 1s, got %s", c.JobTimeout))
	}
	if c.HeartbeatEvery <= 0 || c.ReplicaStaleAfter < 2*c.HeartbeatEvery {
		errs = append(errs, fmt.Errorf("REPLICA_STALE_AFTER (%s) must be at least twice HEARTBEAT_EVERY (%s), or a busy replica is taken for dead",
			c.ReplicaStaleAfter, c.HeartbeatEvery))
	}
	if c.BodyReadTimeout < time.Second || c.UploadReadTimeout < time.Second {
		errs = append(errs, fmt.Errorf("BODY_READ_TIMEOUT and UPLOAD_READ_TIMEOUT must be at least 1s, got %s and %s", c.BodyReadTimeout, c.UploadReadTimeout))
	}
	// Bytes are written moments before their row (at most the 30 s an outcome may take to
	// record): a shorter grace could sweep bytes about to be owned.
	if c.OrphanMediaGrace < time.Minute {
		errs = append(errs, fmt.Errorf("ORPHAN_MEDIA_GRACE must be at least 1m, got %s", c.OrphanMediaGrace))
	}
	for _, w := range []float64{c.MemoryWeightRecency, c.MemoryWeightImportance, c.MemoryWeightRelevance} {
		if !(w >= 0 && w <= 10) {
			errs = append(errs, fmt.Errorf("MEMORY_WEIGHT_RECENCY, _IMPORTANCE and _RELEVANCE must be 0–10, got %g", w))
			break
		}
	}
	if c.MemoryWeightRecency+c.MemoryWeightImportance+c.MemoryWeightRelevance == 0 {
		errs = append(errs, errors.New("MEMORY_WEIGHT_RECENCY, _IMPORTANCE and _RELEVANCE must not all be 0"))
	}
	if !(c.MemoryRecencyDecay > 0 && c.MemoryRecencyDecay < 1) {
		errs = append(errs, fmt.Errorf("MEMORY_RECENCY_DECAY must be above 0 and below 1, got %g", c.MemoryRecencyDecay))
	}
	if c.CleanupEvery <= 0 {
		errs = append(errs, fmt.Errorf("CLEANUP_EVERY must be positive, got %s", c.CleanupEvery))
	}
	if c.TextTimeout < time.Second {
		errs = append(errs, fmt.Errorf("TEXT_TIMEOUT must be at least 1s, got %s", c.TextTimeout))
	}
	if c.JobWorkers < 1 {
		errs = append(errs, fmt.Errorf("JOB_WORKERS must be at least 1, got %d", c.JobWorkers))
	}
	if c.FileURLTTL < time.Minute {
		errs = append(errs, fmt.Errorf("FILE_URL_TTL must be at least 1m, got %s", c.FileURLTTL))
	}
	if c.ActiveTextEngine() == "fal" && c.FalKey == "" {
		errs = append(errs, errors.New("TEXT_ENGINE=fal needs FAL_KEY"))
	}
	if c.ActiveTextEngine() == "openai" && c.LLMBaseURL == "" {
		errs = append(errs, errors.New("TEXT_ENGINE=openai needs LLM_BASE_URL"))
	}
	return errors.Join(errs...)
}

// ActiveImageEngine is the image engine to use: the explicit choice, else fal with a key, else
// the local pixel-art renderer.
func (c Config) ActiveImageEngine() string {
	switch {
	case c.ImageEngine != "":
		return strings.ToLower(c.ImageEngine)
	case c.FalKey != "":
		return "fal"
	default:
		return "local"
	}
}

// ActiveSpeechEngine is the speech engine to use, chosen like the image engine.
func (c Config) ActiveSpeechEngine() string {
	switch {
	case c.SpeechEngine != "":
		return strings.ToLower(c.SpeechEngine)
	case c.FalKey != "":
		return "fal"
	default:
		return "local"
	}
}

func (c Config) publicURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	return fmt.Sprintf("http://localhost:%d", c.Port)
}

// ActiveTextEngine is the text engine to use: the explicit choice, else fal with a key, else an
// OpenAI-compatible server when one is configured, else the offline local engine.
func (c Config) ActiveTextEngine() string {
	switch {
	case c.TextEngine != "":
		return strings.ToLower(c.TextEngine)
	case c.FalKey != "":
		return "fal"
	case c.LLMBaseURL != "":
		return "openai"
	default:
		return "local"
	}
}

// RateLimitTiers returns the configured tiers: the built-in ones with RATE_LIMIT_TIERS
// applied.
func (c Config) RateLimitTiers() (map[string]ratelimit.Tier, error) {
	return ratelimit.ParseTiers(c.RateLimitTierSpec)
}

func (c Config) production() bool { return strings.EqualFold(c.Env, "production") }

func (c Config) Addr() string { return fmt.Sprintf("%s:%d", c.Host, c.Port) }

func (c Config) sqlitePath() string { return filepath.Join(c.DataDir, "troupe.db") }

// keys returns the configured keys: API_KEYS, or the demo keys when it is empty. It
// refuses the demo keys in production, whether defaulted or listed.
func (c Config) keys() (out []domain.ConfigKey, demo bool, err error) {
	keys, err := server.ParseKeys(c.APIKeys)
	if err != nil {
		return nil, false, err
	}
	if len(keys) == 0 {
		keys, demo = maps.Clone(server.DemoKeys), true
	}
	for k := range server.DemoKeys {
		if _, ok := keys[k]; ok {
			demo = true
		}
	}
	if demo && c.production() {
		return nil, true, errors.New("ENV=production refuses the demo API keys: set API_KEYS to your own keys")
	}
	for _, secret := range slices.Sorted(maps.Keys(keys)) {
		out = append(out, domain.ConfigKey{Secret: secret, TenantID: keys[secret]})
	}
	return out, demo, nil
}

// MemoryWeights are the configured weights of memory recall.
func (c Config) MemoryWeights() domain.MemoryWeights {
	return domain.MemoryWeights{
		Recency: c.MemoryWeightRecency, Importance: c.MemoryWeightImportance,
		Relevance: c.MemoryWeightRelevance, RecencyDecay: c.MemoryRecencyDecay,
	}
}
