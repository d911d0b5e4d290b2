package worldgen

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
)

// TestTablesAreRich holds the embedded tables to the variety that keeps worlds from
// repeating themselves. New validates only what Generate needs to work.
func TestTablesAreRich(t *testing.T) {
	tb, err := loadTables(data.Worlds)
	if err != nil {
		t.Fatal(err)
	}
	atLeast := func(what string, got, want int) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d entries, want at least %d", what, got, want)
		}
	}
	for _, g := range domain.Genres {
		gt := tb.genres[g]
		atLeast(string(g)+" intros", len(gt.Intros), 6)
		atLeast(string(g)+" start syllables", len(gt.Names.Syllables.Start), 20)
		atLeast(string(g)+" middle syllables", len(gt.Names.Syllables.Middle), 12)
		atLeast(string(g)+" end syllables", len(gt.Names.Syllables.End), 20)
		for _, k := range sortedKeys(gt.Names.Words) {
			atLeast(string(g)+" words."+k, len(gt.Names.Words[k]), 20)
		}
		atLeast(string(g)+" biomes", len(gt.Biomes), 10)
		atLeast(string(g)+" region details", len(gt.RegionDetails), 20)
		atLeast(string(g)+" settlement kinds", len(gt.SettlementKinds), 6)
		atLeast(string(g)+" settlement details", len(gt.SettlementDetails), 20)
		atLeast(string(g)+" faction kinds", len(gt.FactionKinds), 8)
		atLeast(string(g)+" landmark kinds", len(gt.LandmarkKinds), 10)
		atLeast(string(g)+" history", len(gt.History), 12)
		atLeast(string(g)+" tensions", len(gt.Tensions), 12)
		scenes := 0
		for _, list := range gt.Scenes {
			scenes += len(list)
		}
		atLeast(string(g)+" scenes", scenes, 12)
	}
	for _, tone := range domain.Tones {
		tt := tb.tones[tone]
		atLeast(string(tone)+" adjectives", len(tt.Adjectives), 20)
		atLeast(string(tone)+" flavours", len(tt.Flavours), 6)
		atLeast(string(tone)+" epilogues", len(tt.Epilogues), 12)
		atLeast(string(tone)+" stakes", len(tt.Stakes), 12)
		atLeast(string(tone)+" hooks", len(tt.Hooks), 20)
	}
}

// tableFS copies the embedded tables into a MapFS, letting edit change the decoded JSON
// of one file first (or remove it, by returning nil).
func tableFS(t *testing.T, file string, edit func(v any) any) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data.Worlds, "worlds", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.Worlds, path)
		if err != nil {
			return err
		}
		if path == file {
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				return err
			}
			if v = edit(v); v == nil {
				return nil
			}
			if b, err = json.Marshal(v); err != nil {
				return err
			}
		}
		m[path] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks decoded JSON by object keys and array indices.
func at(v any, path ...any) any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v
}

