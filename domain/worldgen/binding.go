package worldgen

// binding resolves the placeholders of the templates that describe one thing (a region,
// a history event, a scene card, …). Each entity is chosen on first use and then kept, so
// a template that names {settlement} twice names one settlement, and a {settlement} or
// {landmark} lies in the {region} when the template names both. Fields preset by the
// caller are kept as they are; -1 means "not chosen yet".
type binding struct {
	w                     *world
	r                     *rng
	region, otherRegion   int
	settlement, landmark  int
	faction, otherFaction int
}

func (w *world) bind(r *rng) *binding {
	return &binding{w: w, r: r, region: -1, otherRegion: -1, settlement: -1, landmark: -1,
		faction: -1, otherFaction: -1}
}

// render expands a template that starts a sentence.
func (b *binding) render(tmpl string) string { return render(tmpl, false, b.lookup) }

// renderMid expands a template that continues a sentence.
func (b *binding) renderMid(tmpl string) string { return render(tmpl, true, b.lookup) }

func (b *binding) lookup(key string) value {
	w := b.w
	switch key {
	case "world":
		return w.worldName
	case "tone_adj":
		return value{pick(b.r, w.t.Adjectives), kindWord}
	case "region":
		return value{w.c.Regions[b.regionIdx()].Name, kindName}
	case "other_region":
		return value{w.c.Regions[b.otherRegionIdx()].Name, kindName}
	case "settlement":
		return value{w.settlement(b.settlementIdx()).Name, kindName}
	case "landmark":
		return value{w.c.Landmarks[b.landmarkIdx()].Name, kindName}
	case "faction":
		return value{w.c.Factions[b.factionIdx()].Name, kindName}
	case "other_faction":
		return value{w.c.Factions[b.otherFactionIdx()].Name, kindName}
	}
	// Validation rules this out; leaving the text visible beats panicking.
	return value{"{" + key + "}", kindVerbatim}
}

func (b *binding) regionIdx() int {
	if b.region < 0 {
		b.region = b.r.Intn(len(b.w.c.Regions))
	}
	return b.region
}

func (b *binding) otherRegionIdx() int {
	if b.otherRegion < 0 {
		b.otherRegion = other(b.r, len(b.w.c.Regions), b.regionIdx())
	}
	return b.otherRegion
}

func (b *binding) settlementIdx() int {
	if b.settlement < 0 {
		if b.region >= 0 {
			b.settlement = pick(b.r, b.w.settlementsIn[b.region])
		} else {
			b.settlement = b.r.Intn(len(b.w.settlements))
			b.region = b.w.settlements[b.settlement].region
		}
	}
	return b.settlement
}

func (b *binding) landmarkIdx() int {
	if b.landmark < 0 {
		switch {
		case b.region >= 0 && len(b.w.landmarksIn[b.region]) > 0:
			b.landmark = pick(b.r, b.w.landmarksIn[b.region])
		case b.region >= 0:
			// No landmark in this region: name a distant one and leave the region be.
			b.landmark = b.r.Intn(len(b.w.c.Landmarks))
		default:
			b.landmark = b.r.Intn(len(b.w.c.Landmarks))
			b.region = b.w.landmarkRegion[b.landmark]
		}
	}
	return b.landmark
}

func (b *binding) factionIdx() int {
	if b.faction < 0 {
		b.faction = b.r.Intn(len(b.w.c.Factions))
	}
	return b.faction
}

func (b *binding) otherFactionIdx() int {
	if b.otherFaction < 0 {
		b.otherFaction = other(b.r, len(b.w.c.Factions), b.factionIdx())
	}
	return b.otherFaction
}

// other returns a uniform index in [0, n) other than not; n must be at least 2.
func other(r *rng, n, not int) int {
	i := r.Intn(n - 1)
	if i >= not {
		i++
	}
	return i
}
