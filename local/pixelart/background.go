package pixelart

import (
	"context"
	"slices"

	"github.com/troupe-ai/troupe/domain"
)

// The scenes, chosen from the prompt by sceneFor.
const (
	sceneMountains = "mountains"
	sceneForest    = "forest"
	sceneTown      = "town"
	sceneDungeon   = "dungeon"
	sceneCoast     = "coast"
	sceneDesert    = "desert"
	scenePlains    = "plains"
)

// sceneFor picks the scene a background prompt asks for (see planFor).
func sceneFor(prompt string) string { return planFor(wordsOf(prompt), false).scene }

// timeOfDay is when a scene is lit.
type timeOfDay int

const (
	day timeOfDay = iota
	dawn
	dusk
	night
)

// timeKeywords map words to times of day; the first that matches wins, so "a starry
// night after a sunny day" is night.
var timeKeywords = []struct {
	t     timeOfDay
	words []string
}{
	{night, []string{"night", "midnight", "nighttime", "night-time", "moonlit", "moonlight", "starry", "stars", "starlit", "nocturnal", "moon"}},
	{dusk, []string{"dusk", "sunset", "evening", "twilight", "sundown", "golden hour", "nightfall", "gloaming"}},
	{dawn, []string{"dawn", "sunrise", "daybreak", "morning", "first light", "sunup"}},
	{day, []string{"noon", "midday", "day", "daytime", "afternoon", "sunny", "daylight", "high noon", "sunlit", "sunshine"}},
}

// timeFor picks the time of day from the prompt, else from the tone, else the seed.
func timeFor(w words, tn tone, r *rng) timeOfDay {
	for _, k := range timeKeywords {
		if w.any(k.words...) {
			return k.t
		}
	}
	switch tn.name {
	case "dusk":
		return []timeOfDay{dusk, night, dawn}[r.pick(50, 35, 15)]
	case "neon":
		return []timeOfDay{night, dusk}[r.pick(75, 25)]
	case "mystic":
		return []timeOfDay{night, dusk, dawn}[r.pick(45, 30, 25)]
	case "bright", "heroic":
		return []timeOfDay{day, dawn, dusk}[r.pick(70, 15, 15)]
	case "rust":
		return []timeOfDay{day, dusk}[r.pick(65, 35)]
	}
	return []timeOfDay{day, dusk, dawn, night}[r.pick(50, 22, 14, 14)]
}

// sky is a time of day's palette.
type sky struct {
	zenith, mid, horizon, sun, glow, cloud, cloudShade rgb
	// ambient tints the landscape; ambientAmt is how much (0..256); bright scales it.
	ambient            rgb
	ambientAmt, bright int
}

var skies = [...]sky{
	day: {zenith: hex(0x3c78d2), mid: hex(0x74b0ea), horizon: hex(0xc8e4f2), sun: hex(0xfff8dc), glow: hex(0xfff0c0),
		cloud: hex(0xffffff), cloudShade: hex(0xb4c6e0), ambient: hex(0xfff4e0), ambientAmt: 20, bright: 256},
	dawn: {zenith: hex(0x34487e), mid: hex(0xb87a9e), horizon: hex(0xffc890), sun: hex(0xfff0c8), glow: hex(0xffd8a0),
		cloud: hex(0xffd2c4), cloudShade: hex(0x8a6a9a), ambient: hex(0x8a5a8a), ambientAmt: 60, bright: 230},
	dusk: {zenith: hex(0x26286a), mid: hex(0x9a4a7e), horizon: hex(0xff9e58), sun: hex(0xffd890), glow: hex(0xffb070),
		cloud: hex(0xffa48a), cloudShade: hex(0x5e3c72), ambient: hex(0x4a2a5e), ambientAmt: 96, bright: 200},
	night: {zenith: hex(0x080a22), mid: hex(0x161c4c), horizon: hex(0x34447a), sun: hex(0xf2f0dc), glow: hex(0x8a9ac8),
		cloud: hex(0x4a5480), cloudShade: hex(0x232847), ambient: hex(0x121a3c), ambientAmt: 150, bright: 150},
}

