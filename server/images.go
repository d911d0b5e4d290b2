package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateAvatar answers POST /v1/images/avatar with 202 and a job.
func (h *handlers) CreateAvatar(ctx context.Context, req gen.CreateAvatarRequestObject) (gen.CreateAvatarResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	img := imageRequest(domain.ImageAvatar, b.Description, b.Style, b.CustomStylePrompt, b.WorldTone, b.Width, b.Height,
		b.GuidanceScale, b.NumInferenceSteps, b.Seed, b.NegativePrompt, b.Model, 512, 512)
	job, err := h.svc.Jobs.SubmitImage(ctx, tenant, img, deref(b.CharacterId), deref(b.WebhookUrl))
	if err != nil {
		return nil, err
	}
	return gen.CreateAvatar202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// CreateBackground answers POST /v1/images/background with 202 and a job.
func (h *handlers) CreateBackground(ctx context.Context, req gen.CreateBackgroundRequestObject) (gen.CreateBackgroundResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	img := imageRequest(domain.ImageBackground, b.Prompt, b.Style, b.CustomStylePrompt, b.WorldTone, b.Width, b.Height,
		b.GuidanceScale, b.NumInferenceSteps, b.Seed, b.NegativePrompt, b.Model, 1344, 768)
	job, err := h.svc.Jobs.SubmitImage(ctx, tenant, img, "", deref(b.WebhookUrl))
	if err != nil {
		return nil, err
	}
	return gen.CreateBackground202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// imageRequest applies the spec's defaults; the validator has already applied them to
// the body, and this keeps the handler right for callers that bypass it.
func imageRequest(kind domain.ImageKind, prompt string, style *gen.ImageStyle, custom, tone *string, w, h *int,
	guidance *float64, steps *int, seed *int64, negative *string, model *gen.ImageModel, defW, defH int) domain.ImageRequest {
	r := domain.ImageRequest{
		Kind: kind, Prompt: prompt, Style: domain.StylePixelArt, CustomStylePrompt: deref(custom),
		WorldTone: "dark fantasy medieval", Width: defW, Height: defH, GuidanceScale: 7.5, Steps: 28,
		Seed: -1, NegativePrompt: deref(negative), Model: domain.ImageModelDev,
	}
	if style != nil {
		r.Style = string(*style)
	}
	if tone != nil {
		r.WorldTone = *tone
	}
	if w != nil {
		r.Width = *w
	}
	if h != nil {
		r.Height = *h
	}
	if guidance != nil {
		r.GuidanceScale = *guidance
	}
	if steps != nil {
		r.Steps = *steps
	}
	if seed != nil {
		r.Seed = *seed
	}
	if model != nil {
		r.Model = string(*model)
	}
	return r
}

func accepted(job *domain.Job) gen.JobAcceptedJSONResponse {
	return gen.JobAcceptedJSONResponse{
		Body:    gen.JobSubmitResponse{JobId: job.ID, Status: gen.JobStatus(job.Status)},
		Headers: gen.JobAcceptedResponseHeaders{Location: ptr("/v1/jobs/" + job.ID)},
	}
}
