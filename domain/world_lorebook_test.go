package domain_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/worldgen"
)

var loreNow = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func generatedWorld(t *testing.T, seed int64, p domain.WorldParams) *domain.World {
	t.Helper()
	g, err := worldgen.New()
	if err != nil {
		t.Fatal(err)
	}
	return &domain.World{ID: "wld_test", TenantID: "ten_test", Seed: seed, Params: p, Content: g.Generate(seed, p)}
}

func entryNamed(b *domain.Lorebook, name string) *domain.LoreEntry {
	for i := range b.Entries {
		if b.Entries[i].Name == name {
			return &b.Entries[i]
		}
	}
	return nil
}

// Every generated world, of every genre and size, gives a valid book with an entry for
// each of its facts, and its characters hear of each faction when it is named.
func TestWorldLorebookOfGeneratedWorlds(t *testing.T) {
	t.Parallel()
	for _, genre := range domain.Genres {
		for _, size := range domain.WorldSizes {
			t.Run(fmt.Sprintf("%s %s", genre, size), func(t *testing.T) {
				t.Parallel()
				w := generatedWorld(t, 42, domain.WorldParams{Genre: genre, Tone: domain.ToneGrim, Size: size})
				c := w.Content
				b := domain.WorldLorebook(w, loreNow)
				if !strings.HasPrefix(b.ID, domain.PrefixLorebook) || b.TenantID != w.TenantID || b.WorldID != w.ID ||
					b.Name != c.Name+" (generated)" || b.Description == "" || strings.Contains(b.Description, "\n") {
					t.Fatalf("book: %+v", b)
				}
				if b.ScanDepth != domain.DefaultLoreScanDepth || b.TokenBudget != domain.DefaultLoreTokenBudget || b.RecursiveScanning {
					t.Errorf("scan depth %d, budget %d, recursive %v", b.ScanDepth, b.TokenBudget, b.RecursiveScanning)
				}
				settlements := 0
				for _, r := range c.Regions {
					settlements += len(r.Settlements)
				}
				if want := len(c.Regions) + settlements + len(c.Landmarks) + len(c.Factions) + len(c.History) + len(c.Tensions); len(b.Entries) != want {
					t.Errorf("%d entries, want %d", len(b.Entries), want)
				}
				ids := map[string]bool{}
				for _, e := range b.Entries {
					if !e.Enabled || !strings.HasPrefix(e.ID, domain.PrefixLoreEntry) || ids[e.ID] || len(e.Keys) == 0 || e.Content == "" || e.Selective {
						t.Errorf("entry %+v", e)
					}
					ids[e.ID] = true
				}
				checked := *b
				checked.Entries = slices.Clone(b.Entries)
				domain.NormalizeLorebook(&checked)
				if bad := domain.CheckLorebook(&checked); len(bad) > 0 {
					t.Errorf("the generated book does not pass the API's own checks: %v", bad)
				}
				for _, f := range c.Factions {
					e := entryNamed(b, f.Name)
					if e == nil || e.Category != "faction" || !slices.Contains(e.Keys, f.Name) || !strings.Contains(e.Content, f.Goal) {
						t.Fatalf("no faction entry for %s with its goal: %+v", f.Name, e)
					}
					got := domain.TriggeredLore([]domain.Lorebook{*b}, []string{"Hello.", "What do you make of " + f.Name + "?"})
					if !slices.ContainsFunc(got, func(s domain.LoreSnippet) bool { return s.EntryID == e.ID }) {
						t.Errorf("naming %s does not bring its entry: %v", f.Name, names(got))
					}
				}
				knowers := domain.LoreKnowers([]domain.Lorebook{*b})
				var factions []string
				for _, f := range c.Factions {
					factions = append(factions, f.Name)
				}
				if !slices.Equal(knowers, factions[:min(len(factions), 8)]) {
					t.Errorf("knowers %v, want the factions %v", knowers, factions)
				}
			})
		}
	}
}