// scene is a background being drawn on its native canvas.
type scene struct {
	c *canvas
	// depth is each pixel's layer, larger nearer; anime inks the edges between layers.
	depth []uint8
	w, h  int
	lk    look
	tn    tone
	tod   timeOfDay
	sky   sky
	seed  uint64
	kw    words
	// pl is what the prompt asks for; elems what has been drawn of it, for the traits.
	pl    plan
	elems []string
	// weatherShown is set once the plan's weather is on the picture.
	weatherShown bool
	// groundTop is the open foreground ground's outline and groundID its layer, where
	// rain puddles; water is the layer that is water (0 for none), where snow never lies.
	groundTop       []int
	groundID, water uint8
	// litCache holds the room colours lit has graded.
	litCache map[litKey]rgb
	// hor is the horizon row; sunX, sunY, sunR the sun's or moon's disc.
	hor, sunX, sunY, sunR int
}

// grade finishes a colour for the picture: the tone, then the look.
func (s *scene) grade(c rgb) rgb { return s.lk.finish(s.tn.grade(c)) }

// shine finishes the colour of a light source (a flame, a lit window, neon): it takes
// only a little of the tone's grading, because light glows whatever the world's mood.
func (s *scene) shine(c rgb) rgb { return s.lk.finish(mix(c, s.tn.grade(c), 70)) }

// land finishes a landscape colour: lit by the time of day, faded haze/256 of the way
// into the horizon's colour with distance, then graded.
func (s *scene) land(c rgb, haze int) rgb {
	c = mix(scale(c, s.sky.bright), s.sky.ambient, s.sky.ambientAmt)
	if haze > 0 {
		c = mix(c, s.sky.horizon, haze)
	}
	return s.grade(c)
}

func (s *scene) put(x, y int, c rgb, id uint8) {
	if x >= 0 && y >= 0 && x < s.w && y < s.h {
		i := y*s.w + x
		s.c.px[i] = c
		s.depth[i] = id
	}
}

// step quantises t in [0, span] to the look's bands, dithering the band edges; with no
// bands it returns t with a whisper of dither to hide 8-bit steps.
func (s *scene) step(t, span, x, y int) int {
	b := s.lk.bands
	if b == 0 {
		return clamp(t+(dither8(x, y)-128)*span/(256*48), 0, span)
	}
	pos := t*(b-1)*256/max(span, 1) + (dither4(x, y)-128)*s.lk.dither/256
	return clamp((pos+128)>>8, 0, b-1) * span / (b - 1)
}

// ramp returns the colour t/span of the way from a to b, stepped.
func (s *scene) ramp(a, b rgb, t, span, x, y int) rgb {
	return mix(a, b, s.step(clamp(t, 0, span), span, x, y)*256/max(span, 1))
}

