package pixelart

// The cave: nested rings of rock, each nearer one darker and wider, framing a light at
// the back (the cave mouth by day, a glow of crystals or torchlight otherwise), hung with
// stalactites and studded with stalagmites.

// cave draws the view out of (or deeper into) a cave: a mine gets timbers, rails and
// torches; crystals glow where asked for (or by chance at night); a pool may mirror the
// light.
func (s *scene) cave() {
	h, w := s.h, s.w
	r := derive(s.seed, "cave")
	mine := s.kw.any("mine", "mines", "mineshaft", "mine shaft")
	crystals := s.kw.any("crystal", "crystals", "gem", "gems", "glowing", "luminous", "amethyst") || (!mine && s.tod == night && r.chance(60))
	mouth := !crystals && !mine && (s.tod != night || s.kw.any("cave mouth", "entrance", "mouth"))
	pool := s.kw.any("lake", "pool", "water", "river", "underground lake", "spring") || r.chance(35)
	torches := s.pl.torches || mine || (!mouth && !crystals)
	// The light at the back, and what the deepest opening shows.
	back := hex(0xffb060) // torchlight
	switch {
	case crystals:
		back = []rgb{hex(0x60e0d0), hex(0xa070f0), hex(0x60a0ff)}[r.Intn(3)]
	case mouth:
		back = s.sky.horizon
	}
	ox, oy := w/2+w*r.between(-10, 10)/100, h*46/100
	// The back: the outside seen through the mouth, or a glowing chamber.
	if mouth {
		s.paintSky()
		hills := s.heights("cavehills", oy+h*10/100, h*10/100, h*30/100, 3, false)
		s.layer(hills, 1, s.rockOf(hex(0x6a8a70), 120), 0)
		s.mark("mouth")
	} else {
		glow, deep := s.shine(mix(back, hex(0xffffff), 40)), s.grade(mix(back, hex(0x100810), 170))
		for y := range h {
			for x := range w {
				d := isqrt((x-ox)*(x-ox) + (y-oy)*(y-oy)*2)
				s.put(x, y, s.ramp(glow, deep, d, h*40/100, x, y), 0)
			}
		}
	}
	rm := &lighting{s: s, warm: 60}
	if torches {
		for _, tx := range []int{w * 14 / 100, w * 86 / 100} {
			rm.lights = append(rm.lights, pointLight{tx, h * 40 / 100, h * 55 / 100, 220})
		}
	}
	rockC := hex(0x6a5a50)
	if crystals {
		rockC = hex(0x4a4660)
	}
	const layers = 4
	type ring struct{ top, bot []int }
	rings := make([]ring, layers)
	for i := range layers {
		// Each opening: an arched, ragged ceiling over a floor that is nearly flat and
		// rises only towards the walls; nearer openings are wider and taller.
		rx := w*(10+i*10)/100 + h*(4+i*2)/100
		up, down := h*(14+i*9)/100, h*(8+i*11)/100
		top := s.heights("cavetop"+string(rune('0'+i)), 0, up/2, h*10/100, 3, false)
		bot := s.heights("cavebot"+string(rune('0'+i)), 0, down/5, h*18/100, 3, false)
		for x := range w {
			dx := abs(x - ox)
			if dx >= rx {
				top[x], bot[x] = s.h+1, -1 // no opening: rock from top to bottom
				continue
			}
			u := dx * 256 / rx
			top[x] = oy - up*isqrt(256*256-u*u)/256 + top[x] + up/4
			bot[x] = oy + down - down*u*u/(256*256)*3/4 + bot[x] - down/10
		}
		rings[i] = ring{top, bot}
	}
	for i := range layers {
		// Nearer rings are darker: the light comes from the back.
		depthLit := 230 - i*56
		base := mix(rockC, roomDark, i*40)
		rimC := mix(base, back, 150-i*25)
		id := uint8(2 + i)
		tp, bt := rings[i].top, rings[i].bot
		for x := range w {
			for y := range h {
				if y >= tp[x] && y <= bt[x] {
					continue
				}
				d := min(abs(y-tp[x]), abs(y-bt[x]))
				if tp[x] > s.h {
					d = h
				}
				rim := max(0, 256-d*256/max(2, h*(6+i*3)/100))
				c := mix(base, rimC, s.step(rim, 256, x, y))
				if hv := hash2(s.seed^uint64(i), x/2, y/2); hv%7 == 0 {
					c = scale(c, 220)
				}
				c = mix(scale(c, depthLit), c, rm.at(x, y))
				s.put(x, y, s.lit(c, max(rm.at(x, y), 128+rim/3-i*20), 40, x, y), id)
			}
		}
		// Stalactites from the ceiling edge and stalagmites on the floor edge.
		for x := r.Intn(max(1, h/14)); x < w; x += max(2, h/14) + r.Intn(max(1, h/10)) {
			if tp[x] <= 0 || tp[x] > s.h {
				continue
			}
			l := h * r.between(3, 7+i*2) / 100
			s.spike(x, tp[x]-1, l, max(1, l/3), 1, base, rimC, id)
		}
		for x := r.Intn(max(1, h/10)); x < w; x += max(3, h/9) + r.Intn(max(1, h/8)) {
			if bt[x] < 0 || bt[x] >= s.h {
				continue
			}
			l := h * r.between(2, 5+i) / 100
			s.spike(x, bt[x]+1, l, max(1, l/3), -1, base, rimC, id)
		}
	}
	s.mark("stalactites", "stalagmites", "rocks")
	inner := rings[layers-1]
	if pool {
		// A still pool on the nearest floor, mirroring the light.
		cx, pw := ox, w*20/100+h*10/100
		py := min(inner.bot[clamp(cx, 0, w-1)]+h*4/100, h-h*6/100)
		water := s.grade(mix(back, hex(0x101830), 120))
		shine := s.shine(mix(back, hex(0xffffff), 60))
		for y := py; y < py+max(2, h*5/100); y++ {
			half := pw / 2 * (max(2, h*5/100) - (y - py)) / max(2, h*5/100)
			for x := cx - half; x <= cx+half; x++ {
				c := water
				if hash2(s.seed^0x90, x, y)%5 == 0 {
					c = shine
				}
				s.put(x, y, c, 6)
			}
		}
		s.mark("pool")
	}
	if crystals {
		s.crystals(r, back, inner.bot)
		s.mark("crystals")
	}
	if mine {
		s.mineProps(inner.top, inner.bot, ox)
		s.mark("timbers")
	}
	if torches {
		for _, l := range rm.lights {
			s.torch(l.x, l.y, h)
		}
		s.mark("torches")
	}
}