// The book of one known world, entry by entry: what each says, and how it is keyed and
// ranked.
func TestWorldLorebookEntries(t *testing.T) {
	t.Parallel()
	w := generatedWorld(t, 1, domain.WorldParams{Genre: domain.GenreFantasy, Tone: domain.ToneHeroic, Size: domain.WorldSizeSmall})
	b := domain.WorldLorebook(w, loreNow)
	for _, tt := range []struct {
		name     string
		category string
		keys     []string
		content  string
	}{
		{"The Line of the Wolf", "faction", []string{"The Line of the Wolf", "Line of the Wolf"},
			"The Line of the Wolf is a noble house based in the Wolds of Dormere. Proud, ambitious and endlessly quarrelsome, the Line of the Wolf has produced kings, traitors and at least one saint. Its goal: Reclaim its ancestral lands in the Emerald Strand. It is neutral towards the Ashen Order and a rival of the Twilight Watch."},
		{"The Emerald Strand", "place", []string{"The Emerald Strand", "Emerald Strand"},
			"The Emerald Strand is a coast in the Kingdom of Aeluros. Fishing boats put out from every cove of the Emerald Strand, and the lighthouse keepers are the most respected people on the shore. The old nobility still hunts here, and commoners caught poaching pay dearly. Its settlements are Blackwick (a hamlet) and Meadhaven (a hamlet)."},
		{"Blackwick", "place", []string{"Blackwick"},
			"Blackwick is a hamlet of 141 people in the Emerald Strand. A handful of cottages huddled around a well and a wayside shrine. A famous poet was born here, and the townsfolk never let anyone forget it."},
		{"Belan", "place", []string{"Belan"},
			"Belan lives by the river trade, and its quays are crowded with boats in every season. The tavern here is the best in Eryiara Wastes, and its landlady knows everyone's secrets. It is a river port of about 10,300 people in Eryiara Wastes."},
		{"Lorara's Field", "place", []string{"Lorara's Field"},
			"Lorara's Field is an old battlefield where rusted blades still turn up under the plough. It is a battlefield in the Wolds of Dormere."},
		{"The Fall of the Elder Empire", "history", []string{"The Fall of the Elder Empire", "Fall of the Elder Empire", "Empire"},
			"1,119 years ago: The Fall of the Elder Empire. The empire whose last legions fell at the Hold of Ildond collapsed within a single generation, and its roads and ruins are still in use today. It is the first story every recruit of the Twilight Watch learns."},
		{"Tension between the Ashen Order and the Twilight Watch", "tension", []string{"The Ashen Order", "Ashen Order", "The Twilight Watch", "Twilight Watch"},
			"The Ashen Order and the Twilight Watch both claim the toll rights over the bridges of the Emerald Strand, and their soldiers now patrol the same roads. A brave enough go-between could still settle it without bloodshed. It plays out in the Emerald Strand."},
	} {
		e := entryNamed(b, tt.name)
		if e == nil {
			t.Errorf("no entry %q", tt.name)
			continue
		}
		if e.Category != tt.category || !slices.Equal(e.Keys, tt.keys) || e.Content != tt.content {
			t.Errorf("%s:\n got %s %q\n  %s\nwant %s %q\n  %s", tt.name, e.Category, e.Keys, e.Content, tt.category, tt.keys, tt.content)
		}
	}
	faction, settlement, region, history := entryNamed(b, "The Ashen Order"), entryNamed(b, "Blackwick"), entryNamed(b, "Eryiara Wastes"), entryNamed(b, "The Grey Plague")
	if !(faction.Priority > history.Priority && settlement.Priority > history.Priority && region.Priority > history.Priority) {
		t.Errorf("priorities: faction %d, settlement %d, region %d, history %d", faction.Priority, settlement.Priority, region.Priority, history.Priority)
	}
	// History is found by its distinctive words, not by the common ones.
	got := names(domain.TriggeredLore([]domain.Lorebook{*b}, []string{"Is the plague back?"}))
	if !slices.Contains(got, "The Grey Plague") {
		t.Errorf("the plague: %v", got)
	}
	got = names(domain.TriggeredLore([]domain.Lorebook{*b}, []string{"The old road is long, and the first night was grey."}))
	if len(got) != 0 {
		t.Errorf("common words trigger %v", got)
	}
	// A name said mid-sentence, possessive and without its "The", still triggers.
	got = names(domain.TriggeredLore([]domain.Lorebook{*b}, []string{"I saw the Ashen Order’s banners."}))
	if !slices.Contains(got, "The Ashen Order") {
		t.Errorf("the Ashen Order's banners: %v", got)
	}
}

