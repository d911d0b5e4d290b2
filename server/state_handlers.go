package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListCharacterRelationships answers GET /v1/characters/{character_id}/relationships.
func (h *handlers) ListCharacterRelationships(ctx context.Context, req gen.ListCharacterRelationshipsRequestObject) (gen.ListCharacterRelationshipsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	rs, total, err := h.svc.Characters.Relationships(ctx, tenant, req.CharacterId, page)
	if err != nil {
		return nil, err
	}
	return gen.ListCharacterRelationships200JSONResponse{Body: gen.RelationshipList{
		CharacterId: req.CharacterId, Items: mapSlice(rs, toRelationship), Total: total, Limit: page.Limit, Offset: page.Offset,
	}}, nil
}

// RecordCharacterEvent answers POST /v1/characters/{character_id}/events.
func (h *handlers) RecordCharacterEvent(ctx context.Context, req gen.RecordCharacterEventRequestObject) (gen.RecordCharacterEventResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	ev, err := h.svc.Characters.RecordEvent(ctx, tenant, req.CharacterId, gameEventInput(req.Body))
	if err != nil {
		return nil, err
	}
	return gen.RecordCharacterEvent201JSONResponse{Body: toGameEvent(ev)}, nil
}

// RecordConversationEvent answers POST /v1/conversations/{conversation_id}/events.
func (h *handlers) RecordConversationEvent(ctx context.Context, req gen.RecordConversationEventRequestObject) (gen.RecordConversationEventResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	conv, evs, err := h.svc.Conversations.RecordEvent(ctx, tenant, req.ConversationId, gameEventInput(req.Body))
	if err != nil {
		return nil, err
	}
	return gen.RecordConversationEvent201JSONResponse{Body: gen.ConversationEvents{
		ConversationId: conv.ID, Events: mapSlice(evs, toGameEvent),
	}}, nil
}
