package pixelart

// The six scenes and the rolling-plains default: each a stack of layers from far to near
// on top of the sky, with its own props.

// fill paints a layer from its silhouette line down to the bottom of the picture.
func (s *scene) fill(tops []int, id uint8, fn func(x, y, top int) rgb) {
	for x := range s.w {
		for y := max(tops[x], 0); y < s.h; y++ {
			s.put(x, y, fn(x, y, tops[x]), id)
		}
	}
}

// rock is a lit/shadowed pair of colours with a fog colour the layer fades into lower
// down, all finished for the picture.
type rock struct{ lit, mid, shade, fog rgb }

func (s *scene) rockOf(c rgb, haze int) rock {
	return rock{
		lit:   s.land(mix(c, hex(0xfff0d0), 40), haze),
		mid:   s.land(mix(scale(c, 220), hex(0x2a2050), 20), haze),
		shade: s.land(mix(scale(c, 170), hex(0x2a2050), 50), haze),
		fog:   s.land(c, min(256, haze+110)),
	}
}

// hill fills a rolling silhouette: a lit rim, lit and shaded slopes just under the
// outline, and the body below in its middle colour, darkening with depth. Slope shading
// all the way down suits crags, not soft hills and dunes.
func (s *scene) hill(tops []int, id uint8, rk rock, capRows int, ripple bool) {
	lit := shading(tops, s.h/30+1)
	deep := mix(rk.mid, rk.shade, 128)
	if !ripple {
		// Grassy hills shade softly: their far slopes are only a step darker.
		rk.shade = mix(rk.mid, rk.shade, 100)
	}
	s.fill(tops, id, func(x, y, top int) rgb {
		d := y - top
		switch {
		case d == 0:
			return rk.lit
		case d < capRows+int(hash2(s.seed, x, int(id))%2):
			if litAt(lit, x, d) {
				if ripple && d%4 == 3 && (x+y)%5 != 0 {
					return rk.mid
				}
				return rk.lit
			}
			return rk.shade
		}
		return s.ramp(rk.mid, deep, d-capRows, s.h/4, x, y)
	})
}

// layer fills a silhouette with slope-lit colours, fading into fog towards the bottom
// over fogRows rows (0 for no fog).
func (s *scene) layer(tops []int, id uint8, rk rock, fogRows int) {
	lit := shading(tops, s.h/40+1)
	s.fill(tops, id, func(x, y, top int) rgb {
		c := rk.shade
		if litAt(lit, x, y-top) {
			c = rk.lit
		}
		if fogRows > 0 {
			c = s.ramp(c, rk.fog, y-top, fogRows, x, y)
		}
		return c
	})
}

// pine draws a fir: stacked triangular tiers over a short trunk, with a lit left edge.
func (s *scene) pine(x0, base, height int, dark, lit, trunk rgb, id uint8) {
	height = max(height, 4)
	tiers := clamp(2+height/10, 2, 5)
	trunkH := max(1, height/8)
	crownH := height - trunkH
	for y := range crownH {
		t := y * tiers * 256 / crownH
		tier, frac := t>>8, t&255
		full := max(1, (height/4+1)*(tier+2)/(tiers+1))
		hw := full * (70 + frac*186/256) / 256
		yy := base - height + y
		for dx := -hw; dx <= hw; dx++ {
			c := dark
			if dx <= -hw+hw/3 && hw >= 2 && dx < 0 {
				c = lit
			}
			s.put(x0+dx, yy, c, id)
		}
	}
	for y := base - trunkH; y < base; y++ {
		s.put(x0, y, trunk, id)
		if height > 24 {
			s.put(x0+1, y, trunk, id)
		}
	}
}

// roundTree draws a broadleaf tree: a trunk under a round canopy lit on its upper left.
func (s *scene) roundTree(x0, base, size int, dark, mid, lit, trunk rgb, id uint8) {
	size = max(size, 4)
	rr := size * 2 / 5
	cy := base - size + rr
	for y := cy; y < base; y++ {
		s.put(x0, y, trunk, id)
		if size > 16 {
			s.put(x0+1, y, trunk, id)
		}
	}
	for y := -rr; y <= rr; y++ {
		for x := -rr - rr/4; x <= rr+rr/4; x++ {
			xx := x * 4 / 5
			if xx*xx+y*y > rr*rr {
				continue
			}
			c := mid
			switch {
			case x+y < -rr*2/3:
				c = lit
			case x+y > rr/2 || y > rr*2/3:
				c = dark
			}
			s.put(x0+x, cy+y, c, id)
		}
	}
}

