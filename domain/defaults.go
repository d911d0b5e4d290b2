package domain

import (
	"encoding/json"
	"fmt"
)

// DefaultItem is an allowed role, archetype, skill tier or mood.
type DefaultItem struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// NameEntry is a character name and the culture it comes from.
type NameEntry struct {
	Name    string `json:"name"`
	Culture string `json:"culture"`
}

// Defaults are what characters can be, and the names they draw from.
type Defaults struct {
	Roles      []DefaultItem `json:"roles"`
	Archetypes []DefaultItem `json:"archetypes"`
	SkillTiers []DefaultItem `json:"skill_tiers"`
	Moods      []DefaultItem `json:"moods"`
	Names      []NameEntry   `json:"names"`
	// LocalEngine says what the offline text engine can do; the composition root fills it.
	LocalEngine EngineInfo `json:"-"`
}

// EngineInfo describes a text engine to callers.
type EngineInfo struct {
	Engine    string
	Model     string
	Languages []string
	Note      string
}

// ParseDefaults reads defaults.json and checks that no list is empty.
func ParseDefaults(b []byte) (*Defaults, error) {
	var d Defaults
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("defaults: %w", err)
	}
	if len(d.Roles) == 0 || len(d.Archetypes) == 0 || len(d.SkillTiers) == 0 || len(d.Moods) == 0 || len(d.Names) == 0 {
		return nil, fmt.Errorf("defaults: roles, archetypes, skill tiers, moods and names must all be non-empty")
	}
	return &d, nil
}

// find returns the item with the id.
func find(items []DefaultItem, id string) (DefaultItem, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return DefaultItem{}, false
}

func ids(items []DefaultItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
