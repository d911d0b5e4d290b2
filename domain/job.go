package domain

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// JobType is what a job makes.
type JobType string

// The job types.
const (
	JobAvatar     JobType = "avatar"
	JobBackground JobType = "background"
	JobTTS        JobType = "tts"
	JobVariation  JobType = "variation"
	JobSprites    JobType = "sprites"
)

// JobStatus is where a job is. Statuses only move forward: pending → processing →
// completed | failed | canceled, and a terminal status never changes.
type JobStatus string

// The job statuses.
const (
	JobPending    JobStatus = "pending"
	JobProcessing JobStatus = "processing"
	JobCompleted  JobStatus = "completed"
	JobFailed     JobStatus = "failed"
	JobCanceled   JobStatus = "canceled"
)

// Terminal reports whether the status is final.
func (s JobStatus) Terminal() bool {
	return s == JobCompleted || s == JobFailed || s == JobCanceled
}

// Job is the API's record of async work. It is the app's own row; the queue's internal
// state never leaks into it.
type Job struct {
	ID       string
	TenantID string
	// KeyID is the key whose request created the job, so its use is counted for that key;
	// empty for jobs made before keys were recorded.
	KeyID  string
	Type   JobType
	Status JobStatus
	// Request is the job's input as accepted (defaults applied), as JSON.
	Request json.RawMessage
	// Result is the output of a completed avatar, background or variation job; Speech
	// that of a completed tts job; Sprites that of a completed sprites job.
	Result  *ImageJobResult
	Speech  *SpeechJobResult
	Sprites *SpriteSetResult
	// Error is why a failed job failed.
	Error       *Error
	WebhookURL  string
	Attempts    int
	CreatedAt   time.Time
	StartedAt   *time.Time
	CompletedAt *time.Time
	// Deliveries are the webhook delivery attempts, oldest first.
	Deliveries []WebhookDelivery
}