func (s *scene) mountains() {
	h := s.h
	r := derive(s.seed, "mountains")
	snowy := s.tn.name != "rust" && (r.chance(75) || s.kw.any("snow", "snowy", "glacier", "alps", "alpine", "winter", "frozen", "icy"))
	snow := rock{lit: s.land(hex(0xf4f6ff), 60), shade: s.land(hex(0xa8b4d8), 60)}
	for i, l := range []struct {
		base, amp, period, haze int
		c                       rgb
	}{
		{h * 60 / 100, h * 42 / 100, h * 40 / 100, 110, hex(0x6a7696)},
		{h * 72 / 100, h * 34 / 100, h * 32 / 100, 45, hex(0x4a5068)},
	} {
		tops := s.heights("ridge"+string(rune('0'+i)), l.base, l.amp, l.period, 5, true)
		rk := s.rockOf(l.c, l.haze)
		snowLine := l.base - l.amp*50/100
		sn := rock{lit: mix(snow.lit, rk.fog, l.haze/2), shade: mix(snow.shade, rk.fog, l.haze/2)}
		sh := shading(tops, h/60+1)
		s.fill(tops, uint8(2+i), func(x, y, top int) rgb {
			lit := litAt(sh, x, y-top)
			jag := int(hash2(s.seed, x, i)%3) - 1
			if snowy && y < snowLine+jag && y-top < l.amp/3 {
				if lit {
					return sn.lit
				}
				return sn.shade
			}
			c := rk.shade
			if lit {
				c = rk.lit
			}
			return s.ramp(c, rk.fog, y-top, h/4, x, y)
		})
	}
	// Wooded foothills, then a grassy foreground.
	hills := s.heights("hills", h*86/100, h*12/100, h*45/100, 4, false)
	s.hill(hills, 4, s.rockOf(hex(0x3e6a44), 30), h/24, false)
	dark, lit, trunk := s.land(hex(0x1e3e2c), 30), s.land(hex(0x3a6a44), 30), s.land(hex(0x3a2a20), 30)
	for x := -4; x < s.w+4; x += max(2, h/40) + r.intn(max(1, h/30)) {
		if r.chance(55) {
			s.pine(x, hills[clamp(x, 0, s.w-1)]+h/60+2, h*r.between(6, 10)/100, dark, lit, trunk, 5)
		}
	}
	front := s.heights("front", h*96/100, h*6/100, h*30/100, 3, false)
	s.grass(front, 6, hex(0x2c5030))
}

// grass fills a near layer with grass, tufts and (by day) a few flowers.
func (s *scene) grass(tops []int, id uint8, c rgb) {
	base, lit, dark := s.land(c, 0), s.land(mix(c, hex(0xd0e080), 60), 0), s.land(scale(c, 170), 0)
	flowers := []rgb{s.land(hex(0xf0e060), 0), s.land(hex(0xf08080), 0), s.land(hex(0xf4f4f4), 0), s.land(hex(0xb080e0), 0)}
	s.fill(tops, id, func(x, y, top int) rgb {
		hv := hash2(s.seed^0x9a55, x, y)
		switch {
		case y == top || y == top+1 && hv%3 == 0:
			return lit
		case hv%29 == 0:
			return dark
		case hv%37 == 0 && s.tod != night:
			return lit
		case hv%211 == 0 && s.tod != night && y > top+2:
			return flowers[(hv>>12)%4]
		}
		return s.ramp(base, dark, y-top, s.h/5, x, y)
	})
}

func (s *scene) forest() {
	h := s.h
	r := derive(s.seed, "forest")
	far := s.heights("far", h*60/100, h*16/100, h*50/100, 4, false)
	s.hill(far, 2, s.rockOf(hex(0x4a6a78), 140), h/30, false)
	trunk := hex(0x3a2a22)
	for row := range 3 {
		haze := []int{120, 60, 0}[row]
		base := h * []int{66, 78, 94}[row] / 100
		th := h * []int{14, 22, 40}[row] / 100
		c := []rgb{hex(0x2e5a44), hex(0x24503a), hex(0x1a3e2c)}[row]
		dark, lit, tr := s.land(c, haze), s.land(mix(c, hex(0x9ad070), 70), haze), s.land(trunk, haze)
		ground := s.heights("floor"+string(rune('0'+row)), base, h/40, h/3, 3, false)
		id := uint8(3 + row)
		s.fill(ground, id, func(x, y, top int) rgb { return dark })
		step := max(2, th/3)
		for x := -th / 2; x < s.w+th/2; x += step/2 + r.intn(step) {
			hh := th * r.between(70, 120) / 100
			s.pine(x, ground[clamp(x, 0, s.w-1)]+1, hh, dark, lit, tr, id)
		}
	}
	// The forest floor in front.
	floor := s.heights("floor", h*97/100, h/50, h/4, 3, false)
	s.grass(floor, 7, hex(0x243e26))
	if s.tod == night || s.tod == dusk {
		// Fireflies.
		fly := s.grade(mix(s.tn.glow, hex(0xe0ff80), 128))
		for range s.w * s.h / 900 {
			x, y := r.intn(s.w), h*60/100+r.intn(h*38/100)
			s.put(x, y, fly, 8)
		}
	}
}

