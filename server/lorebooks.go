package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateLorebook answers POST /v1/lorebooks.
func (h *handlers) CreateLorebook(ctx context.Context, req gen.CreateLorebookRequestObject) (gen.CreateLorebookResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.LorebookInput{
		Name: &b.Name, Description: b.Description, ScanDepth: b.ScanDepth, TokenBudget: b.TokenBudget,
		RecursiveScanning: b.RecursiveScanning, Extensions: b.Extensions, Entries: fromEntryInputs(b.Entries),
	}
	book, err := h.svc.Lorebooks.Create(ctx, tenant, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateLorebook201JSONResponse{Body: toLorebook(book)}, nil
}

// ListLorebooks answers GET /v1/lorebooks.
func (h *handlers) ListLorebooks(ctx context.Context, req gen.ListLorebooksRequestObject) (gen.ListLorebooksResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	books, total, err := h.svc.Lorebooks.List(ctx, tenant, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Lorebook, len(books))
	for i := range books {
		items[i] = toLorebook(&books[i])
	}
	return gen.ListLorebooks200JSONResponse{Body: gen.LorebookList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// GetLorebook answers GET /v1/lorebooks/{lorebook_id}.
func (h *handlers) GetLorebook(ctx context.Context, req gen.GetLorebookRequestObject) (gen.GetLorebookResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	book, err := h.svc.Lorebooks.Get(ctx, tenant, req.LorebookId)
	if err != nil {
		return nil, err
	}
	return gen.GetLorebook200JSONResponse{Body: toLorebook(book)}, nil
}

// UpdateLorebook answers PATCH /v1/lorebooks/{lorebook_id}.
func (h *handlers) UpdateLorebook(ctx context.Context, req gen.UpdateLorebookRequestObject) (gen.UpdateLorebookResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.LorebookInput{
		Name: b.Name, Description: b.Description, ScanDepth: b.ScanDepth, TokenBudget: b.TokenBudget,
		RecursiveScanning: b.RecursiveScanning, Extensions: b.Extensions, Entries: fromEntryInputs(b.Entries),
	}
	book, err := h.svc.Lorebooks.Update(ctx, tenant, req.LorebookId, in)
	if err != nil {
		return nil, err
	}
	return gen.UpdateLorebook200JSONResponse{Body: toLorebook(book)}, nil
}

// DeleteLorebook answers DELETE /v1/lorebooks/{lorebook_id}.
func (h *handlers) DeleteLorebook(ctx context.Context, req gen.DeleteLorebookRequestObject) (gen.DeleteLorebookResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Lorebooks.Delete(ctx, tenant, req.LorebookId); err != nil {
		return nil, err
	}
	return gen.DeleteLorebook204Response{}, nil
}

// CreateLorebookEntry answers POST /v1/lorebooks/{lorebook_id}/entries.
func (h *handlers) CreateLorebookEntry(ctx context.Context, req gen.CreateLorebookEntryRequestObject) (gen.CreateLorebookEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := h.svc.Lorebooks.AddEntry(ctx, tenant, req.LorebookId, fromEntryInput(*req.Body))
	if err != nil {
		return nil, err
	}
	return gen.CreateLorebookEntry201JSONResponse{Body: toLoreEntry(*e)}, nil
}

// UpdateLorebookEntry answers PATCH /v1/lorebooks/{lorebook_id}/entries/{entry_id}.
func (h *handlers) UpdateLorebookEntry(ctx context.Context, req gen.UpdateLorebookEntryRequestObject) (gen.UpdateLorebookEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.LoreEntryInput{
		Name: b.Name, Comment: b.Comment, Keys: b.Keys, SecondaryKeys: b.SecondaryKeys, Selective: b.Selective,
		SelectiveLogic: (*string)(b.SelectiveLogic), Content: b.Content, Constant: b.Constant, Enabled: b.Enabled,
		CaseSensitive: b.CaseSensitive, UseRegex: b.UseRegex, InsertionOrder: b.InsertionOrder, Priority: b.Priority,
		Position: (*string)(b.Position), Category: b.Category, Extensions: b.Extensions,
	}
	e, err := h.svc.Lorebooks.UpdateEntry(ctx, tenant, req.LorebookId, req.EntryId, in)
	if err != nil {
		return nil, err
	}
	return gen.UpdateLorebookEntry200JSONResponse{Body: toLoreEntry(*e)}, nil
}

// DeleteLorebookEntry answers DELETE /v1/lorebooks/{lorebook_id}/entries/{entry_id}.
func (h *handlers) DeleteLorebookEntry(ctx context.Context, req gen.DeleteLorebookEntryRequestObject) (gen.DeleteLorebookEntryResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Lorebooks.DeleteEntry(ctx, tenant, req.LorebookId, req.EntryId); err != nil {
		return nil, err
	}
	return gen.DeleteLorebookEntry204Response{}, nil
}

// UpdateWorld answers PATCH /v1/worlds/{world_id}.
func (h *handlers) UpdateWorld(ctx context.Context, req gen.UpdateWorldRequestObject) (gen.UpdateWorldResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	w, err := h.svc.Worlds.SetLorebooks(ctx, tenant, req.WorldId, req.Body.LorebookIds)
	if err != nil {
		return nil, err
	}
	return gen.UpdateWorld200JSONResponse{Body: toWorld(w)}, nil
}
