package worldgen

import "github.com/troupe-ai/troupe/domain"

func (w *world) makeFactions() {
	r := w.stream("factions", 0)
	homes := perm(r, len(w.c.Regions))
	kinds := perm(r, len(w.g.FactionKinds))
	n := w.size.factions
	w.c.Factions = make([]domain.Faction, n)
	w.factionHome = make([]int, n)
	w.factionKind = make([]*factionKind, n)
	w.goals = make([]string, n)
	w.goalTarget = make([]int, n)

	// Every name first, so descriptions and goals can name any faction.
	for i := range n {
		kind := &w.g.FactionKinds[kinds[i%len(kinds)]]
		home := homes[i%len(homes)]
		w.factionKind[i] = kind
		w.factionHome[i] = home
		w.c.Factions[i] = domain.Faction{
			Name:       w.uniqueName(w.stream("faction", i), w.g.Names.Faction, kind.Terms),
			Kind:       kind.Name,
			HomeRegion: w.c.Regions[home].Name,
		}
	}
	for i := range n {
		fr := w.stream("faction-text", i)
		bind := w.bind(fr)
		bind.region, bind.faction = w.factionHome[i], i
		w.c.Factions[i].Description = bind.render(pick(fr, w.factionKind[i].Descriptions))

		// A goal's {region} and {settlement} may be anywhere: ambitions reach abroad.
		goal := w.bind(fr)
		goal.faction = i
		w.goals[i] = goal.renderMid(pick(fr, w.factionKind[i].Goals))
		w.goalTarget[i] = goal.otherFaction
		w.c.Factions[i].Goal = upperFirst(w.goals[i]) + "."
	}
}

// makeRelations gives every pair of factions one stance, the same both ways.
func (w *world) makeRelations() {
	r := w.stream("relations", 0)
	n := len(w.c.Factions)
	stance := make([][]domain.Stance, n)
	for i := range stance {
		stance[i] = make([]domain.Stance, n)
	}
	w.stance = stance
	set := func(i, j int, s domain.Stance) { stance[i][j], stance[j][i] = s, s }
	conflict := false
	for i := range n {
		for j := i + 1; j < n; j++ {
			s := pick(r, w.t.Stances)
			// A faction whose goal names another cannot be its friend.
			if w.goalTarget[i] == j || w.goalTarget[j] == i {
				s = pick(r, []domain.Stance{domain.StanceRival, domain.StanceHostile})
			}
			set(i, j, s)
			conflict = conflict || isConflict(s)
		}
	}
	// Tensions need at least one pair at odds.
	if !conflict {
		i := r.Intn(n)
		set(i, other(r, n, i), domain.StanceRival)
	}
	for i := range n {
		rel := make([]domain.FactionRelation, 0, n-1)
		for j := range n {
			if j != i {
				rel = append(rel, domain.FactionRelation{Faction: w.c.Factions[j].Name, Stance: stance[i][j]})
			}
		}
		w.c.Factions[i].Relations = rel
	}
}

func isConflict(s domain.Stance) bool {
	return s == domain.StanceRival || s == domain.StanceHostile
}