func (s *scene) plains() {
	h := s.h
	r := derive(s.seed, "plains")
	far := s.heights("far", h*60/100, h*22/100, h*36/100, 5, true)
	s.layer(far, 2, s.rockOf(hex(0x7888a8), 160), 0)
	hills := []struct {
		base, amp, haze int
		c               rgb
	}{
		{h * 68 / 100, h * 8 / 100, 90, hex(0x6a9a4e)},
		{h * 79 / 100, h * 10 / 100, 40, hex(0x4e8a3e)},
	}
	trunk := hex(0x4a3224)
	for i, l := range hills {
		tops := s.heights("hill"+string(rune('0'+i)), l.base, l.amp, h*70/100, 3, false)
		s.hill(tops, uint8(3+i), s.rockOf(l.c, l.haze), h/30, false)
		leaf := []rgb{hex(0x2e6a34), hex(0x3a7e3a)}[i]
		dark, mid, lit := s.land(scale(leaf, 180), l.haze), s.land(leaf, l.haze), s.land(mix(leaf, hex(0xd0f090), 80), l.haze)
		tr := s.land(trunk, l.haze)
		for range r.between(2, 6) + s.w/max(1, h) {
			x := r.intn(s.w)
			s.roundTree(x, tops[x]+h/80+1, h*r.between(7, 11)*(i+1)/200, dark, mid, lit, tr, uint8(3+i))
		}
	}
	front := s.heights("front", h*92/100, h*5/100, h*40/100, 3, false)
	s.grass(front, 6, hex(0x3e7a34))
}

func (s *scene) desert() {
	h := s.h
	r := derive(s.seed, "desert")
	// Far mesas: fractal noise cut into flat tops and steep sides.
	sd := derive(s.seed, "mesa").next()
	mesa := make([]int, s.w)
	base, amp := h*62/100, h*16/100
	for x := range mesa {
		v := fbm(sd, x*one/max(1, h*30/100), 4)
		t := clamp((v-one*46/100)*5, 0, one)
		mesa[x] = base - amp*smooth(t)/one
	}
	s.layer(mesa, 2, s.rockOf(hex(0xc07a58), 130), h/8)
	if s.kw.any("pyramid", "pyramids", "egypt", "egyptian", "tomb", "pharaoh") {
		px, pw := s.w*r.between(25, 70)/100, h*30/100
		top := h*62/100 - pw*2/3
		lit, shade := s.land(hex(0xe8c890), 70), s.land(hex(0xa07850), 70)
		for y := top; y < h*64/100; y++ {
			hw := (y - top) * 3 / 4
			for x := -hw; x <= hw; x++ {
				c := lit
				if x > 0 {
					c = shade
				}
				s.put(px+x, y, c, 3)
			}
		}
	}
	for i, l := range []struct {
		base, amp, haze int
		c               rgb
	}{
		{h * 72 / 100, h * 10 / 100, 70, hex(0xe4b276)},
		{h * 84 / 100, h * 12 / 100, 30, hex(0xdca468)},
		{h * 98 / 100, h * 14 / 100, 0, hex(0xeab87c)},
	} {
		tops := s.heights("dune"+string(rune('0'+i)), l.base, l.amp, h*60/100, 2, true)
		rk := rock{lit: s.land(mix(l.c, hex(0xfff0c0), 50), l.haze), mid: s.land(l.c, l.haze),
			shade: s.land(mix(scale(l.c, 190), hex(0x8a4a5a), 60), l.haze)}
		s.hill(tops, uint8(4+i), rk, h*(3+2*i)/100, i == 2)
		if i == 1 {
			// Saguaros on the middle dunes.
			dark, lit := s.land(hex(0x3a6a3a), 20), s.land(hex(0x6a9a50), 20)
			for range r.between(0, 3) {
				x := r.intn(s.w)
				s.cactus(x, tops[x]+2, h*r.between(9, 15)/100, dark, lit, 5)
			}
		}
	}
}

