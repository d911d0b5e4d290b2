package server

import (
	"context"
	"strings"

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
	job, err := h.svc.Jobs.SubmitImage(ctx, tenant, img, deref(b.CharacterId), deref(b.WebhookUrl), bypassCache(b.Cache, req.Params.CacheControl))
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
	job, err := h.svc.Jobs.SubmitImage(ctx, tenant, img, "", deref(b.WebhookUrl), bypassCache(b.Cache, req.Params.CacheControl))
	if err != nil {
		return nil, err
	}
	return gen.CreateBackground202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// CreateVariation answers POST /v1/images/variations with 202 and a job.
func (h *handlers) CreateVariation(ctx context.Context, req gen.CreateVariationRequestObject) (gen.CreateVariationResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	v := domain.VariationRequest{
		FileID: deref(b.FileId), CharacterID: deref(b.CharacterId), Prompt: b.Prompt,
		Strength: domain.DefaultVariationStrength, WorldTone: deref(b.WorldTone), Width: deref(b.Width), Height: deref(b.Height),
		Seed: -1, NoCache: bypassCache(b.Cache, req.Params.CacheControl), WebhookURL: deref(b.WebhookUrl),
	}
	if b.Strength != nil {
		v.Strength = *b.Strength
	}
	if b.Style != nil {
		v.Style = string(*b.Style)
	}
	if b.Seed != nil {
		v.Seed = *b.Seed
	}
	if b.Model != nil {
		v.Model = string(*b.Model)
	}
	job, err := h.svc.Jobs.SubmitVariation(ctx, tenant, v)
	if err != nil {
		return nil, err
	}
	return gen.CreateVariation202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// CreateSprites answers POST /v1/characters/{character_id}/sprites with 202 and a job.
func (h *handlers) CreateSprites(ctx context.Context, req gen.CreateSpritesRequestObject) (gen.CreateSpritesResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	r := domain.SpriteSetRequest{Seed: -1, Transparent: true}
	if b := req.Body; b != nil {
		r.Description, r.WorldTone, r.WebhookURL = deref(b.Description), deref(b.WorldTone), deref(b.WebhookUrl)
		r.Width, r.Height = deref(b.Width), deref(b.Height)
		if b.Emotions != nil {
			r.Emotions = mapSlice(*b.Emotions, func(e gen.Emotion) domain.Emotion { return domain.Emotion(e) })
		}
		if b.Style != nil {
			r.Style = string(*b.Style)
		}
		if b.Seed != nil {
			r.Seed = *b.Seed
		}
		if b.Transparent != nil {
			r.Transparent = *b.Transparent
		}
		if b.Model != nil {
			r.Model = string(*b.Model)
		}
	}
	job, err := h.svc.Jobs.SubmitSprites(ctx, tenant, req.CharacterId, r)
	if err != nil {
		return nil, err
	}
	return gen.CreateSprites202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// bypassCache reports whether a request asks for a new model call instead of a stored
// result: "cache": false in its body, or Cache-Control: no-cache.
func bypassCache(cache *bool, cacheControl *string) bool {
	if cache != nil && !*cache {
		return true
	}
	if cacheControl == nil {
		return false
	}
	for _, directive := range strings.Split(*cacheControl, ",") {
		if strings.EqualFold(strings.TrimSpace(directive), "no-cache") {
			return true
		}
	}
	return false
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