// renderBackground draws the scene the prompt asks for on a native canvas and returns
// it with its pixel size and its traits (see scene.traits).
func renderBackground(ctx context.Context, req domain.ImageRequest, lk look) (*canvas, int, []string, error) {
	k := lk.bgPixel
	w, h := (req.Width+k-1)/k, (req.Height+k-1)/k
	seed := requestSeed(req)
	tn := toneFor(req.WorldTone)
	tn.vivid = clamp(tn.vivid+lk.vivid, -1, 2)
	kw := wordsOf(req.Prompt)
	pl := planFor(kw, tn.neon)
	if pl.neon && !tn.neon {
		// A cyberpunk prompt in another world tone keeps that tone's grading but gets
		// neon lights.
		tn.neon, tn.glow = true, hex(0x4ff4ff)
	}
	s := &scene{c: newCanvas(w, h), depth: make([]uint8, w*h), w: w, h: h, lk: lk, tn: tn, seed: seed, kw: kw, pl: pl}
	s.tod = timeWith(kw, tn, pl.neon, derive(seed, "time"))
	s.sky = skies[s.tod]
	if pl.neon && s.tod != day {
		// Neon skies glow magenta at the horizon.
		s.sky.horizon = mix(s.sky.horizon, hex(0xd04aa0), 120)
		s.sky.mid = mix(s.sky.mid, hex(0x5a2a8a), 100)
	}
	if !pl.interior {
		s.sky = weatherSky(s.sky, pl, s.tod)
	}
	s.hor = h * 62 / 100
	switch pl.scene {
	case sceneCoast, sceneHarbour:
		s.hor = h * 56 / 100
	case sceneStreet:
		s.hor = h * 50 / 100
	}
	if !pl.interior {
		s.paintSky()
		if err := ctx.Err(); err != nil {
			return nil, 0, nil, err
		}
	}
	switch pl.scene {
	case sceneMountains:
		s.mountains()
	case sceneForest:
		s.forest()
	case sceneTown:
		s.town()
	case sceneDungeon:
		s.dungeon()
	case sceneCoast:
		s.coast()
	case sceneDesert:
		s.desert()
	case sceneTavern:
		s.tavern()
	case sceneShop, sceneLibrary:
		s.shop()
	case sceneHall:
		s.hall()
	case sceneCrypt:
		s.crypt()
	case sceneCave:
		s.cave()
	case sceneStreet:
		s.street()
	case sceneCastle:
		s.castleScene()
	case sceneRuin:
		s.ruinScene()
	case sceneHarbour:
		s.harbour()
	default:
		s.plains()
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	if !pl.interior {
		s.weather()
	}
	if lk.ink {
		s.inkEdges()
	}
	if lk.filter != bilinear {
		fitPalette(s.c)
	}
	return s.c, k, s.traits(), nil
}

// fitPalette keeps a picture meant for a palette within 256 colours. Weather and lights
// blended over a busy scene (halos of neon signs over hazed facades) can pass 256, and
// the picture would then be encoded as a much larger RGB PNG. The 256 most used
// colours are kept (ties going to the colour seen first, so the result never depends
// on map order) and every other colour becomes its nearest kept one: the rare colours
// are the fringes of blends, a shade away from a common one.
func fitPalette(c *canvas) {
	index := make(map[rgb]int, 512)
	var colours []rgb
	var counts []int
	last, li := rgb{}, -1 // pixel art runs: most pixels repeat the one before
	for _, p := range c.px {
		if li < 0 || p != last {
			i, ok := index[p]
			if !ok {
				i = len(colours)
				index[p] = i
				colours = append(colours, p)
				counts = append(counts, 0)
			}
			last, li = p, i
		}
		counts[li]++
	}
	if len(colours) <= 256 {
		return
	}
	order := make([]int, len(colours))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return counts[b] - counts[a] })
	kept := make([]rgb, 256)
	for i := range kept {
		kept[i] = colours[order[i]]
	}
	to := make([]rgb, len(colours))
	for i, col := range colours {
		best, bd := kept[0], 1<<30
		for _, k := range kept {
			if d := dist(col, k); d < bd {
				best, bd = k, d
			}
		}
		to[i] = best
	}
	for i, p := range c.px {
		c.px[i] = to[index[p]]
	}
}

// paintSky draws the gradient, the sun or moon with its halo, stars and clouds.
func (s *scene) paintSky() {
	r := derive(s.seed, "sky")
	z, m, hz := s.grade(s.sky.zenith), s.grade(s.sky.mid), s.grade(s.sky.horizon)
	glow := s.grade(s.sky.glow)
	// The sun sits high at noon, low at dawn and dusk; the moon high at night.
	s.sunX = s.w * r.between(22, 78) / 100
	switch s.tod {
	case day:
		s.sunY, s.sunR = s.h*r.between(12, 24)/100, max(3, s.h/13)
	case night:
		s.sunY, s.sunR = s.h*r.between(12, 26)/100, max(3, s.h/16)
	default:
		s.sunY, s.sunR = s.hor-s.h*r.between(4, 12)/100, max(4, s.h/10)
	}
	halo := s.sunR * 4
	for y := range s.h {
		t := min(y*512/max(s.hor, 1), 512)
		for x := range s.w {
			v := s.step(t, 512, x, y)
			if s.pl.fog {
				// A fogged sky is one soft haze: dithered right through, with no bands
				// whose edges would run across the picture as seams.
				v = s.dstep(t, 512, 24, x, y)
			}
			var c rgb
			if v < 256 {
				c = mix(z, m, v)
			} else {
				c = mix(m, hz, v-256)
			}
			dx, dy := x-s.sunX, y-s.sunY
			if d := isqrt(dx*dx + dy*dy); d < halo {
				amt := (halo - d) * 256 / halo
				amt = amt * amt / 256
				if s.tod == night {
					amt /= 3
				}
				c = mix(c, glow, s.step(amt*3/4, 256, x, y))
			}
			s.put(x, y, c, 0)
		}
	}
	// Rain and falling snow hide the sun, the moon and the stars behind an overcast;
	// fog hides only the stars.
	overcast := s.pl.rain || s.pl.heavySnow
	if (s.tod == night || s.tod == dusk) && !overcast && !s.pl.fog {
		s.stars()
		s.mark("stars")
	}
	if !overcast {
		s.disc()
		if s.tod == night {
			s.mark("moon")
		} else {
			s.mark("sun")
		}
	}
	if s.clouds(r) > 0 {
		s.mark("clouds")
	}
}