// cactus draws a saguaro with an arm either side.
func (s *scene) cactus(x0, base, height int, dark, lit rgb, id uint8) {
	w := max(1, height/8)
	col := func(x, y0, y1 int) {
		for y := y0; y < y1; y++ {
			for dx := range w {
				c := dark
				if dx == 0 {
					c = lit
				}
				s.put(x+dx, y, c, id)
			}
		}
	}
	col(x0, base-height, base)
	armY := base - height*55/100
	for dx := 1; dx <= w*2; dx++ {
		for dy := range w {
			s.put(x0-dx, armY+dy, dark, id)
			s.put(x0+w-1+dx, armY-height/6+dy, dark, id)
		}
	}
	col(x0-w*2-1+1, armY-height/4, armY+w)
	col(x0+w*2+w-1, armY-height/6-height/4, armY-height/6+w)
}

func (s *scene) coast() {
	h := s.h
	r := derive(s.seed, "coast")
	if r.chance(50) {
		island := s.heights("island", s.hor+1, h*8/100, h*30/100, 4, true)
		for x := range island {
			if hash2(s.seed, x/max(1, h/3), 7)%3 == 0 {
				island[x] = s.hor + 1
			}
		}
		s.layer(island, 1, s.rockOf(hex(0x6a7a9a), 170), 0)
	}
	// The sea: a gradient from the hazy horizon to deep water, mirroring the sky with a
	// rippling offset, with glitter under the sun and streaks of foam.
	far, near := s.land(mix(hex(0x5a8ab0), s.sky.horizon, 100), 0), s.land(hex(0x1e4a72), 0)
	glitter := s.grade(mix(s.sky.sun, hex(0xffffff), 80))
	foam := s.land(hex(0xe8f4f8), 40)
	beachTop := s.heights("beach", h*90/100, h*5/100, h*50/100, 3, false)
	sky := append([]rgb(nil), s.c.px[:s.hor*s.w]...)
	for y := s.hor + 1; y < s.h; y++ {
		t := (y - s.hor) * 256 / max(1, s.h-s.hor)
		amp := 1 + (y-s.hor)*6/max(1, s.h-s.hor)
		for x := range s.w {
			c := s.ramp(far, near, t, 256, x, y)
			ry := s.hor - (y-s.hor)*3/2
			rx := x + sine(y*3+x/16)*amp/64
			if ry >= 0 && rx >= 0 && rx < s.w {
				c = mix(c, sky[ry*s.w+rx], s.step(110-t/4, 256, x, y))
			}
			hv := hash2(s.seed^0xc0a57, x/2, y)
			gw := (y - s.hor) * 2 / 3
			switch {
			case s.tod != night && abs(x-s.sunX) < gw+s.sunR/2 && hv%4 == 0:
				c = glitter
			case s.tod == night && abs(x-s.sunX) < gw/2+s.sunR/3 && hv%5 == 0:
				c = glitter
			case hv%61 == 0 && y%2 == 0:
				c = mix(c, foam, 150)
			}
			s.put(x, y, c, 2)
		}
	}
	if r.chance(50) {
		// A sail on the horizon.
		bx, bh := s.w*r.between(15, 85)/100, max(3, h/24)
		sail, hull := s.land(hex(0xf0e8d8), 60), s.land(hex(0x3a2a2a), 60)
		for y := range bh {
			for x := 0; x <= y/2; x++ {
				s.put(bx+x, s.hor-bh+y, sail, 3)
			}
		}
		for x := -bh / 3; x <= bh*2/3; x++ {
			s.put(bx+x, s.hor, hull, 3)
		}
	}
	// A headland on one side, perhaps with a lighthouse.
	left := r.chance(50)
	cliffW := min(s.w*r.between(22, 32)/100, h*60/100)
	cl := s.heights("cliff", s.hor-h*12/100, h*8/100, h*20/100, 4, false)
	tops := make([]int, s.w)
	for x := range tops {
		d := x
		if !left {
			d = s.w - 1 - x
		}
		tops[x] = s.h
		if d < cliffW {
			t := clamp((cliffW-d)*one/max(1, cliffW/6), 0, one)
			tops[x] = s.hor + h/20 - (s.hor+h/20-cl[x])*smooth(t)/one
		}
	}
	rk := s.rockOf(hex(0x6a5a58), 10)
	grassTop := s.land(hex(0x5a8a44), 10)
	sh := shading(tops, h/30+1)
	s.fill(tops, 4, func(x, y, top int) rgb {
		if y-top < max(1, h/60) {
			return grassTop
		}
		// Strata: every few rows a darker ledge.
		if (y-top)%max(3, h/16) == 0 && hash2(s.seed, x/3, y)%3 != 0 {
			return rk.shade
		}
		if litAt(sh, x, y-top) {
			return rk.lit
		}
		return rk.shade
	})
	if s.kw.any("lighthouse", "beacon") || r.chance(40) {
		lx := cliffW / 3
		if !left {
			lx = s.w - 1 - cliffW/3
		}
		s.lighthouse(lx, tops[clamp(lx, 0, s.w-1)]+1, h*16/100)
	}
	// The beach, with a line of surf.
	sand, wet := s.land(hex(0xe4c890), 0), s.land(hex(0xb0946a), 0)
	s.fill(beachTop, 6, func(x, y, top int) rgb {
		switch {
		case y-top <= 0:
			return foam
		case y-top < max(2, h/50):
			return wet
		}
		if hash2(s.seed, x, y)%17 == 0 {
			return wet
		}
		return sand
	})
}

