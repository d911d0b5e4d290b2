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
	Type     JobType
	Status   JobStatus
	// Request is the job's input as accepted (defaults applied), as JSON.
	Request json.RawMessage
	// Result is the output of a completed image job; Speech that of a completed tts job.
	Result *ImageJobResult
	Speech *SpeechJobResult
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

// JobStore persists jobs and files. Every read is scoped by tenant; the transitions are
// called by workers, which know only the job id.
type JobStore interface {
	GetJob(ctx context.Context, tenantID, id string) (*Job, error)
	ListJobs(ctx context.Context, tenantID string, f JobFilter, page Page) ([]Job, int, error)
	// JobByID returns a job for its worker, whatever the tenant.
	JobByID(ctx context.Context, id string) (*Job, error)
	// StartJob moves a pending or processing job to processing and counts the attempt. It
	// returns ErrConflict when the job has already ended.
	StartJob(ctx context.Context, id string, at time.Time) (*Job, error)
	// FinishJob moves a processing job to a terminal status with its result or error, and
	// stores the file it made, all at once. It returns ErrConflict when the job has already
	// ended (canceled meanwhile), in which case nothing is stored.
	FinishJob(ctx context.Context, id string, status JobStatus, result any, jobErr *Error, file *File, at time.Time) error
	// CancelJob moves the tenant's pending or processing job to canceled; it returns
	// ErrConflict with the job when it has already ended.
	CancelJob(ctx context.Context, tenantID, id string, at time.Time) (*Job, error)
	// RecordDelivery appends a webhook delivery attempt to the job.
	RecordDelivery(ctx context.Context, jobID string, d WebhookDelivery) error
	// ExpiredJobs lists jobs created before the time, with the files they made.
	ExpiredJobs(ctx context.Context, before time.Time, limit int) ([]Job, []File, error)
	// DeleteJobs deletes the jobs and their files' rows.
	DeleteJobs(ctx context.Context, ids []string) error
	// GetFile returns the tenant's file.
	GetFile(ctx context.Context, tenantID, id string) (*File, error)
	// FileByID returns a file whatever the tenant, for signed URLs.
	FileByID(ctx context.Context, id string) (*File, error)
}

// ErrConflict is what stores return when a transition is not allowed from the current
// state.
var ErrConflict = errors.New("conflict")

// JobQueue runs jobs durably: Enqueue writes the job's row and queues its work in one
// transaction, so an accepted job is never lost.
type JobQueue interface {
	Enqueue(ctx context.Context, job *Job) error
	// Cancel asks the queue to stop the job's work if it is running; best effort.
	Cancel(ctx context.Context, jobID string) error
	// NotifyWebhook queues the delivery of the job's webhook.
	NotifyWebhook(ctx context.Context, jobID string) error
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
}

// ReadSeekCloser is an io.ReadSeekCloser, named here so the domain needs no io import in
// its port.
type ReadSeekCloser interface {
	Read(p []byte) (int, error)
	Seek(offset int64, whence int) (int64, error)
	Close() error
}
