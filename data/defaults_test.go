package data_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/data"
)

// defaultsFile mirrors defaults.json; unknown fields fail the decode so the file cannot
// drift from the documented shape unnoticed.
type defaultsFile struct {
	Roles      []entry `json:"roles"`
	Archetypes []entry `json:"archetypes"`
	SkillTiers []entry `json:"skill_tiers"`
	Moods      []entry `json:"moods"`
	Names      []struct {
		Name    string `json:"name"`
		Culture string `json:"culture"`
	} `json:"names"`
}

type entry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

func decodeDefaults(t *testing.T) defaultsFile {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(data.Defaults)))
	dec.DisallowUnknownFields()
	var d defaultsFile
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("defaults.json: %v", err)
	}
	return d
}

// The ids are a contract: other packages (dialogue packs, request validation) key on them.
func TestDefaultsIDs(t *testing.T) {
	d := decodeDefaults(t)
	for _, tc := range []struct {
		table   string
		entries []entry
		want    []string
	}{
		{"roles", d.Roles, []string{"blacksmith", "innkeeper", "merchant", "guard", "healer", "scholar", "farmer", "hunter", "priest", "thief", "bard", "noble", "mercenary", "engineer"}},
		{"archetypes", d.Archetypes, []string{"mentor", "trickster", "hero", "outlaw", "explorer", "creator", "ruler", "sage", "caregiver", "jester", "innocent", "everyman", "skeptic", "zealot"}},
		{"skill_tiers", d.SkillTiers, []string{"novice", "skilled", "expert", "master"}},
		{"moods", d.Moods, []string{"calm", "cheerful", "angry", "sad", "fearful", "suspicious", "excited", "tired"}},
	} {
		var got []string
		for _, e := range tc.entries {
			got = append(got, e.ID)
			if strings.TrimSpace(e.Name) == "" || strings.TrimSpace(e.Description) == "" {
				t.Errorf("%s: %q has an empty name or description", tc.table, e.ID)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s ids = %v, want %v", tc.table, got, tc.want)
		}
	}
}

func TestDefaultsNames(t *testing.T) {
	d := decodeDefaults(t)
	seen := map[string]bool{}
	cultures := map[string]bool{}
	for _, n := range d.Names {
		if strings.TrimSpace(n.Name) == "" || strings.TrimSpace(n.Culture) == "" {
			t.Errorf("name %+v has an empty field", n)
		}
		k := strings.ToLower(n.Name)
		if seen[k] {
			t.Errorf("name %q appears twice", n.Name)
		}
		seen[k] = true
		cultures[n.Culture] = true
	}
	if len(seen) < 220 {
		t.Errorf("%d distinct names, want at least 220", len(seen))
	}
	if len(cultures) < 20 {
		t.Errorf("%d cultures, want at least 20", len(cultures))
	}
}