// lighthouse draws a striped tower with a lamp room, beaming at night.
func (s *scene) lighthouse(x0, base, height int) {
	w := max(2, height/6)
	white, red, dark := s.land(hex(0xf0ece4), 10), s.land(hex(0xc03a30), 10), s.land(hex(0x2a2a34), 10)
	lamp := s.grade(s.tn.glow)
	for y := range height {
		hw := w/2 + (height-y)*w/(3*height)
		c := white
		if (y*4/height)%2 == 1 {
			c = red
		}
		for x := -hw; x <= hw; x++ {
			cc := c
			if x > hw/2 {
				cc = mix(c, dark, 90)
			}
			s.put(x0+x, base-height+y, cc, 5)
		}
	}
	top := base - height
	for y := -w; y < 0; y++ {
		for x := -w / 2; x <= w/2; x++ {
			c := dark
			if y > -w+1 && y < -1 && (s.tod != day) {
				c = lamp
			}
			s.put(x0+x, top+y, c, 5)
		}
	}
	if s.tod == night || s.tod == dusk {
		beam := s.grade(mix(s.tn.glow, hex(0xffffff), 120))
		for i := 1; i < s.h/2; i++ {
			for dy := -i / 8; dy <= i/8; dy++ {
				x, y := x0-i, top-w/2+dy-i/10
				if hash2(s.seed, x, y)%3 != 0 && x >= 0 && y >= 0 && y < s.h && s.depth[y*s.w+x] <= 2 {
					s.c.px[y*s.w+x] = mix(s.c.px[y*s.w+x], beam, 90)
				}
			}
		}
	}
}

func (s *scene) town() {
	h := s.h
	r := derive(s.seed, "town")
	far := s.heights("far", h*58/100, h*16/100, h*45/100, 4, false)
	s.hill(far, 2, s.rockOf(hex(0x5a7a80), 140), h/30, false)
	if s.tn.neon || s.kw.any("skyline", "skyscraper", "skyscrapers", "cyberpunk", "futuristic", "megacity", "metropolis", "neon") {
		s.skyline(r)
		return
	}
	if s.kw.any("castle", "citadel", "fortress", "keep", "palace") || r.chance(40) {
		cx := s.w * r.between(25, 75) / 100
		s.castle(cx, far[clamp(cx, 0, s.w-1)]+h/30, h*22/100, 110)
	}
	// A hazy row of roofs behind, then the street's houses.
	for x := -h / 10; x < s.w; {
		wd := h * r.between(10, 18) / 100
		s.house(x, wd, h*r.between(8, 14)/100, h*r.between(5, 8)/100, h*80/100, r, 90, 3, false)
		x += wd + r.intn(max(1, h/20))
	}
	street := h * 90 / 100
	for x := -h / 20; x < s.w; {
		wd := h * r.between(15, 24) / 100
		s.house(x, wd, h*r.between(14, 22)/100, h*r.between(7, 11)/100, street, r, 0, 4, true)
		x += wd + r.intn(max(1, h/30))
	}
	// Cobbles.
	stone, mortar := s.land(hex(0x8a8078), 0), s.land(hex(0x4a4440), 0)
	bh := max(2, h/40)
	for y := street; y < s.h; y++ {
		row := (y - street) / bh
		for x := range s.w {
			bw := bh * 2
			off := (row % 2) * bh
			c := stone
			if (y-street)%bh == 0 || (x+off)%bw == 0 {
				c = mortar
			} else if hv := hash2(s.seed, (x+off)/bw, row); hv%4 == 0 {
				c = mix(stone, mortar, 60)
			}
			s.put(x, y, c, 5)
		}
	}
	if s.tod == night || s.tod == dusk {
		for x := s.w / 6; x < s.w; x += s.w/3 + r.intn(max(1, s.w/6)) {
			s.lamp(x, street+h/30, h*14/100)
		}
	}
}

