package worldgen

import "github.com/troupe-ai/troupe/domain"

func (w *world) makeRegions() {
	r := w.stream("regions", 0)
	biomes := perm(r, len(w.g.Biomes))
	details := perm(r, len(w.g.RegionDetails))
	w.c.Regions = make([]domain.Region, w.size.regions)
	for i := range w.c.Regions {
		b := &w.g.Biomes[biomes[i%len(biomes)]]
		rr := w.stream("region", i)
		w.c.Regions[i] = domain.Region{
			Name:  w.uniqueName(rr, w.g.Names.Region, b.Terms),
			Biome: b.Name,
		}
		bind := w.bind(rr)
		bind.region = i
		w.c.Regions[i].Description = bind.render(pick(rr, b.Descriptions)) + " " +
			bind.render(w.g.RegionDetails[details[i%len(details)]])
	}
}

func (w *world) makeSettlements() {
	r := w.stream("settlements", 0)
	details := perm(r, len(w.g.SettlementDetails))
	w.settlementsIn = make([][]int, len(w.c.Regions))
	for i := range w.c.Regions {
		rr := w.stream("settlement", i)
		n := minSettlements + rr.Intn(maxSettlements-minSettlements+1)
		for j := range n {
			kind := pick(rr, w.g.SettlementKinds)
			w.c.Regions[i].Settlements = append(w.c.Regions[i].Settlements, domain.Settlement{
				Name:       w.uniqueName(rr, w.g.Names.Settlement, nil),
				Kind:       kind.Name,
				Population: population(rr, kind.Population),
			})
			idx := len(w.settlements)
			w.settlements = append(w.settlements, settlementRef{region: i, index: j})
			w.settlementsIn[i] = append(w.settlementsIn[i], idx)

			bind := w.bind(rr)
			bind.region, bind.settlement = i, idx
			w.settlement(idx).Description = bind.render(pick(rr, kind.Descriptions)) + " " +
				bind.render(w.g.SettlementDetails[details[idx%len(details)]])
		}
	}
}

// population draws from [lo, hi] and rounds large values the way people quote them.
func population(r *rng, bounds [2]int) int {
	lo, hi := bounds[0], bounds[1]
	p := lo + r.Intn(hi-lo+1)
	switch {
	case p >= 10000:
		p -= p % 100
	case p >= 1000:
		p -= p % 10
	}
	return max(p, lo)
}

func (w *world) makeLandmarks() {
	r := w.stream("landmarks", 0)
	// Cycling through a shuffled region order spreads landmarks so every region gets one
	// when there are at least as many landmarks as regions.
	regions := perm(r, len(w.c.Regions))
	kinds := perm(r, len(w.g.LandmarkKinds))
	w.c.Landmarks = make([]domain.Landmark, w.size.landmarks)
	w.landmarkRegion = make([]int, w.size.landmarks)
	w.landmarksIn = make([][]int, len(w.c.Regions))
	for j := range w.c.Landmarks {
		region := regions[j%len(regions)]
		kind := &w.g.LandmarkKinds[kinds[j%len(kinds)]]
		lr := w.stream("landmark", j)
		w.c.Landmarks[j] = domain.Landmark{
			Name:   w.uniqueName(lr, w.g.Names.Landmark, kind.Terms),
			Region: w.c.Regions[region].Name,
			Kind:   kind.Name,
		}
		w.landmarkRegion[j] = region
		w.landmarksIn[region] = append(w.landmarksIn[region], j)

		bind := w.bind(lr)
		bind.region, bind.landmark = region, j
		w.c.Landmarks[j].Description = bind.render(pick(lr, kind.Descriptions))
	}
}