// stars scatters hashed stars, thinning towards the horizon; a few bright ones get
// a cross.
func (s *scene) stars() {
	star := []rgb{s.grade(hex(0xffffff)), s.grade(hex(0xfff0c0)), s.grade(hex(0xc0d0ff))}
	dim := s.grade(mix(s.sky.zenith, hex(0xffffff), 110))
	perMille := 14
	if s.tod == dusk {
		perMille = 4
	}
	for y := range s.hor * 3 / 4 {
		for x := range s.w {
			hv := hash2(s.seed, x, y)
			if int(hv%1000) >= perMille*(s.hor-y)/max(s.hor, 1) {
				continue
			}
			c := star[(hv>>20)%3]
			if (hv>>30)%3 == 0 {
				c = dim
			}
			s.put(x, y, c, 0)
			if (hv>>40)%23 == 0 && s.tod == night {
				for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
					s.put(x+d[0], y+d[1], dim, 0)
				}
			}
		}
	}
}

// disc draws the sun, or at night a crescent or full moon with a few craters.
func (s *scene) disc() {
	r := derive(s.seed, "moon")
	sun := s.grade(s.sky.sun)
	rr := s.sunR
	if s.tod == night {
		lit, dark := s.grade(hex(0xf2eed8)), s.grade(hex(0xc8c4b0))
		crescent := r.chance(50)
		// A full moon gets a few craters: small darker discs at seeded spots.
		type crater struct{ x, y, r int }
		var craters []crater
		for range 3 {
			craters = append(craters, crater{r.between(-rr/2, rr/2), r.between(-rr/2, rr/2), max(1, rr/4)})
		}
		for y := -rr; y <= rr; y++ {
			for x := -rr; x <= rr; x++ {
				if x*x+y*y > rr*rr {
					continue
				}
				cx, cy := x-rr/2, y+rr/4
				if crescent && cx*cx+cy*cy < rr*rr*3/4 {
					continue
				}
				c := lit
				for _, k := range craters {
					if dx, dy := x-k.x, y-k.y; !crescent && dx*dx+dy*dy <= k.r*k.r {
						c = dark
					}
				}
				s.put(s.sunX+x, s.sunY+y, c, 0)
			}
		}
		return
	}
	if s.tod != day {
		sun = s.grade(mix(s.sky.sun, s.sky.horizon, 90))
	}
	for y := -rr; y <= rr; y++ {
		for x := -rr; x <= rr; x++ {
			if x*x+y*y <= rr*rr {
				s.put(s.sunX+x, s.sunY+y, sun, 0)
			}
		}
	}
}

