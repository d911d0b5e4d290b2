package pixelart

// The castle on its hill, ruins (a scene of their own or set into a landscape) and the
// trail over a mountain pass.

// castleScene draws a castle on a hill over far hills (or snow-capped mountains), with
// a road winding up to its gate, trees and grass in front; the plan's ruin breaks it.
func (s *scene) castleScene() {
	h, w := s.h, s.w
	r := derive(s.seed, "castlescene")
	ruined := s.pl.ruin
	if s.pl.mountains {
		s.backdropMountains()
	} else {
		far := s.heights("far", h*60/100, h*14/100, h*45/100, 4, false)
		s.hill(far, 2, s.rockOf(s.snowy(hex(0x5a7a80), 180), 140), h/30, false)
	}
	// The hill: a broad mound under the castle, rough at its shoulders.
	cx := w/2 + w*r.between(-12, 12)/100
	hw := max(h*70/100, w*34/100)
	noise := s.heights("castlehill", 0, h*4/100, h*20/100, 3, false)
	tops := make([]int, w)
	crest := h * 60 / 100
	for x := range tops {
		d := min(abs(x-cx)*one/max(1, hw), one)
		tops[x] = crest + (h*26/100)*smooth(d)/one + noise[x] + h*2/100
	}
	s.hill(tops, 3, s.rockOf(s.snowy(hex(0x4e7a40), 200), 20), h/24, false)
	s.mark("hill")
	// The castle.
	height := min(h*34/100, w*30/100)
	s.fortress(cx, crest+h*3/100, height, ruined, r)
	// A road winding up to the gate.
	road := s.land(s.snowy(hex(0xa08a68), 150), 0)
	for y := crest + h*3/100; y < h; y++ {
		t := (y - crest) * 256 / max(1, h-crest)
		x := cx + sine(t/10+3)*hw/5*t/256/64
		half := max(1, t*h/256/22)
		for xx := x - half; xx <= x+half; xx++ {
			if xx >= 0 && xx < w && y >= tops[xx] {
				s.put(xx, y, road, 4)
			}
		}
	}
	s.mark("road")
	// Trees at the foot of the hill and a grassy foreground.
	trunk := s.land(hex(0x4a3224), 0)
	leaf := hex(0x2e6a34)
	dark, mid, lit := s.land(scale(leaf, 180), 0), s.land(leaf, 0), s.land(mix(leaf, hex(0xd0f090), 80), 0)
	front := s.heights("front", h*94/100, h*4/100, h*40/100, 3, false)
	for range r.between(2, 4) + w/max(1, h) {
		x := r.Intn(w)
		if abs(x-cx) < h/8 {
			continue
		}
		s.roundTree(x, front[x]+1, h*r.between(12, 18)/100, dark, mid, lit, trunk, 5)
	}
	s.grass(front, 6, hex(0x3e7a34))
	s.mark("trees")
}

// backdropMountains paints a far range of snow-capped peaks behind a settlement.
func (s *scene) backdropMountains() {
	h := s.h
	tops := s.heights("backdrop", h*58/100, h*30/100, h*36/100, 5, true)
	rk := s.rockOf(hex(0x6a7696), 120)
	snow := s.land(hex(0xf0f4ff), 110)
	snowLine := s.heights("backdropsnow", h*40/100, h*10/100, h*18/100, 3, false)
	sh := shading(tops, h/60+1)
	s.fill(tops, 2, func(x, y, top int) rgb {
		if y < snowLine[x] && y-top < h*8/100 {
			if litAt(sh, x, y-top) {
				return snow
			}
			return mix(snow, rk.shade, 90)
		}
		c := rk.shade
		if litAt(sh, x, y-top) {
			c = rk.lit
		}
		return s.ramp(c, rk.fog, y-top, h/5, x, y)
	})
	s.mark("mountains")
}

