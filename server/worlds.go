package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateWorld answers POST /v1/worlds.
func (h *handlers) CreateWorld(ctx context.Context, req gen.CreateWorldRequestObject) (gen.CreateWorldResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	in := domain.CreateWorldInput{Seed: req.Body.Seed, Name: req.Body.Name}
	if req.Body.LorebookIds != nil {
		in.LorebookIDs = *req.Body.LorebookIds
	}
	if req.Body.Genre != nil {
		in.Genre = ptr(domain.Genre(*req.Body.Genre))
	}
	if req.Body.Tone != nil {
		in.Tone = ptr(domain.Tone(*req.Body.Tone))
	}
	if req.Body.Size != nil {
		in.Size = ptr(domain.WorldSize(*req.Body.Size))
	}
	w, err := h.svc.Worlds.Create(ctx, tenant, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateWorld201JSONResponse{Body: toWorld(w)}, nil
}

// GetWorld answers GET /v1/worlds/{world_id}.
func (h *handlers) GetWorld(ctx context.Context, req gen.GetWorldRequestObject) (gen.GetWorldResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	w, err := h.svc.Worlds.Get(ctx, tenant, req.WorldId)
	if err != nil {
		return nil, err
	}
	return h.bodyOfWorld(w)
}

// ListWorlds answers GET /v1/worlds.
func (h *handlers) ListWorlds(ctx context.Context, req gen.ListWorldsRequestObject) (gen.ListWorldsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	worlds, total, err := h.svc.Worlds.List(ctx, tenant, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.World, len(worlds))
	for i := range worlds {
		items[i] = toWorld(&worlds[i])
	}
	return gen.ListWorlds200JSONResponse{Body: gen.WorldList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// DeleteWorld answers DELETE /v1/worlds/{world_id}.
func (h *handlers) DeleteWorld(ctx context.Context, req gen.DeleteWorldRequestObject) (gen.DeleteWorldResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Worlds.Delete(ctx, tenant, req.WorldId); err != nil {
		return nil, err
	}
	return gen.DeleteWorld204Response{}, nil
}

func ptr[T any](v T) *T { return &v }
