package worldgen

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func newGenerator(t testing.TB) *Generator {
	t.Helper()
	g, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := newGenerator(t), newGenerator(t)
	cases := []struct {
		seed int64
		p    domain.WorldParams
	}{
		{0, domain.WorldParams{Genre: domain.GenreFantasy, Tone: domain.ToneHeroic, Size: domain.WorldSizeSmall}},
		{42, domain.WorldParams{Genre: domain.GenreSciFi, Tone: domain.ToneMysterious, Size: domain.WorldSizeLarge}},
		{domain.MaxWorldSeed, domain.WorldParams{Genre: domain.GenrePostApocalyptic, Tone: domain.ToneWhimsical, Size: domain.WorldSizeMedium, Name: "Ashfall"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d/%s/%s/%s", tc.seed, tc.p.Genre, tc.p.Tone, tc.p.Size), func(t *testing.T) {
			first := a.Generate(tc.seed, tc.p)
			for _, g := range []*Generator{a, b} {
				again := g.Generate(tc.seed, tc.p)
				if !reflect.DeepEqual(first, again) {
					t.Fatal("same seed and params gave different worlds")
				}
				if !bytes.Equal(mustJSON(t, first), mustJSON(t, again)) {
					t.Fatal("same seed and params gave different JSON")
				}
			}
		})
	}
}

// TestGolden pins whole worlds byte for byte, so any change to the generator, the
// tables or the encoding shows up here. Run `go test -update` after a deliberate change.
func TestGolden(t *testing.T) {
	g := newGenerator(t)
	cases := []struct {
		file string
		seed int64
		p    domain.WorldParams
	}{
		{"fantasy_heroic_small", 1, domain.WorldParams{Genre: domain.GenreFantasy, Tone: domain.ToneHeroic, Size: domain.WorldSizeSmall}},
		{"sci_fi_mysterious_medium", 20260101, domain.WorldParams{Genre: domain.GenreSciFi, Tone: domain.ToneMysterious, Size: domain.WorldSizeMedium}},
		{"dark_fantasy_grim_large_named", domain.MaxWorldSeed, domain.WorldParams{Genre: domain.GenreDarkFantasy, Tone: domain.ToneGrim, Size: domain.WorldSizeLarge, Name: "The Hollow Crown"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got := mustJSON(t, g.Generate(tc.seed, tc.p))
			path := filepath.Join("testdata", tc.file+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("world differs from %s; if the change is deliberate, run go test -update\n%s",
					path, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff describes the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, wl, gl)
		}
	}
	return "no line differs"
}

func TestSeedsGiveDistinctWorlds(t *testing.T) {
	g := newGenerator(t)
	for _, genre := range domain.Genres {
		t.Run(string(genre), func(t *testing.T) {
			p := domain.WorldParams{Genre: genre, Tone: domain.ToneHeroic, Size: domain.WorldSizeMedium}
			names, briefs := map[string]int64{}, map[string]int64{}
			for seed := range int64(50) {
				c := g.Generate(seed, p)
				if prev, ok := names[c.Name]; ok {
					t.Errorf("seeds %d and %d both named %q", prev, seed, c.Name)
				}
				if prev, ok := briefs[c.Brief]; ok {
					t.Errorf("seeds %d and %d have the same brief", prev, seed)
				}
				names[c.Name], briefs[c.Brief] = seed, seed
			}
		})
	}
}

func TestEveryCombinationKeepsInvariants(t *testing.T) {
	g := newGenerator(t)
	for _, genre := range domain.Genres {
		for _, tone := range domain.Tones {
			for _, size := range domain.WorldSizes {
				p := domain.WorldParams{Genre: genre, Tone: tone, Size: size}
				t.Run(fmt.Sprintf("%s/%s/%s", genre, tone, size), func(t *testing.T) {
					for _, seed := range []int64{0, 1, 7, 1234567, domain.MaxWorldSeed} {
						for _, msg := range problems(g.Generate(seed, p), p) {
							t.Errorf("seed %d: %s", seed, msg)
						}
					}
				})
			}
		}
	}
}

func TestEveryParamChangesTheWorld(t *testing.T) {
	g := newGenerator(t)
	base := domain.WorldParams{Genre: domain.GenreFantasy, Tone: domain.ToneHeroic, Size: domain.WorldSizeMedium}
	want := g.Generate(99, base)
	cases := []struct {
		name string
		seed int64
		edit func(*domain.WorldParams)
	}{
		{"seed", 100, func(*domain.WorldParams) {}},
		{"genre", 99, func(p *domain.WorldParams) { p.Genre = domain.GenreDarkFantasy }},
		{"tone", 99, func(p *domain.WorldParams) { p.Tone = domain.ToneGrim }},
		{"size", 99, func(p *domain.WorldParams) { p.Size = domain.WorldSizeLarge }},
		{"name", 99, func(p *domain.WorldParams) { p.Name = "Eldmoor" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			tc.edit(&p)
			got := g.Generate(tc.seed, p)
			// Compare something the parameter does not set directly, so a change proves
			// the parameter reached the random streams.
			if reflect.DeepEqual(got.Regions, want.Regions) || reflect.DeepEqual(got.History, want.History) {
				t.Errorf("changing only the %s left regions or history unchanged", tc.name)
			}
		})
	}
}

func TestExplicitNameIsUsedVerbatim(t *testing.T) {
	g := newGenerator(t)
	for _, name := range []string{
		"Eldmoor",
		"the lowercase lands",
		"The {region} of {faction}",
		"  Spaced  Out  ",
		"Ünïcödé Wörld ✦",
		"A",
	} {
		t.Run(name, func(t *testing.T) {
			p := domain.WorldParams{Name: name, Genre: domain.GenreSciFi, Tone: domain.ToneWhimsical, Size: domain.WorldSizeSmall}
			c := g.Generate(5, p)
			if c.Name != name {
				t.Errorf("Name = %q, want %q", c.Name, name)
			}
			// Every intro opens with the world's name.
			if !strings.HasPrefix(c.Brief, name+" ") {
				t.Errorf("brief does not open with the name verbatim: %q", c.Brief)
			}
			for _, msg := range problems(c, p) {
				t.Error(msg)
			}
		})
	}
}

func TestUnknownParamsFallBack(t *testing.T) {
	g := newGenerator(t)
	p := domain.WorldParams{Genre: "space_opera", Tone: "sardonic", Size: "huge"}
	c := g.Generate(3, p)
	fallback := domain.WorldParams{Genre: p.Genre, Tone: p.Tone, Size: domain.WorldSizes[0]}
	for _, msg := range problems(c, fallback) {
		t.Error(msg)
	}
}

func BenchmarkGenerate(b *testing.B) {
	g := newGenerator(b)
	p := domain.WorldParams{Genre: domain.GenreFantasy, Tone: domain.ToneMysterious, Size: domain.WorldSizeMedium}
	var seed int64
	for b.Loop() {
		g.Generate(seed, p)
		seed++
	}
}
