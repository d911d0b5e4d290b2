package jobs

// ImageArgs runs an image job (avatar, background or variation).
type ImageArgs struct {
	JobID string `json:"job_id"`
}

// Kind implements river.JobArgs.
func (ImageArgs) Kind() string { return "troupe.image" }

// WebhookArgs delivers a job's webhook after it ended.
type WebhookArgs struct {
	JobID string `json:"job_id"`
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "troupe.webhook" }

// CleanupArgs deletes expired jobs and their media.
type CleanupArgs struct{}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "troupe.cleanup" }

// SpeechArgs runs a text-to-speech job.
type SpeechArgs struct {
	JobID string `json:"job_id"`
}

// Kind implements river.JobArgs.
func (SpeechArgs) Kind() string { return "troupe.tts" }

// SpritesArgs runs a sprites job: one image per emotion.
type SpritesArgs struct {
	JobID string `json:"job_id"`
}

// Kind implements river.JobArgs.
func (SpritesArgs) Kind() string { return "troupe.sprites" }
