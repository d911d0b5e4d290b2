package domain

import (
	"context"
	"time"
)

// UsageMetric is a kind of use that is metered.
type UsageMetric string

// The metered kinds of use. Quantities are integers in each metric's base unit: a count,
// tokens, characters, or milliseconds for the audio metrics (reported as seconds).
const (
	MetricRequests        UsageMetric = "requests"
	MetricRateLimited     UsageMetric = "rate_limited"
	MetricTokensIn        UsageMetric = "tokens_in"
	MetricTokensOut       UsageMetric = "tokens_out"
	MetricTTSCharacters   UsageMetric = "tts_characters"
	MetricTTSAudioSeconds UsageMetric = "tts_audio_seconds"
	MetricSTTAudioSeconds UsageMetric = "stt_audio_seconds"
	MetricImages          UsageMetric = "images"
	MetricJobs            UsageMetric = "jobs"
	// MetricCacheHits counts the image and speech jobs answered from the cache of
	// identical requests, by job type, with the engine and model that made the stored
	// result; they cost nothing.
	MetricCacheHits UsageMetric = "cache_hits"
)

// UsageRecord is a quantity of one kind of use in one hour, by one key of one data space.
type UsageRecord struct {
	// TenantID is the data space (a test-mode key's is "<tenant>/test").
	TenantID string
	// KeyID is the key whose request did the work; empty when none is known.
	KeyID string
	// Hour is the start of the hour (UTC) the use fell in.
	Hour   time.Time
	Metric UsageMetric
	// Engine, Model and Detail say what the use was: engine and model for model calls,
	// Detail the operation, the image size or the job type and outcome.
	Engine, Model, Detail string
	Quantity              int64
	// CostNanoUSD is the estimated cost in billionths of a dollar, priced when the work
	// was done.
	CostNanoUSD int64
}

// UsageStore keeps metered use.
type UsageStore interface {
	// AddUsage adds the records to their hour's counters, in one transaction.
	AddUsage(ctx context.Context, recs []UsageRecord) error
	// SumUsage returns the total quantity and cost of the space's use of the metrics in
	// [from, to); no metrics means every metric (for the cost).
	SumUsage(ctx context.Context, tenantID string, metrics []UsageMetric, from, to time.Time) (quantity, costNanoUSD int64, err error)
}

// UsageQuery selects the use a report sums: one data space, optionally one key, over
// [From, To), summed in buckets of Step starting at From.
type UsageQuery struct {
	TenantID string
	// KeyID, when AllKeys is false, keeps only that key's use.
	KeyID   string
	AllKeys bool
	From    time.Time
	To      time.Time
	Step    time.Duration
}

// UsageRow is one summed line of one bucket and key, as a UsageReader returns it.
type UsageRow struct {
	Bucket time.Time
	KeyID  string
	Line   UsageLine
}

// UsageLine is a sum of one kind of use, by engine, model and detail.
type UsageLine struct {
	Metric                UsageMetric
	Engine, Model, Detail string
	Quantity              int64
	CostNanoUSD           int64
}

// UsageReader sums stored use for reports.
type UsageReader interface {
	// UsageRows returns the sums of the query's use by bucket, key and line.
	UsageRows(ctx context.Context, q UsageQuery) ([]UsageRow, error)
}