func TestLoadTablesRejectsBadTables(t *testing.T) {
	cases := []struct {
		name string
		file string
		edit func(v any) any
		want string // part of the error
	}{
		{"missing genre", "worlds/sci_fi.json", func(any) any { return nil }, "sci_fi.json"},
		{"missing tone", "worlds/common.json", func(v any) any {
			delete(v.(map[string]any), "grim")
			return v
		}, `tone "grim" missing`},
		{"unknown tone", "worlds/common.json", func(v any) any {
			v.(map[string]any)["jolly"] = at(v, "grim")
			return v
		}, `"jolly" is not a known tone`},
		{"unknown field", "worlds/fantasy.json", func(v any) any {
			v.(map[string]any)["tensoins"] = []any{}
			return v
		}, "unknown field"},
		{"empty list", "worlds/fantasy.json", func(v any) any {
			at(v, "names").(map[string]any)["region"] = []any{}
			return v
		}, "names.region: empty"},
		{"empty word list", "worlds/dark_fantasy.json", func(v any) any {
			at(v, "names", "words").(map[string]any)["noun"] = []any{}
			return v
		}, "names.words.noun: empty"},
		{"unknown placeholder", "worlds/post_apocalyptic.json", func(v any) any {
			at(v, "biomes", 0).(map[string]any)["descriptions"] = []any{"Dust covers {region} and {kingdom}."}
			return v
		}, "unknown placeholder {kingdom}"},
		{"placeholder out of context", "worlds/fantasy.json", func(v any) any {
			at(v, "settlement_kinds", 0).(map[string]any)["descriptions"] = []any{"{faction} owns it."}
			return v
		}, "unknown placeholder {faction}"},
		{"unclosed placeholder", "worlds/sci_fi.json", func(v any) any {
			v.(map[string]any)["intros"] = []any{"{world is a place."}
			return v
		}, "unclosed"},
		{"unknown name part", "worlds/sci_fi.json", func(v any) any {
			at(v, "names").(map[string]any)["world"] = []any{"The {colour} System"}
			return v
		}, "unknown placeholder {colour}"},
		{"tension without faction", "worlds/fantasy.json", func(v any) any {
			list := at(v, "tensions").([]any)
			list[0] = "Trouble brews in {region}."
			return v
		}, "must name {faction}"},
		{"too few biomes", "worlds/fantasy.json", func(v any) any {
			m := v.(map[string]any)
			m["biomes"] = m["biomes"].([]any)[:2]
			return v
		}, "biomes: 2 entries"},
		{"bad era", "worlds/dark_fantasy.json", func(v any) any {
			at(v, "history", 0).(map[string]any)["era"] = "future"
			return v
		}, `unknown era "future"`},
		{"bad population", "worlds/fantasy.json", func(v any) any {
			at(v, "settlement_kinds", 0).(map[string]any)["population"] = []any{500, 10}
			return v
		}, "bad range"},
		{"bad stance", "worlds/common.json", func(v any) any {
			at(v, "heroic").(map[string]any)["stances"] = []any{"smitten"}
			return v
		}, `unknown stance "smitten"`},
		{"mood without scenes", "worlds/common.json", func(v any) any {
			at(v, "mysterious").(map[string]any)["moods"] = []any{"eerie", "festive"}
			return v
		}, `no scenes for mood "festive"`},
		{"wrong article", "worlds/sci_fi.json", func(v any) any {
			v.(map[string]any)["intros"] = []any{"{world} is a empty place."}
			return v
		}, "wrong article"},
		{"goal with a capital", "worlds/fantasy.json", func(v any) any {
			at(v, "faction_kinds", 0).(map[string]any)["goals"] = []any{"Rule {region}"}
			return v
		}, "not a lowercase phrase"},
		{"doubled space", "worlds/fantasy.json", func(v any) any {
			v.(map[string]any)["region_details"] = []any{"The roads  are bad."}
			return v
		}, "stray whitespace"},
		{"trailing data", "worlds/fantasy.json", nil, "after the top-level value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var fsys fstest.MapFS
			if tc.edit == nil {
				fsys = tableFS(t, "", nil)
				fsys[tc.file].Data = append(fsys[tc.file].Data, []byte("{}")...)
			} else {
				fsys = tableFS(t, tc.file, tc.edit)
			}
			_, err := newFromFS(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadTablesRejectsStrayFile(t *testing.T) {
	fsys := tableFS(t, "", nil)
	fsys["worlds/space_opera.json"] = &fstest.MapFile{Data: []byte("{}")}
	if _, err := newFromFS(fsys); err == nil || !strings.Contains(err.Error(), "space_opera.json: not a known genre") {
		t.Errorf("error = %v", err)
	}
}

func TestEmbeddedTablesLoad(t *testing.T) {
	g, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(len(g.t.genres), len(g.t.tones)), fmt.Sprint(len(domain.Genres), len(domain.Tones)); got != want {
		t.Errorf("loaded %s genres and tones, want %s", got, want)
	}
}
