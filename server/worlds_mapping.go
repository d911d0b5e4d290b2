package server

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// toWorld maps a domain world to its API shape. Every list is non-nil, because the spec
// says arrays, never null.
func toWorld(w *domain.World) gen.World {
	c := w.Content
	out := gen.World{
		Id:   w.ID,
		Seed: w.Seed,
		Parameters: gen.WorldParameters{
			Name:  optional(w.Params.Name),
			Genre: gen.Genre(w.Params.Genre),
			Tone:  gen.Tone(w.Params.Tone),
			Size:  gen.WorldSize(w.Params.Size),
		},
		Name:        c.Name,
		Regions:     mapSlice(c.Regions, toRegion),
		Factions:    mapSlice(c.Factions, toFaction),
		Landmarks:   mapSlice(c.Landmarks, toLandmark),
		History:     mapSlice(c.History, toHistoryEvent),
		Tensions:    mapSlice(c.Tensions, toTension),
		SceneCards:  mapSlice(c.SceneCards, toSceneCard),
		Brief:       c.Brief,
		LorebookIds: mapSlice(w.LorebookIDs, identity),
		CreatedAt:   w.CreatedAt,
	}
	return out
}

func toRegion(r domain.Region) gen.Region {
	return gen.Region{Name: r.Name, Biome: r.Biome, Description: r.Description, Settlements: mapSlice(r.Settlements, toSettlement)}
}

func toSettlement(s domain.Settlement) gen.Settlement {
	return gen.Settlement{Name: s.Name, Kind: s.Kind, Population: s.Population, Description: s.Description}
}

func toFaction(f domain.Faction) gen.Faction {
	return gen.Faction{
		Name: f.Name, Kind: f.Kind, Description: f.Description, Goal: f.Goal, HomeRegion: f.HomeRegion,
		Relations: mapSlice(f.Relations, func(r domain.FactionRelation) gen.FactionRelation {
			return gen.FactionRelation{Faction: r.Faction, Stance: gen.FactionRelationStance(r.Stance)}
		}),
	}
}

func toLandmark(l domain.Landmark) gen.Landmark {
	return gen.Landmark{Name: l.Name, Region: l.Region, Kind: l.Kind, Description: l.Description}
}

func toHistoryEvent(e domain.HistoryEvent) gen.HistoryEvent {
	return gen.HistoryEvent{YearsAgo: e.YearsAgo, Title: e.Title, Summary: e.Summary}
}

func toTension(t domain.Tension) gen.Tension {
	return gen.Tension{Summary: t.Summary, Factions: mapSlice(t.Factions, identity), Region: t.Region}
}

func toSceneCard(s domain.SceneCard) gen.SceneCard {
	return gen.SceneCard{Title: s.Title, Location: s.Location, Region: s.Region, Mood: s.Mood, Description: s.Description, Hooks: mapSlice(s.Hooks, identity)}
}

func identity[T any](v T) T { return v }

// mapSlice maps every element, returning an empty (not nil) slice for no elements.
func mapSlice[A, B any](in []A, f func(A) B) []B {
	out := make([]B, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