// fortress draws a castle standing on row base round cx: a curtain wall with a gate,
// round towers with conical roofs and pennants, a tall keep behind; ruined, the tops
// are broken, the roofs gone and the walls holed.
func (s *scene) fortress(cx, base, height int, ruined bool, r *rng) {
	h := s.h
	stone, shade := s.land(hex(0xa8a4ac), 30), s.land(hex(0x6a6876), 30)
	dark := s.land(hex(0x1a1620), 30)
	roof := s.land([]rgb{hex(0x3a4a8a), hex(0x8a2a2a), hex(0x4a5a4a)}[r.Intn(3)], 30)
	roofLit := s.land(mix([]rgb{hex(0x3a4a8a), hex(0x8a2a2a), hex(0x4a5a4a)}[r.Intn(3)], hex(0xffffff), 60), 30)
	flag := s.shine([]rgb{hex(0xd02a2a), hex(0xe0b030), hex(0x2a6ad0)}[r.Intn(3)])
	win := s.shine(s.tn.glow)
	night := s.tod == night || s.tod == dusk
	broken := func(x, top int) int { // a ruin's jagged top
		if !ruined {
			return top
		}
		return top + int(hash2(s.seed^0xb0, x/max(1, h/40), 0)%uint64(max(1, height/4)))
	}
	// rect fills a wall or tower from top down to base, crenellated if asked, lit on
	// its left two thirds.
	rect := func(x0, wd, top int, id uint8, crenel bool) {
		mw := max(1, h/60)
		for x := x0; x < x0+wd; x++ {
			t := broken(x, top)
			for y := t; y < base; y++ {
				if crenel && !ruined && y < top+max(1, h/50) && ((x-x0)/mw)%2 == 1 {
					continue
				}
				c := stone
				if x > x0+wd*2/3 {
					c = shade
				}
				if (y-top)%max(3, h/30) == 0 && hash2(s.seed, x/3, y)%3 == 0 {
					c = mix(c, shade, 120) // courses of stone
				}
				if ruined && hash2(s.seed^0x0e, x/max(1, h/30), y/max(1, h/30))%11 == 0 && y > t+h/30 {
					c = dark // a hole
				}
				s.put(x, y, c, id)
			}
		}
	}
	// The keep behind.
	kw := height * 45 / 100
	rect(cx-kw/2, kw, base-height, 2, true)
	// The curtain wall.
	ww := height * 2
	wallTop := base - height*38/100
	rect(cx-ww/2, ww, wallTop, 3, true)
	// Towers at the wall's ends and either side of the gate.
	tw := max(3, height/6)
	type tower struct{ x, top int }
	towers := []tower{{cx - ww/2 - tw/2, base - height*62/100}, {cx + ww/2 - tw/2, base - height*62/100},
		{cx - height/4 - tw, base - height*52/100}, {cx + height/4, base - height*52/100}}
	for _, t := range towers {
		rect(t.x, tw, t.top, 3, ruined)
		if ruined {
			continue
		}
		// A conical roof and a pennant.
		rh := tw * 3 / 2
		for y := range rh {
			half := (tw/2 + 1) * (y + 1) / rh
			for x := -half; x <= half; x++ {
				c := roof
				if x < 0 {
					c = roofLit
				}
				s.put(t.x+tw/2+x, t.top-rh+y, c, 3)
			}
		}
		pole := t.top - rh - max(2, h/30)
		for y := pole; y < t.top-rh; y++ {
			s.put(t.x+tw/2, y, dark, 3)
		}
		for i := range max(2, h/40) {
			for y := 0; y <= max(1, h/40)-i; y++ {
				s.put(t.x+tw/2+1+i, pole+y, flag, 3)
			}
		}
		// An arrow slit, lit after dark.
		c := dark
		if night {
			c = win
		}
		for y := t.top + tw; y < t.top+tw+max(2, h/40); y++ {
			s.put(t.x+tw/2, y, c, 3)
		}
	}
	// The gate: an arched opening with a portcullis.
	gw, gh := max(3, height/5), max(4, height/4)
	for y := base - gh; y < base; y++ {
		for x := cx - gw/2; x <= cx+gw/2; x++ {
			dx, dy := x-cx, y-(base-gh+gw/2)
			if dy < 0 && dx*dx+dy*dy > (gw/2)*(gw/2) {
				continue
			}
			c := dark
			if !ruined && ((x-cx)%2 == 0 || (y-base)%3 == 0) {
				c = shade
			}
			s.put(x, y, c, 3)
		}
	}
	if night && !ruined {
		for i := range 3 {
			s.put(cx-kw/4+i*kw/4, base-height+height/4, win, 2)
		}
	}
	s.mark("castle", "towers", "walls", "gate")
	if ruined {
		s.mark("ruin")
	} else {
		s.mark("flags")
	}
}

