package worldgen

import (
	"github.com/troupe-ai/troupe/detrand"
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

func (w *world) makeHistory() {
	r := w.stream("history", 0)
	n := w.size.history
	years := yearsAgo(r, w.g.HistorySpan, n)

	// Each era takes a random few of its templates, told in table order: the tables list
	// an era's events roughly in the order they would happen (a founding before a war).
	var chosen []int
	for e, era := range eras {
		var idx []int
		for i := range w.g.History {
			if w.g.History[i].Era == era {
				idx = append(idx, i)
			}
		}
		detrand.Shuffle(r, idx)
		take := idx[:min(eventsInEra(n, e), len(idx))]
		slices.Sort(take)
		chosen = append(chosen, take...)
	}
	epilogues := perm(r, len(w.t.Epilogues))

	w.c.History = make([]domain.HistoryEvent, n)
	for i := range n {
		// Validation guarantees every era enough templates; cycling is only a safety net.
		t := &w.g.History[chosen[i%len(chosen)]]
		er := w.stream("event", i)
		bind := w.bind(er)
		summary := bind.render(t.Summary)
		if er.Intn(2) == 0 {
			summary += " " + bind.render(w.t.Epilogues[epilogues[i%len(epilogues)]])
		}
		w.c.History[i] = domain.HistoryEvent{
			YearsAgo: years[i],
			Title:    bind.render(t.Title),
			Summary:  summary,
		}
	}
}

// yearsAgo returns n strictly decreasing ages in [1, span], one from each nth of it.
func yearsAgo(r *rng, span, n int) []int {
	years := make([]int, n)
	for i := range years {
		hi := span * (n - i) / n
		lo := span*(n-i-1)/n + 1
		years[i] = lo + r.Intn(hi-lo+1)
	}
	return years
}

func (w *world) makeTensions() {
	r := w.stream("tensions", 0)
	order := perm(r, len(w.g.Tensions))
	stakes := perm(r, len(w.t.Stakes))
	var pairs [][2]int
	for i := range w.c.Factions {
		for j := i + 1; j < len(w.c.Factions); j++ {
			if isConflict(w.stance[i][j]) {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	detrand.Shuffle(r, pairs)
	solo := perm(r, len(w.c.Factions))

	n := w.size.tensions
	w.c.Tensions = make([]domain.Tension, n)
	w.tensionMain = make([]string, n)
	for k := range n {
		tmpl := w.g.Tensions[order[k%len(order)]]
		tr := w.stream("tension", k)
		bind := w.bind(tr)
		if strings.Contains(tmpl, "{other_faction}") {
			p := pairs[k%len(pairs)]
			if tr.Intn(2) == 0 {
				p[0], p[1] = p[1], p[0]
			}
			bind.faction, bind.otherFaction = p[0], p[1]
		} else {
			bind.faction = solo[k%len(solo)]
		}
		// It plays out where one side lives, or around a landmark near them.
		homes := []int{w.factionHome[bind.faction]}
		if bind.otherFaction >= 0 {
			homes = append(homes, w.factionHome[bind.otherFaction])
		}
		if strings.Contains(tmpl, "{landmark}") {
			var near []int
			for _, h := range homes {
				near = append(near, w.landmarksIn[h]...)
			}
			if len(near) == 0 {
				bind.landmark = tr.Intn(len(w.c.Landmarks))
			} else {
				bind.landmark = pick(tr, near)
			}
			bind.region = w.landmarkRegion[bind.landmark]
		} else {
			bind.region = pick(tr, homes)
		}

		main := bind.render(tmpl)
		summary := main
		if tr.Intn(2) == 0 {
			summary += " " + bind.render(w.t.Stakes[stakes[k%len(stakes)]])
		}
		t := domain.Tension{Summary: summary, Region: w.c.Regions[bind.region].Name}
		t.Factions = append(t.Factions, w.c.Factions[bind.faction].Name)
		if bind.otherFaction >= 0 {
			t.Factions = append(t.Factions, w.c.Factions[bind.otherFaction].Name)
		}
		w.c.Tensions[k] = t
		w.tensionMain[k] = main
	}
}

func (w *world) makeScenes() {
	r := w.stream("scenes", 0)
	type entry struct {
		mood string
		t    *sceneTemplate
	}
	var pool []entry
	for _, mood := range w.t.Moods {
		for i := range w.g.Scenes[mood] {
			pool = append(pool, entry{mood, &w.g.Scenes[mood][i]})
		}
	}
	detrand.Shuffle(r, pool)
	hooks := perm(r, len(w.t.Hooks))
	usedSettlement := make([]bool, len(w.settlements))
	usedLandmark := make([]bool, len(w.c.Landmarks))
	usedRegion := make([]bool, len(w.c.Regions))

	n := w.size.scenes
	w.c.SceneCards = make([]domain.SceneCard, n)
	for k := range n {
		e := pool[k%len(pool)]
		sr := w.stream("scene", k)
		bind := w.bind(sr)
		var location string
		switch e.t.At {
		case "settlement":
			bind.settlement = pickUnused(sr, usedSettlement)
			bind.region = w.settlements[bind.settlement].region
			location = w.settlement(bind.settlement).Name
		case "landmark":
			bind.landmark = pickUnused(sr, usedLandmark)
			bind.region = w.landmarkRegion[bind.landmark]
			location = w.c.Landmarks[bind.landmark].Name
		default:
			bind.region = pickUnused(sr, usedRegion)
			location = w.c.Regions[bind.region].Name
		}
		usedRegion[bind.region] = true

		card := domain.SceneCard{
			Title:       bind.render(e.t.Title),
			Location:    location,
			Region:      w.c.Regions[bind.region].Name,
			Mood:        e.mood,
			Description: bind.render(e.t.Description),
		}
		own := perm(sr, len(e.t.Hooks))
		for _, h := range own[:sceneHooks] {
			card.Hooks = append(card.Hooks, bind.render(e.t.Hooks[h]))
		}
		card.Hooks = append(card.Hooks, bind.render(w.t.Hooks[hooks[k%len(hooks)]]))
		w.c.SceneCards[k] = card
	}
}

// pickUnused picks an index whose used flag is false, marks it and returns it. When all
// are used it picks any.
func pickUnused(r *rng, used []bool) int {
	var free []int
	for i, u := range used {
		if !u {
			free = append(free, i)
		}
	}
	var i int
	if len(free) > 0 {
		i = pick(r, free)
	} else {
		i = r.Intn(len(used))
	}
	used[i] = true
	return i
}