// clouds draws a few clouds of stacked puffs, flat-bottomed, lit on top and shaded
// underneath, and returns how many: a low deck of them under rain or falling snow, few
// in fog.
func (s *scene) clouds(r *rng) int {
	n := r.between(2, 5)
	if s.tod == night {
		n = r.between(0, 3)
	}
	switch {
	case s.pl.scene == sceneStreet:
		// Between the rooftops a whole cloud deck would be one grey blob.
		n = min(n, 2)
	case s.pl.rain || s.pl.heavySnow:
		n = r.between(7, 10) + s.w/max(1, s.h)*2
	case s.pl.fog:
		n = r.between(0, 2)
	}
	light, mid, shade := s.grade(mix(s.sky.cloud, hex(0xffffff), 60)), s.grade(s.sky.cloud), s.grade(s.sky.cloudShade)
	if s.tod == night {
		light = s.grade(mix(s.sky.cloud, hex(0xc0c8e8), 60))
	}
	for range n {
		cw := s.h * r.between(25, 55) / 100
		cx := r.between(-cw/4, s.w+cw/4)
		base := s.h * r.between(14, 40) / 100
		if base > s.hor-s.h/10 {
			base = s.hor - s.h/10
		}
		puffs := r.between(3, 6)
		type puff struct{ x, y, r int }
		ps := make([]puff, puffs)
		for i := range ps {
			pr := max(2, cw*r.between(14, 26)/100)
			if i == 0 || i == puffs-1 {
				pr = pr * 2 / 3
			}
			ps[i] = puff{cx - cw/2 + cw*i/max(puffs-1, 1), base - pr/2 - r.Intn(max(1, pr/2)), pr}
		}
		for y := base - cw/2; y < base; y++ {
			for x := cx - cw/2 - cw/3; x < cx+cw/2+cw/3; x++ {
				for _, p := range ps {
					dx, dy := x-p.x, (y-p.y)*3/2
					if dx*dx+dy*dy > p.r*p.r {
						continue
					}
					c := mid
					if y >= base-max(1, p.r/3) {
						c = shade
					} else if dx+dy < -p.r/3 {
						c = light
					}
					s.put(x, y, c, 1)
					break
				}
			}
		}
	}
	return n
}

// heights is a silhouette line: for each column, the row where the layer starts. It is
// 1-D fractal value noise with the given period (pixels per lattice step) and octaves,
// its contrast stretched, amp rows above base at most. ridged folds the noise into sharp
// peaks for mountains.
func (s *scene) heights(label string, base, amp, period, octaves int, ridged bool) []int {
	sd := derive(s.seed, label).Uint64()
	out := make([]int, s.w)
	for x := range out {
		v := fbm(sd, x*one/max(period, 1), octaves)
		v = clamp((v-one/2)*2+one/2, 0, one-1)
		if ridged {
			v = one - abs(2*v-one)
		}
		out[x] = base - amp*v/one
	}
	return out
}

// shading is a silhouette's light: for each column, whether its smoothed outline rises to
// the right there and so faces the light from the left. Smoothing keeps the noise's small
// wiggles from striping the faces.
func shading(tops []int, radius int) []bool {
	lit := make([]bool, len(tops))
	sum := func(x int) int { return tops[clamp(x, 0, len(tops)-1)] }
	for x := range tops {
		l, r := 0, 0
		for d := 1; d <= radius; d++ {
			l += sum(x - d)
			r += sum(x + d)
		}
		lit[x] = r <= l
	}
	return lit
}

// litAt reports whether pixel (x, y), depth d below its silhouette's outline, faces the
// light. The slope is read further right the deeper the pixel lies, so the line between
// lit and shadowed faces runs diagonally down from each peak.
func litAt(lit []bool, x, d int) bool {
	return lit[clamp(x+d/2, 0, len(lit)-1)]
}

// inkEdges draws anime's ink lines wherever a nearer layer meets a further one.
func (s *scene) inkEdges() {
	ink := s.grade(inkColour)
	out := make([]bool, len(s.depth))
	for y := range s.h {
		for x := range s.w {
			i := y*s.w + x
			id := s.depth[i]
			if id == 0 {
				continue
			}
			for _, d := range [4][2]int{{0, -1}, {-1, 0}, {1, 0}, {0, 1}} {
				nx, ny := x+d[0], y+d[1]
				if nx >= 0 && ny >= 0 && nx < s.w && ny < s.h && s.depth[ny*s.w+nx] < id {
					out[i] = true
					break
				}
			}
		}
	}
	for i, o := range out {
		if o {
			s.c.px[i] = mix(s.c.px[i], ink, 200)
		}
	}
}