// ImageJobResult is what an image job made.
type ImageJobResult struct {
	FileID   string `json:"file_id"`
	SeedUsed int64  `json:"seed_used"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	// InferenceMs is the provider's own timing; nil when it reports none.
	InferenceMs *float64 `json:"inference_time_ms"`
	Engine      string   `json:"engine"`
	Model       string   `json:"model"`
	Style       string   `json:"style"`
	// Cached says the job copied the stored result of an identical request.
	Cached bool `json:"cached,omitempty"`
	// SourceFileID is the image a variation was made from.
	SourceFileID string `json:"source_file_id,omitempty"`
	// Traits are what the engine chose to draw, when it can say (ImageResult.Traits).
	Traits []string `json:"traits,omitempty"`
}

// Cached reports whether the job was answered from the cache of identical requests.
func (j *Job) Cached() bool {
	return (j.Result != nil && j.Result.Cached) || (j.Speech != nil && j.Speech.Cached)
}

// SpeechJobResult is what a tts job made.
type SpeechJobResult struct {
	FileID      string          `json:"file_id"`
	Format      string          `json:"format"`
	SampleRate  int             `json:"sample_rate"`
	DurationMs  float64         `json:"duration_ms"`
	Engine      string          `json:"engine"`
	Model       string          `json:"model"`
	VoiceID     string          `json:"voice_id"`
	CharacterID string          `json:"character_id,omitempty"`
	Words       []WordTiming    `json:"words"`
	Phonemes    []PhonemeTiming `json:"phonemes,omitempty"`
	// LipSync says how Phonemes were made (LipSyncMeasured, …); empty on jobs made
	// before it was recorded.
	LipSync string `json:"lip_sync,omitempty"`
	// Cached says the job copied the stored result of an identical request.
	Cached bool `json:"cached,omitempty"`
}

// WebhookDelivery is one attempt to deliver a job's webhook.
type WebhookDelivery struct {
	Attempt    int
	StatusCode int
	Error      string
	At         time.Time
	Duration   time.Duration
}

// JobFilter narrows a job list; empty fields match everything.
type JobFilter struct {
	Type   JobType
	Status JobStatus
}

// File is a stored media file.
type File struct {
	ID          string
	TenantID    string
	JobID       string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// JobStore persists jobs and files. Every read is scoped by tenant; the worker-side calls
// know only the job id.
type JobStore interface {
	GetJob(ctx context.Context, tenantID, id string) (*Job, error)
	ListJobs(ctx context.Context, tenantID string, f JobFilter, page Page) ([]Job, int, error)
	// JobByID returns a job for its worker, whatever the tenant.
	JobByID(ctx context.Context, id string) (*Job, error)
	// ClaimJob moves a job to processing for the claim's runner and counts the attempt:
	// from pending, or from processing when nobody holds it (released, lease run out, or
	// its runner stopped heartbeating). It returns ErrConflict when the job has already
	// ended and ErrJobBusy when a live runner holds it.
	ClaimJob(ctx context.Context, id string, c Claim) (*Job, error)
	// ReleaseJob gives up a claim (by its token) on a processing job, so the queue's next
	// attempt may take it at once. Until then the lease, and the releasing runner's
	// heartbeat, still watch over it: if that runner dies first, the job is handed on.
	ReleaseJob(ctx context.Context, id, token string, leaseUntil time.Time) error
	// StaleJobs lists up to limit processing jobs that nobody is running any more: their
	// lease ran out at now, or their runner's last heartbeat is older than aliveSince.
	StaleJobs(ctx context.Context, now, aliveSince time.Time, limit int) ([]StaleJob, error)
	// Heartbeat records that the replica is alive at the time.
	Heartbeat(ctx context.Context, replicaID string, at time.Time) error
	// RecordDelivery appends a webhook delivery attempt to the job.
	RecordDelivery(ctx context.Context, jobID string, d WebhookDelivery) error
	// ExpiredJobs lists jobs created before the time, with the files they made.
	ExpiredJobs(ctx context.Context, before time.Time, limit int) ([]Job, []File, error)
	// DeleteJobs deletes the jobs and their files' rows.
	DeleteJobs(ctx context.Context, ids []string) error
	// ForgetReplicas deletes the heartbeat rows of replicas silent since the time.
	ForgetReplicas(ctx context.Context, before time.Time) error
	// GetFile returns the tenant's file.
	GetFile(ctx context.Context, tenantID, id string) (*File, error)
	// FileByID returns a file whatever the tenant, for signed URLs.
	FileByID(ctx context.Context, id string) (*File, error)
	// KnownFiles returns which of the ids have a file row.
	KnownFiles(ctx context.Context, ids []string) (map[string]bool, error)
	// CachedResult returns the tenant's cache entry of key whose file still exists, or
	// ErrNotFound.
	CachedResult(ctx context.Context, tenantID, key string) (*CacheEntry, error)
}

// Claim is a runner's hold on a job while it works on it.
type Claim struct {
	// Runner is the replica, whose heartbeat keeps the claim alive; Token names this one
	// claim, and only it can finish or release the job.
	Runner string
	Token  string
	At     time.Time
	// LeaseUntil is when the hold lapses even if the runner still heartbeats: past one
	// attempt's timeout, nothing can still be working on it.
	LeaseUntil time.Time
	// AliveSince: a runner whose last heartbeat is older is dead, and its hold void.
	AliveSince time.Time
}

// StaleJob is a processing job nobody is running, as seen when it was found; Requeue
// hands it back only if it is still so.
type StaleJob struct {
	ID         string
	Type       JobType
	Runner     string
	LeaseUntil time.Time
}

// ErrConflict is what stores return when a transition is not allowed from the current
// state.
var ErrConflict = errors.New("conflict")

// ErrJobBusy is what ClaimJob returns when a live runner holds the job: another attempt is
// already at work, and this one should wait.
var ErrJobBusy = errors.New("job is being run elsewhere")

// ErrNotStarted wraps the failure of an attempt that could not even claim its job (the
// database did not answer): the queue should try again later without counting it, or a
// job could run out of attempts while never having run.
var ErrNotStarted = errors.New("the job's attempt could not start")

// JobOutcome is how a job ends, written in one transaction: the job row, the file row,
// the link to its character, and the webhook delivery.
type JobOutcome struct {
	JobID string
	// Claim is the token of the claim that must still hold the job: an attempt whose
	// claim was handed to another (it was thought dead) finishes nothing.
	Claim  string
	Status JobStatus
	// Result is the completed job's result (marshalled to JSON); Error the failed job's.
	Result any
	Error  *Error
	// Files are the media the completed job made, in order; their bytes are already in
	// the media store.
	Files []*File
	// AvatarOf, when set, is the character whose avatar becomes the first of Files (a
	// character deleted meanwhile is no error).
	AvatarOf string
	// Sprites, when set, become their character's sprites, replacing those of the same
	// emotions (a character deleted meanwhile is no error).
	Sprites *SpriteLink
	// Cache, when set, is stored as the entry of its key, replacing an older one, so
	// an identical request is answered from the job's file.
	Cache *CacheEntry
	// WebhookURL, when set, queues the job's webhook with the outcome.
	WebhookURL string
	At         time.Time
	// Usage is the metered use of the attempt, its jobs line included, written in the
	// same transaction as the outcome.
	Usage []UsageRecord
}

// JobQueue runs jobs durably. Each transition writes the job's row together with the
// queue's own records in one transaction, so none is ever half done: an accepted job
// always has its work queued, and an ended one its webhook.
type JobQueue interface {
	// Enqueue writes the job's row and queues its work.
	Enqueue(ctx context.Context, job *Job) error
	// Finish moves a processing job held by out.Claim to its terminal status. It returns
	// ErrConflict, and writes nothing, when the job is no longer the runner's (ended,
	// canceled, or taken over).
	Finish(ctx context.Context, out JobOutcome) error
	// Cancel moves the tenant's pending or processing job to canceled and queues its
	// webhook, then stops its work if it is running (best effort). It returns ErrNotFound,
	// or ErrConflict with the job when it has already ended.
	Cancel(ctx context.Context, tenantID, id string, at time.Time) (*Job, error)
	// Requeue hands a stale job back to the queue as new work, if it is still as seen.
	// It reports whether it did.
	Requeue(ctx context.Context, job StaleJob, leaseUntil time.Time) (bool, error)
	// RequeueLost queues new work for pending jobs created before the time whose queued
	// work was lost: taken by a worker that died before it could claim the job, or gone.
	// It reports how many it handed back.
	RequeueLost(ctx context.Context, createdBefore time.Time) (int, error)
}

// Webhooks checks and delivers webhook URLs.
type Webhooks interface {
	// CheckURL refuses URLs that are malformed or resolve to non-public addresses.
	CheckURL(ctx context.Context, url string) error
	// Deliver makes one signed delivery attempt.
	Deliver(ctx context.Context, url, secret, msgID string, body []byte) DeliveryOutcome
}

// DeliveryOutcome is one webhook attempt's result.
type DeliveryOutcome struct {
	StatusCode int
	Err        error
	// Retry says whether another attempt could succeed; Gone (410) says never again.
	Retry      bool
	Gone       bool
	RetryAfter time.Duration
	Duration   time.Duration
}

// SecretStore keeps each tenant's webhook signing secret.
type SecretStore interface {
	// WebhookSecret returns the tenant's secret, creating it on first use.
	WebhookSecret(ctx context.Context, tenantID string) (string, error)
}

// MediaStore keeps generated media bytes.
type MediaStore interface {
	Put(ctx context.Context, f *File, data []byte) error
	// Open returns the file's bytes.
	Open(ctx context.Context, f *File) (ReadSeekCloser, error)
	Delete(ctx context.Context, f *File) error
	// Written calls fn with the ids of the files written before the time, in batches.
	Written(ctx context.Context, before time.Time, fn func(ids []string) error) error
}

// ReadSeekCloser is an io.ReadSeekCloser, named here so the domain needs no io import in
// its port.
type ReadSeekCloser interface {
	Read(p []byte) (int, error)
	Seek(offset int64, whence int) (int64, error)
	Close() error
}
