package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/moderation"
	"github.com/troupe-ai/troupe/gen"
)

// GetDefaults answers GET /v1/defaults.
func (h *handlers) GetDefaults(ctx context.Context, _ gen.GetDefaultsRequestObject) (gen.GetDefaultsResponseObject, error) {
	d := h.svc.Defaults
	item := func(it domain.DefaultItem) gen.DefaultItem {
		return gen.DefaultItem{Id: it.ID, Name: it.Name, Description: it.Description}
	}
	return gen.GetDefaults200JSONResponse{Body: gen.Defaults{
		Roles: mapSlice(d.Roles, item), Archetypes: mapSlice(d.Archetypes, item),
		SkillTiers: mapSlice(d.SkillTiers, item), Moods: mapSlice(d.Moods, item),
		LocalEngine: gen.LocalEngineInfo{
			Engine: d.LocalEngine.Engine, Model: d.LocalEngine.Model,
			Languages: mapSlice(d.LocalEngine.Languages, identity), Note: d.LocalEngine.Note,
		},
	}}, nil
}

// CreateModeration answers POST /v1/moderations.
func (h *handlers) CreateModeration(ctx context.Context, req gen.CreateModerationRequestObject) (gen.CreateModerationResponseObject, error) {
	var taboo []string
	if req.Body.TabooWords != nil {
		taboo = *req.Body.TabooWords
	}
	r := moderation.Check(req.Body.Text, taboo)
	return gen.CreateModeration200JSONResponse{Body: gen.ModerationResult{
		Flagged: r.Flagged, Categories: mapSlice(r.Categories, identity),
		Matches: mapSlice(r.Matches, func(m moderation.Match) gen.ModerationMatch {
			return gen.ModerationMatch{Category: m.Category, Term: m.Term, Start: m.Start, End: m.End, Text: m.Text}
		}),
	}}, nil
}