// ruins sets broken columns, a lintel, a fallen wall and scattered blocks standing on
// the silhouette tops, at most height tall; sandstone in a desert, mossy grey elsewhere.
func (s *scene) ruins(tops []int, id uint8, height, haze int) {
	h, w := s.h, s.w
	r := derive(s.seed, "ruins")
	base := hex(0xa8a294)
	green := s.pl.scene != sceneDesert && s.tn.name != "rust"
	if !green {
		base = hex(0xdcb882)
	}
	lit, mid, shade := s.land(mix(base, hex(0xfff0d0), 70), haze), s.land(base, haze), s.land(mix(scale(base, 170), hex(0x2a2050), 50), haze)
	moss := s.land(hex(0x4a7a3a), haze)
	cw := max(2, height/6)
	n := r.between(4, 6)
	sp := max(cw*3, height*50/100)
	cx := w * r.between(30, 65) / 100
	x0 := cx - (n-1)*sp/2
	ground := func(x0, x1 int) int { // the lowest top under a span, so nothing floats
		g := 0
		for x := max(0, x0); x <= min(w-1, x1); x++ {
			g = max(g, tops[x])
		}
		return g + max(1, h/100)
	}
	type col struct{ x, top, base int }
	var cols []col
	for i := range n {
		x := x0 + i*sp
		g := ground(x-1, x+cw)
		full := r.chance(55)
		ch := height
		if !full {
			ch = height * r.between(30, 80) / 100
		}
		top := g - ch
		cols = append(cols, col{x, top, g})
		for xx := x; xx < x+cw; xx++ {
			// A broken column's top is jagged.
			t := top
			if !full {
				t += int(hash2(s.seed^0x7c, xx, i) % uint64(max(1, cw)))
			}
			for y := t; y < g; y++ {
				// Lit on the left third, shadowed on the right third, fluted between.
				c := mid
				switch {
				case (xx-x)*3 < cw:
					c = lit
				case (xx-x)*3 >= cw*2:
					c = shade
				case cw >= 5 && (xx-x)%2 == 0:
					c = mix(mid, shade, 90)
				}
				if green && y > g-ch/3 && hash2(s.seed^0x3a, xx, y)%4 == 0 {
					c = moss
				}
				s.put(xx, y, c, id)
			}
		}
		// The plinth, and a capital on whole columns.
		for xx := x - 1; xx <= x+cw; xx++ {
			s.put(xx, g-1, shade, id)
			if full {
				s.put(xx, top, lit, id)
				s.put(xx, top+1, mid, id)
			}
		}
	}
	// A lintel across the first pair of whole-height neighbours.
	for i := 0; i+1 < len(cols); i++ {
		a, b := cols[i], cols[i+1]
		if a.top != a.base-height || b.top != b.base-height {
			continue
		}
		lh := max(2, height/9)
		for y := a.top - lh; y < a.top; y++ {
			for x := a.x - 1; x <= b.x+cw; x++ {
				c := mid
				if y == a.top-lh {
					c = lit
				} else if y == a.top-1 {
					c = shade
				}
				s.put(x, y, c, id)
			}
		}
		break
	}
	// A length of wall with a broken top, to one side.
	wx := x0 - sp*2
	if r.chance(50) {
		wx = x0 + n*sp
	}
	wl := sp * 2
	g := ground(wx, wx+wl)
	bh := max(2, height/10)
	for x := wx; x < wx+wl; x++ {
		t := g - height*55/100 + abs(x-wx-wl/3)*height/(2*max(1, wl)) + int(hash2(s.seed^0x11, x/2, 0)%uint64(max(1, bh)))
		for y := t; y < g; y++ {
			c := mid
			row := (y - g) / bh
			if (y-g)%bh == 0 || (x+abs(row%2)*bh)%(bh*2) == 0 {
				c = shade
			} else if y == t {
				c = lit
			}
			if green && hash2(s.seed^0x3b, x, y)%5 == 0 {
				c = moss
			}
			s.put(x, y, c, id)
		}
	}
	// Fallen blocks.
	for range r.between(2, 4) {
		bx := cx + r.between(-sp*n/2-sp, sp*n/2+sp)
		bw, bhh := max(2, cw*r.between(8, 16)/10), max(1, cw*r.between(5, 9)/10)
		gy := ground(bx, bx+bw)
		for y := gy - bhh; y < gy; y++ {
			for x := bx; x < bx+bw; x++ {
				c := mid
				if y == gy-bhh {
					c = lit
				} else if x == bx+bw-1 {
					c = shade
				}
				s.put(x, y, c, id)
			}
		}
	}
	s.mark("ruin", "columns", "walls")
}