// house draws a gabled house: a facade with windows (lit after dark) and a door, a roof
// lit on its left slope, and perhaps a chimney.
func (s *scene) house(x0, wd, wallH, roofH, base int, r *rng, haze int, id uint8, detail bool) {
	wall := []rgb{hex(0xe4d6b4), hex(0xd8c8a0), hex(0xa49e94), hex(0x9a6a44), hex(0xb06a4a)}[r.pick(30, 20, 20, 15, 15)]
	roof := []rgb{hex(0xb4503a), hex(0x4a5470), hex(0xb48e4e), hex(0x6e4c3a)}[r.pick(35, 30, 15, 20)]
	timber := r.chance(35) && detail
	wallC, wallShade := s.land(wall, haze), s.land(mix(scale(wall, 180), hex(0x2a2050), 40), haze)
	roofLit, roofShade := s.land(mix(roof, hex(0xfff0d0), 40), haze), s.land(mix(scale(roof, 170), hex(0x2a2050), 40), haze)
	beam := s.land(hex(0x3a2a22), haze)
	top := base - wallH
	for y := top; y < base; y++ {
		for x := x0; x < x0+wd; x++ {
			c := wallC
			switch {
			case y == top:
				c = wallShade // the eave's shadow
			case timber && (x == x0 || x == x0+wd-1 || x == x0+wd/2 || y == top+wallH/2):
				c = beam
			case x >= x0+wd-max(1, wd/6):
				c = wallShade
			}
			s.put(x, y, c, id)
		}
	}
	// Roof.
	for y := range roofH {
		hw := (wd/2 + 1) * (y + 1) / roofH
		for x := -hw; x <= hw; x++ {
			c := roofLit
			if x > 0 {
				c = roofShade
			}
			if y == roofH-1 {
				c = roofShade
			}
			s.put(x0+wd/2+x, top-roofH+y, c, id)
		}
	}
	if r.chance(50) {
		cx := x0 + wd*3/4
		ch := max(2, roofH*2/3)
		for y := top - roofH + roofH/4 - ch/2; y < top-roofH/3; y++ {
			for x := cx; x < cx+max(1, wd/8); x++ {
				s.put(x, y, roofShade, id)
			}
		}
	}
	// Windows and a door.
	lit := s.grade(s.tn.glow)
	litCore := s.grade(mix(s.tn.glow, hex(0xffffff), 90))
	glass := s.land(hex(0x2e3a5a), haze)
	ww, wh := max(1, s.h/64), max(2, s.h/40)
	if !detail {
		ww, wh = max(1, ww/2), max(1, wh/2)
	}
	floors := max(1, wallH/(wh*3))
	dark := s.tod == night || s.tod == dusk
	for f := range floors {
		y := top + wh/2 + 1 + f*wallH/floors
		if f == floors-1 && detail {
			y = max(y, top+wh)
		}
		n := max(1, wd/(ww*3))
		for i := range n {
			x := x0 + (wd-(n*ww+(n-1)*ww*2))/2 + i*ww*3
			on := dark && hash2(s.seed, x, y)%10 < 6
			for dy := range wh {
				for dx := range ww {
					c := glass
					if on {
						c = lit
						if dy > 0 && dx < ww-1 {
							c = litCore
						}
					} else if dx == 0 && dy == 0 && !dark {
						c = s.land(hex(0x8ab0d0), haze)
					}
					if y+dy < base-1 {
						s.put(x+dx, y+dy, c, id)
					}
				}
			}
		}
	}
	if detail {
		dw, dh := ww+1, wh*3/2+1
		dx := x0 + wd/3 - dw/2
		door := s.land(hex(0x4a3020), 0)
		for y := base - dh; y < base; y++ {
			for x := dx; x < dx+dw; x++ {
				s.put(x, y, door, id)
			}
		}
	}
}

// castle draws a walled keep with towers and battlements on the skyline.
func (s *scene) castle(cx, base, height, haze int) {
	lit, shade := s.land(hex(0x8a8a98), haze), s.land(hex(0x5a5a6a), haze)
	win := s.grade(s.tn.glow)
	rect := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				c := lit
				if x > x0+w*2/3 {
					c = shade
				}
				// Battlements along the top.
				if y < y0+max(1, height/20) && ((x-x0)/max(1, height/16))%2 == 1 {
					continue
				}
				s.put(x, y, c, 2)
			}
		}
	}
	tw := max(2, height/6)
	rect(cx-height/2, base-height/2, height, height/2)
	rect(cx-height/2-tw/2, base-height*3/4, tw, height*3/4)
	rect(cx+height/2-tw/2, base-height*3/4, tw, height*3/4)
	rect(cx-tw, base-height, tw*2, height)
	for y := base - height - height/4; y < base-height; y++ {
		hw := (y - (base - height - height/4)) * tw / max(1, height/4)
		for x := -hw; x <= hw; x++ {
			s.put(cx+x, y, shade, 2)
		}
	}
	if s.tod == night || s.tod == dusk {
		s.put(cx, base-height*2/3, win, 2)
		s.put(cx-height/2, base-height/2, win, 2)
	}
}

