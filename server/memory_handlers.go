package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// AddMemoryEntry answers POST /v1/characters/{character_id}/memory.
func (h *handlers) AddMemoryEntry(ctx context.Context, req gen.AddMemoryEntryRequestObject) (gen.AddMemoryEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.AddMemoryInput{
		Text: b.Text, Kind: domain.MemoryKind(deref(b.Kind)), Speaker: deref(b.Speaker),
		Importance: b.Importance, Pinned: deref(b.Pinned),
	}
	e, err := h.svc.Characters.AddMemoryEntry(ctx, tenant, req.CharacterId, in)
	if err != nil {
		return nil, err
	}
	return gen.AddMemoryEntry201JSONResponse{Body: toMemoryEntry(*e)}, nil
}

// UpdateMemoryEntry answers PATCH /v1/characters/{character_id}/memory/{memory_id}.
func (h *handlers) UpdateMemoryEntry(ctx context.Context, req gen.UpdateMemoryEntryRequestObject) (gen.UpdateMemoryEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.UpdateMemoryInput{Text: b.Text, Importance: b.Importance, Pinned: b.Pinned}
	e, err := h.svc.Characters.UpdateMemoryEntry(ctx, tenant, req.CharacterId, req.MemoryId, in)
	if err != nil {
		return nil, err
	}
	return gen.UpdateMemoryEntry200JSONResponse{Body: toMemoryEntry(*e)}, nil
}

// DeleteMemoryEntry answers DELETE /v1/characters/{character_id}/memory/{memory_id}.
func (h *handlers) DeleteMemoryEntry(ctx context.Context, req gen.DeleteMemoryEntryRequestObject) (gen.DeleteMemoryEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Characters.DeleteMemoryEntry(ctx, tenant, req.CharacterId, req.MemoryId); err != nil {
		return nil, err
	}
	return gen.DeleteMemoryEntry204Response{}, nil
}