// spike draws a tapering spike from (x, y0) with length l and half-width hw, pointing
// down (dir 1) for a stalactite or up (dir −1) for a stalagmite, lit on its left.
func (s *scene) spike(x, y0, l, hw, dir int, base, rim rgb, id uint8) {
	dark, lit := s.grade(base), s.grade(rim)
	for i := range l {
		half := hw * (l - i) / max(1, l)
		for dx := -half; dx <= half; dx++ {
			c := dark
			if dx < 0 && dx <= -half/2 {
				c = lit
			}
			s.put(x+dx, y0+dir*i, c, id)
		}
	}
}

// crystals grows clusters of glowing crystals along the cave floor.
func (s *scene) crystals(r *rng, c rgb, floor []int) {
	lit, mid, dark := s.shine(mix(c, hex(0xffffff), 110)), s.shine(c), s.grade(mix(c, hex(0x100820), 120))
	for range r.between(3, 5) + s.w/max(1, s.h) {
		x := r.Intn(s.w)
		base := floor[x]
		if base < 0 || base >= s.h {
			base = s.h - 1 - r.Intn(max(1, s.h/6))
		}
		for k := range r.between(2, 4) {
			l := s.h * r.between(4, 9) / 100
			lean := r.between(-1, 1)
			xx := x + k*max(1, s.h/40) - s.h/40
			for i := range l {
				half := max(1, s.h/70) * (l - i) / max(1, l)
				for dx := -half; dx <= half; dx++ {
					cc := mid
					switch {
					case dx < 0:
						cc = lit
					case dx > 0 && half > 1:
						cc = dark
					}
					s.put(xx+dx+lean*i/3, base-i, cc, 7)
				}
			}
		}
		s.flameHaloColour(x, base-s.h/20, max(3, s.h/10), c)
	}
}

// flameHaloColour is flameHalo in another colour.
func (s *scene) flameHaloColour(cx, cy, r int, c rgb) {
	glow := s.shine(c)
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if x < 0 || y < 0 || x >= s.w || y >= s.h {
				continue
			}
			if d := isqrt((x-cx)*(x-cx) + (y-cy)*(y-cy)); d <= r {
				i := y*s.w + x
				s.c.px[i] = mix(s.c.px[i], glow, haloRings[clamp((r-d)*3/max(1, r), 0, 3)]*4/5)
			}
		}
	}
}

// mineProps props the nearest opening with a timber frame and lays rails on its floor.
func (s *scene) mineProps(top, bot []int, ox int) {
	h := s.h
	wood, rail := s.grade(hex(0x6a4428)), s.grade(hex(0x8a8a94))
	pw := max(2, h*3/100)
	half := h * 30 / 100
	lintel := h * 22 / 100
	for _, px := range []int{ox - half, ox + half - pw} {
		for y := lintel; y < min(h, bot[clamp(px, 0, s.w-1)]+h/20); y++ {
			for x := px; x < px+pw; x++ {
				s.put(x, y, wood, 7)
			}
		}
	}
	for y := lintel; y < lintel+pw; y++ {
		for x := ox - half - pw; x < ox+half+pw; x++ {
			s.put(x, y, wood, 7)
		}
	}
	// Rails converging towards the opening.
	y0 := bot[clamp(ox, 0, s.w-1)]
	for y := max(0, y0); y < h; y++ {
		spread := (y - y0) * 3 / 4
		s.put(ox-h/30-spread, y, rail, 7)
		s.put(ox+h/30+spread, y, rail, 7)
		if (y-y0)%max(2, h/20) == 0 {
			for x := ox - h/30 - spread; x <= ox+h/30+spread; x++ {
				s.put(x, y, wood, 7)
			}
		}
	}
	s.mark("rails")
}