// lamp draws a street lamp with a pool of light round its lantern.
func (s *scene) lamp(x0, base, height int) {
	post := s.land(hex(0x2a2a30), 0)
	light := s.grade(s.tn.glow)
	for y := base - height; y < base; y++ {
		s.put(x0, y, post, 6)
	}
	ly := base - height
	rr := max(3, height/3)
	for y := -rr; y <= rr; y++ {
		for x := -rr; x <= rr; x++ {
			d := isqrt(x*x + y*y)
			if d > rr || x0+x < 0 || ly+y < 0 || x0+x >= s.w || ly+y >= s.h {
				continue
			}
			i := (ly+y)*s.w + x0 + x
			s.c.px[i] = mix(s.c.px[i], light, s.step((rr-d)*120/rr, 256, x0+x, ly+y))
		}
	}
	for y := -1; y <= 1; y++ {
		s.put(x0-1, ly+y, light, 6)
		s.put(x0, ly+y, light, 6)
		s.put(x0+1, ly+y, light, 6)
	}
}

// skyline draws a neon city: towers in three depths with window grids, rooftop beacons
// and signs.
func (s *scene) skyline(r *rng) {
	h := s.h
	neon := []rgb{s.grade(hex(0x4ff4ff)), s.grade(hex(0xff4fd0)), s.grade(hex(0xffd04f))}
	for row := range 3 {
		haze := []int{150, 80, 0}[row]
		body := s.land([]rgb{hex(0x3a3a6a), hex(0x2a2a4a), hex(0x1a1a2e)}[row], haze)
		edge := s.land([]rgb{hex(0x5a5a8a), hex(0x3e3e66), hex(0x2e2e48)}[row], haze)
		base := h * []int{70, 82, 100}[row] / 100
		for x := -h / 20; x < s.w; {
			bw := h * r.between(6, 14) / 100
			bh := h * r.between(18, 50) / 100 * (3 + row) / 4
			top := base - bh
			sign := r.chance(25) && row > 0
			sc := neon[r.intn(3)]
			for y := top; y < base; y++ {
				for xx := x; xx < x+bw; xx++ {
					c := body
					if xx == x {
						c = edge
					}
					wx, wy := (xx-x-1)%3, (y-top-2)%4
					if xx > x && xx < x+bw-1 && y > top+1 && wx == 1 && wy == 0 {
						if hv := hash2(s.seed, xx, y); hv%10 < 4 {
							c = mix(neon[(hv>>8)%3], body, haze)
						}
					}
					if sign && y > top+bh/4 && y < top+bh/4+max(2, bh/8) && xx > x+1 && xx < x+bw-2 {
						c = sc
					}
					s.put(xx, y, c, uint8(2+row))
				}
			}
			if r.chance(40) {
				for y := top - h/20; y < top; y++ {
					s.put(x+bw/2, y, edge, uint8(2+row))
				}
				s.put(x+bw/2, top-h/20, neon[1], uint8(2+row))
			}
			x += bw + r.intn(max(1, h/30))
		}
	}
}

