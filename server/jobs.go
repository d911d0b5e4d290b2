package server

import (
	"context"
	"encoding/json"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetJob answers GET /v1/jobs/{job_id}.
func (h *handlers) GetJob(ctx context.Context, req gen.GetJobRequestObject) (gen.GetJobResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, err := h.svc.Jobs.Get(ctx, tenant, req.JobId)
	if err != nil {
		return nil, err
	}
	return gen.GetJob200JSONResponse{Body: jobResource(h.cfg.Files, j)}, nil
}

// ListJobs answers GET /v1/jobs.
func (h *handlers) ListJobs(ctx context.Context, req gen.ListJobsRequestObject) (gen.ListJobsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	var f domain.JobFilter
	if req.Params.Type != nil {
		f.Type = domain.JobType(*req.Params.Type)
	}
	if req.Params.Status != nil {
		f.Status = domain.JobStatus(*req.Params.Status)
	}
	jobs, total, err := h.svc.Jobs.List(ctx, tenant, f, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Job, len(jobs))
	for i := range jobs {
		items[i] = jobResource(h.cfg.Files, &jobs[i])
	}
	return gen.ListJobs200JSONResponse{Body: gen.JobList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// CancelJob answers POST /v1/jobs/{job_id}/cancel.
func (h *handlers) CancelJob(ctx context.Context, req gen.CancelJobRequestObject) (gen.CancelJobResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, err := h.svc.Jobs.Cancel(ctx, tenant, req.JobId)
	if err != nil {
		return nil, err
	}
	return gen.CancelJob200JSONResponse{Body: jobResource(h.cfg.Files, j)}, nil
}

// GetWebhookSecret answers GET /v1/webhooks/secret.
func (h *handlers) GetWebhookSecret(ctx context.Context, _ gen.GetWebhookSecretRequestObject) (gen.GetWebhookSecretResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	secret, err := h.svc.Secrets.WebhookSecret(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return gen.GetWebhookSecret200JSONResponse{Body: gen.WebhookSecret{Secret: secret}}, nil
}

// jobResource maps a job to its API shape; result files become signed URLs, fresh on
// every read.
func jobResource(files *URLSigner, j *domain.Job) gen.Job {
	out := gen.Job{
		JobId: j.ID, Type: gen.JobType(j.Type), Status: gen.JobStatus(j.Status), Attempts: j.Attempts,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, CompletedAt: j.CompletedAt,
	}
	if r := j.Result; r != nil {
		url, expires := files.Sign(r.FileID)
		image := &gen.ImageJobResult{
			FileId: r.FileID, ImageUrl: url, ExpiresAt: expires,
			SeedUsed: r.SeedUsed, Width: r.Width, Height: r.Height,
			InferenceTimeMs: r.InferenceMs, Engine: r.Engine, Model: r.Model, Style: r.Style,
			Cached: r.Cached, SourceFileId: optional(r.SourceFileID), Traits: optionalSlice(r.Traits),
		}
		switch j.Type {
		case domain.JobBackground:
			out.Result = &gen.JobResult{Background: image}
		case domain.JobVariation:
			out.Result = &gen.JobResult{Variation: image}
		default:
			out.Result = &gen.JobResult{Avatar: image}
		}
	}
	if r := j.Sprites; r != nil {
		out.Result = &gen.JobResult{Sprites: &gen.SpriteSetResult{
			CharacterId: r.CharacterID, SeedUsed: r.SeedUsed, Width: r.Width, Height: r.Height,
			Engine: r.Engine, Model: r.Model, Style: r.Style, Transparent: r.Transparent,
			SourceFileId: optional(r.SourceFileID),
			Sprites: mapSlice(r.Sprites, func(s domain.Sprite) gen.Sprite {
				sp := spriteResource(files, s.Emotion, s.FileID)
				sp.Traits = optionalSlice(s.Traits)
				return sp
			}),
		}}
	}
	if j.Cached() {
		out.Cached = ptr(true)
	}
	if r := j.Speech; r != nil {
		url, expires := files.Sign(r.FileID)
		out.Result = &gen.JobResult{Tts: &gen.SpeechJobResult{
			FileId: r.FileID, AudioUrl: url, ExpiresAt: expires,
			Format: r.Format, SampleRate: r.SampleRate, DurationMs: r.DurationMs,
			Engine: r.Engine, Model: r.Model, VoiceId: r.VoiceID, CharacterId: optional(r.CharacterID),
			Cached: optionalTrue(r.Cached),
			Words:  mapSlice(r.Words, toWordTiming),
			Phonemes: optionalSlice(mapSlice(r.Phonemes, func(p domain.PhonemeTiming) gen.PhonemeTiming {
				return gen.PhonemeTiming{Phoneme: p.Phoneme, Viseme: p.Viseme, StartMs: ms(p.Start), EndMs: ms(p.End)}
			})),
		}}
	}
	if e := j.Error; e != nil {
		out.Error = &gen.ApiError{Code: gen.ErrorCode(e.Code), Message: e.Message, Details: toDetails(e.Details), RequestId: j.ID}
	}
	if j.WebhookURL != "" {
		wh := gen.JobWebhook{Url: j.WebhookURL, Deliveries: []gen.WebhookDelivery{}}
		for _, d := range j.Deliveries {
			delivery := gen.WebhookDelivery{Attempt: d.Attempt, StatusCode: d.StatusCode, At: d.At,
				DurationMs: float64(d.Duration.Microseconds()) / 1000, Error: optional(d.Error)}
			wh.Deliveries = append(wh.Deliveries, delivery)
			wh.Delivered = wh.Delivered || d.Error == "" && d.StatusCode >= 200 && d.StatusCode < 300
		}
		out.Webhook = &wh
	}
	return out
}

// JobPayload renders a job as its webhook body: the same resource GET /v1/jobs/{id}
// answers with.
func JobPayload(files *URLSigner) func(*domain.Job) ([]byte, error) {
	return func(j *domain.Job) ([]byte, error) { return json.Marshal(jobResource(files, j)) }
}

// optionalSlice maps an empty slice to an absent JSON field.
func optionalSlice[T any](s []T) *[]T {
	if len(s) == 0 {
		return nil
	}
	return &s
}

// spriteResource is a sprite with a fresh signed URL.
func spriteResource(files *URLSigner, e domain.Emotion, fileID string) gen.Sprite {
	url, expires := files.Sign(fileID)
	return gen.Sprite{Emotion: gen.Emotion(e), FileId: fileID, ImageUrl: url, ExpiresAt: expires}
}

// optionalTrue maps false to an absent JSON field.
func optionalTrue(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}