// ruinScene is ruins with no other landscape named: broken columns on a grassy rise
// under far hills.
func (s *scene) ruinScene() {
	h := s.h
	r := derive(s.seed, "ruinscene")
	far := s.heights("far", h*60/100, h*20/100, h*36/100, 5, true)
	s.layer(far, 2, s.rockOf(s.snowy(hex(0x7888a8), 160), 160), 0)
	rise := s.heights("rise", h*76/100, h*8/100, h*70/100, 3, false)
	s.hill(rise, 3, s.rockOf(s.snowy(hex(0x6a9a4e), 200), 40), h/30, false)
	s.ruins(rise, 4, h*38/100, 0)
	trunk := hex(0x4a3224)
	leaf := hex(0x3a7e3a)
	for range r.between(1, 3) {
		x := r.Intn(s.w)
		s.roundTree(x, rise[x]+2, h*r.between(12, 18)/100, s.land(scale(leaf, 180), 20), s.land(leaf, 20),
			s.land(mix(leaf, hex(0xd0f090), 80), 20), s.land(trunk, 20), 4)
	}
	front := s.heights("front", h*93/100, h*4/100, h*40/100, 3, false)
	s.grass(front, 6, hex(0x3e7a34))
	s.mark("hills", "trees")
}

// trail winds a path from the bottom of the picture up to the lowest gap in the tops,
// behind anything in layer behind.
func (s *scene) trail(tops []int, behind uint8) {
	h, w := s.h, s.w
	gx := w * 3 / 10
	for x := w * 3 / 10; x < w*7/10; x++ {
		if tops[x] > tops[gx] {
			gx = x
		}
	}
	top := tops[gx]
	bx := w / 2
	dirt := s.land(s.snowy(hex(0x9a8466), 170), 0)
	edge := s.land(s.snowy(hex(0x6a5a44), 170), 0)
	for y := top; y < h; y++ {
		t := (y - top) * 256 / max(1, h-top)
		x := gx + (bx-gx)*t/256 + sine(t/8)*h/10*(256-t)/256/64
		half := max(0, t*h/256/14)
		for xx := x - half - 1; xx <= x+half+1; xx++ {
			if xx < 0 || xx >= w || s.depth[y*w+xx] == behind {
				continue
			}
			c := dirt
			if abs(xx-x) > half {
				c = edge
			}
			s.put(xx, y, c, s.depth[y*w+xx])
		}
	}
	s.mark("trail")
}