func TestWorldLorebookIsDeterministic(t *testing.T) {
	t.Parallel()
	w := generatedWorld(t, 7, domain.WorldParams{Genre: domain.GenreSciFi, Tone: domain.ToneMysterious, Size: domain.WorldSizeLarge})
	strip := func(b *domain.Lorebook) *domain.Lorebook {
		b.ID = ""
		for i := range b.Entries {
			b.Entries[i].ID = ""
		}
		return b
	}
	a, b := strip(domain.WorldLorebook(w, loreNow)), strip(domain.WorldLorebook(w, loreNow.Add(time.Hour)))
	b.CreatedAt, b.UpdatedAt = a.CreatedAt, a.UpdatedAt
	if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) {
		t.Error("two books of one world differ")
	}
}

func TestWorldLorebookOfASparseWorld(t *testing.T) {
	t.Parallel()
	w := &domain.World{ID: "wld_x", Content: domain.WorldContent{
		Regions:  []domain.Region{{Name: "The Marches"}},
		Factions: []domain.Faction{{Name: "Crows", Relations: []domain.FactionRelation{{Faction: "The Owls", Stance: domain.StanceHostile}}}},
		History:  []domain.HistoryEvent{{YearsAgo: 1, Title: "The Schism"}},
		Tensions: []domain.Tension{{Summary: "Someone is stealing sheep", Region: "The Marches"}},
	}}
	b := domain.WorldLorebook(w, loreNow)
	want := map[string]string{
		"The Marches":            "The Marches is a region.",
		"Crows":                  "Crows is a faction. It is hostile to the Owls.",
		"The Schism":             "A year ago: The Schism.",
		"Trouble in the Marches": "Someone is stealing sheep. It plays out in the Marches.",
	}
	for name, content := range want {
		if e := entryNamed(b, name); e == nil || e.Content != content || len(e.Keys) == 0 {
			t.Errorf("%s: %+v, want %q", name, e, content)
		}
	}
	if b.Name != "The world (generated)" {
		t.Errorf("name %q", b.Name)
	}
	if e := entryNamed(b, "Trouble in the Marches"); e != nil && !slices.Equal(e.Keys, []string{"The Marches", "Marches"}) {
		t.Errorf("a tension naming no faction is keyed by its region: %q", e.Keys)
	}
}

func TestLoreKnowers(t *testing.T) {
	t.Parallel()
	entry := func(name, category string, keys ...string) domain.LoreEntry {
		return domain.LoreEntry{Name: name, Category: category, Keys: keys, Enabled: true}
	}
	first := book(entry("Ash Guild", "faction"), entry("Greywater", "place"), entry("", "person", "Bram the smith"), entry("ash guild", "faction"))
	second := book(entry("Bram the smith", "person"), with(entry("Hidden", "faction"), func(e *domain.LoreEntry) { e.Enabled = false }), entry("Ravens", "faction"))
	if got := domain.LoreKnowers([]domain.Lorebook{first, second}); !slices.Equal(got, []string{"Ash Guild", "Bram the smith", "Ravens"}) {
		t.Errorf("LoreKnowers = %v", got)
	}
	var many []domain.LoreEntry
	for i := range 12 {
		many = append(many, entry(fmt.Sprintf("Faction %d", i), "faction"))
	}
	if got := domain.LoreKnowers([]domain.Lorebook{book(many...)}); len(got) != 8 || got[7] != "Faction 7" {
		t.Errorf("at most eight: %v", got)
	}
	if got := domain.LoreKnowers(nil); len(got) != 0 {
		t.Errorf("no books: %v", got)
	}
}
