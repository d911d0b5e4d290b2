package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateCharacter answers POST /v1/characters.
func (h *handlers) CreateCharacter(ctx context.Context, req gen.CreateCharacterRequestObject) (gen.CreateCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.CreateCharacterInput{
		Role: b.Role, Archetype: b.Archetype, Name: b.Name, WorldID: b.WorldId, CustomLore: b.CustomLore,
		Personality: b.Personality, VoiceID: b.VoiceId, Seed: b.Seed,
	}
	if b.SkillTier != nil {
		in.SkillTier = ptr(string(*b.SkillTier))
	}
	if b.TabooWords != nil {
		in.TabooWords = *b.TabooWords
	}
	if b.Metadata != nil {
		in.Metadata = *b.Metadata
	}
	in.Actions = fromCatalogue(b.Actions)
	if b.LorebookIds != nil {
		in.LorebookIDs = *b.LorebookIds
	}
	in.Profile = fromProfile(b.Profile)
	c, err := h.svc.Characters.Create(ctx, tenant, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateCharacter201JSONResponse{Body: h.toCharacter(c)}, nil
}

// CreateCharacterBatch answers POST /v1/characters/batch.
func (h *handlers) CreateCharacterBatch(ctx context.Context, req gen.CreateCharacterBatchRequestObject) (gen.CreateCharacterBatchResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.BatchInput{Count: b.Count, WorldID: b.WorldId, Seed: b.Seed}
	if b.Roles != nil {
		in.Roles = *b.Roles
	}
	if b.Archetypes != nil {
		in.Archetypes = *b.Archetypes
	}
	cs, err := h.svc.Characters.CreateBatch(ctx, tenant, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateCharacterBatch201JSONResponse{Body: gen.CharacterBatch{Items: mapSlice(cs, h.toCharacter)}}, nil
}

// GetCharacter answers GET /v1/characters/{character_id}.
func (h *handlers) GetCharacter(ctx context.Context, req gen.GetCharacterRequestObject) (gen.GetCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	c, err := h.svc.Characters.Get(ctx, tenant, req.CharacterId)
	if err != nil {
		return nil, err
	}
	return gen.GetCharacter200JSONResponse{Body: h.toCharacter(c)}, nil
}

// ListCharacters answers GET /v1/characters.
func (h *handlers) ListCharacters(ctx context.Context, req gen.ListCharactersRequestObject) (gen.ListCharactersResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	cs, total, err := h.svc.Characters.List(ctx, tenant, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Character, len(cs))
	for i := range cs {
		items[i] = h.toCharacter(&cs[i])
	}
	return gen.ListCharacters200JSONResponse{Body: gen.CharacterList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// UpdateCharacter answers PATCH /v1/characters/{character_id}.
func (h *handlers) UpdateCharacter(ctx context.Context, req gen.UpdateCharacterRequestObject) (gen.UpdateCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.UpdateCharacterInput{
		Name: b.Name, CustomLore: b.CustomLore, Personality: b.Personality, Mood: b.Mood, VoiceID: b.VoiceId,
	}
	if b.TabooWords != nil {
		in.TabooWords = ptr([]string(*b.TabooWords))
	}
	if b.Actions != nil {
		in.Actions = ptr(fromCatalogue(b.Actions))
	}
	if b.Metadata != nil {
		in.Metadata = ptr(map[string]any(*b.Metadata))
	}
	if b.LorebookIds != nil {
		in.LorebookIDs = ptr([]string(*b.LorebookIds))
	}
	in.Profile = fromProfile(b.Profile)
	c, err := h.svc.Characters.Update(ctx, tenant, req.CharacterId, in)
	if err != nil {
		return nil, err
	}
	return gen.UpdateCharacter200JSONResponse{Body: h.toCharacter(c)}, nil
}

// DeleteCharacter answers DELETE /v1/characters/{character_id}.
func (h *handlers) DeleteCharacter(ctx context.Context, req gen.DeleteCharacterRequestObject) (gen.DeleteCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Characters.Delete(ctx, tenant, req.CharacterId); err != nil {
		return nil, err
	}
	return gen.DeleteCharacter204Response{}, nil
}

// ReactCharacter answers POST /v1/characters/{character_id}/react.
func (h *handlers) ReactCharacter(ctx context.Context, req gen.ReactCharacterRequestObject) (gen.ReactCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	in := domain.ReactInput{
		Message: domain.Line{Speaker: req.Body.LastMessage.Speaker, Text: req.Body.LastMessage.Text},
		Context: deref(req.Body.Context), PlayerID: deref(req.Body.PlayerId),
	}
	r, err := h.svc.Characters.React(ctx, tenant, req.CharacterId, in)
	if err != nil {
		return nil, err
	}
	return gen.ReactCharacter200JSONResponse{Body: gen.ReactionResponse{
		CharacterId: r.CharacterID, Decision: gen.ReactionResponseDecision(r.Decision), Reason: r.Reason,
		Priority: r.Priority, Engine: r.Engine, Model: r.Model,
	}}, nil
}

// GetCharacterMemory answers GET /v1/characters/{character_id}/memory.
func (h *handlers) GetCharacterMemory(ctx context.Context, req gen.GetCharacterMemoryRequestObject) (gen.GetCharacterMemoryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	m, err := h.svc.Characters.Memory(ctx, tenant, req.CharacterId, page)
	if err != nil {
		return nil, err
	}
	return gen.GetCharacterMemory200JSONResponse{Body: gen.Memory{
		CharacterId: req.CharacterId, Summary: m.Summary, Items: mapSlice(m.Entries, toMemoryEntry),
		Total: m.Total, Limit: page.Limit, Offset: page.Offset,
	}}, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