func (s *scene) dungeon() {
	h, w := s.h, s.w
	r := derive(s.seed, "dungeon")
	stone := hex(0x5e5866)
	if s.kw.any("cave", "caves", "cavern", "caverns", "grotto", "mine", "mines") {
		stone = hex(0x6a5a4a)
	}
	glow := s.tn.glow
	dark := s.grade(mix(scale(stone, 110), hex(0x0a0814), 100))
	// Torches flank the archway in pairs out to the edges; everything is lit by its
	// distance from them.
	torchY := h * 40 / 100
	aw, ah := h*36/100, h*56/100
	vx := w / 2
	var torches []int
	for d := aw/2 + h*12/100; d < w/2+h/10; d += h * 80 / 100 {
		torches = append(torches, vx-d, vx+d)
	}
	reach := h * 55 / 100
	lightAt := func(x, y int) int {
		best := 0
		for _, tx := range torches {
			dx, dy := x-tx, (y-torchY)*5/4
			if d := isqrt(dx*dx + dy*dy); d < reach {
				best = max(best, (reach-d)*256/reach)
			}
		}
		return best
	}
	litStone := s.grade(mix(stone, glow, 70))
	mortar := s.grade(hex(0x06040a))
	bh := max(3, h/14)
	bw := bh * 2
	floorY := h * 76 / 100
	for y := range floorY {
		row := y / bh
		off := (row % 2) * bw / 2
		for x := range w {
			bx := (x + off) / bw
			hv := hash2(s.seed, bx, row)
			tone := int(hv%40) - 20
			c := mix(dark, litStone, s.step(lightAt(x, y), 256, x, y))
			switch {
			case y%bh == 0 || (x+off)%bw == 0:
				c = mix(c, mortar, 110)
			case hv%11 == 0:
				c = mix(c, s.grade(hex(0x3a5a3a)), 70) // moss
			default:
				c = scale(c, 256+tone)
			}
			s.put(x, y, c, 1)
		}
	}
	// The floor's flagstones recede towards the archway.
	vy := h * 40 / 100
	floorLit := s.grade(mix(scale(stone, 220), glow, 60))
	for y := floorY; y < h; y++ {
		depth := (y - vy)
		for x := range w {
			u := (x - vx) * (h - vy) / max(1, depth)
			c := mix(dark, floorLit, s.step(lightAt(x, y)*2/3+60+(y-floorY)*90/max(1, h-floorY), 256, x, y))
			rowLine := (y - floorY) * (y - floorY) * 16 / max(1, (h-floorY)*(h-floorY))
			prevLine := (y - 1 - floorY) * (y - 1 - floorY) * 16 / max(1, (h-floorY)*(h-floorY))
			if (u+10000*bw)%(bw*2) < max(1, bw*2*2/max(1, depth)) || rowLine != prevLine {
				c = mix(c, mortar, 110)
			}
			s.put(x, y, c, 3)
		}
	}
	// The archway: a dark passage with receding arches.
	for i := range 4 {
		ww, hh := aw*(5-i)/5, ah*(5-i)/5
		top := floorY - hh + i*h/40
		c := s.grade(mix(scale(stone, 80-i*15), hex(0x040308), 120+i*40))
		rim := s.grade(mix(scale(stone, 160-i*30), glow, 40))
		for y := top; y < floorY-i*h/60; y++ {
			for x := vx - ww/2; x <= vx+ww/2; x++ {
				dx, dy := x-vx, y-(top+ww/2)
				if dy < 0 && dx*dx+dy*dy > (ww/2)*(ww/2) {
					continue
				}
				cc := c
				if i == 0 && (dx*dx+dy*dy > (ww/2-bh/2)*(ww/2-bh/2) && dy < 0 || abs(dx) > ww/2-bh/2) {
					cc = rim
				}
				s.put(x, y, cc, uint8(2+i))
			}
		}
	}
	for _, tx := range torches {
		s.torch(tx, torchY, h, r)
	}
}

// torch draws a wall torch: an iron bracket, a stick and a layered flame.
func (s *scene) torch(x0, y0, h int, r *rng) {
	iron, wood := s.grade(hex(0x2a2830)), s.grade(hex(0x5a3a22))
	core, mid, tip := s.grade(hex(0xfff4b0)), s.grade(hex(0xffa030)), s.grade(hex(0xd0401a))
	sh := max(3, h/14)
	for y := y0; y < y0+sh; y++ {
		s.put(x0, y, wood, 8)
	}
	for x := x0 - 1; x <= x0+1; x++ {
		s.put(x, y0+sh/2, iron, 8)
		s.put(x, y0+sh, iron, 8)
	}
	// The flame: a round base that narrows to a flickering tip, yellow at the heart.
	fr := max(2, h/30)
	cy := y0 - fr
	tipH := fr * 2
	for y := cy - fr - tipH; y <= cy+fr; y++ {
		for x := -fr; x <= fr; x++ {
			dx, dy := x, y-cy
			in := dx*dx+dy*dy <= fr*fr
			if dy < 0 && !in {
				// The tip: a triangle above the ball, leaning with the draught.
				up := -dy - fr/2
				hw := fr - up*fr/max(1, tipH)
				lean := up * r.between(0, 1) / 3
				in = up >= 0 && abs(dx-lean) < hw
			}
			if !in {
				continue
			}
			c := mid
			switch {
			case dy < -fr:
				c = tip
			case dx*dx+(dy-fr/3)*(dy-fr/3) <= fr*fr/3:
				c = core
			}
			s.put(x0+x, y, c, 8)
		}
	}
}
