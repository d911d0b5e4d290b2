package pixelart

// The open-country scenes: mountains, forest, rolling plains and desert.

func (s *scene) mountains() {
	h := s.h
	r := derive(s.seed, "mountains")
	snowy := s.pl.snow || s.tn.name != "rust" && (r.chance(75) || s.kw.any("glacier", "alps", "alpine"))
	snow := rock{lit: s.land(hex(0xf4f6ff), 60), shade: s.land(hex(0xa8b4d8), 60)}
	s.mark("peaks")
	if snowy {
		s.mark("snowcaps")
	}
	for i, l := range []struct {
		base, amp, period, haze int
		c                       rgb
	}{
		{h * 60 / 100, h * 42 / 100, h * 40 / 100, 110, hex(0x6a7696)},
		{h * 72 / 100, h * 34 / 100, h * 32 / 100, 45, hex(0x4a5068)},
	} {
		tops := s.heights("ridge"+string(rune('0'+i)), l.base, l.amp, l.period, 5, true)
		rk := s.rockOf(l.c, l.haze)
		// The snow line wanders with the noise: one straight line across every peak
		// reads as a hard horizontal seam through the range.
		snowLine := s.heights("snowline"+string(rune('0'+i)), l.base-l.amp*38/100, l.amp*26/100, l.period/2, 3, false)
		sn := rock{lit: mix(snow.lit, rk.fog, l.haze/2), shade: mix(snow.shade, rk.fog, l.haze/2)}
		sh := shading(tops, h/60+1)
		s.fill(tops, uint8(2+i), func(x, y, top int) rgb {
			lit := litAt(sh, x, y-top)
			jag := int(hash2(s.seed, x, i)%3) - 1
			if snowy && y < snowLine[x]+jag && y-top < l.amp/3+jag {
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
	s.hill(hills, 4, s.rockOf(s.snowy(hex(0x3e6a44), 200), 30), h/24, false)
	dark, lit, trunk := s.land(hex(0x1e3e2c), 30), s.land(hex(0x3a6a44), 30), s.land(hex(0x3a2a20), 30)
	for x := -4; x < s.w+4; x += max(2, h/40) + r.Intn(max(1, h/30)) {
		if r.chance(55) {
			s.pine(x, hills[clamp(x, 0, s.w-1)]+h/60+2, h*r.between(6, 10)/100, dark, lit, trunk, 5)
		}
	}
	s.mark("pines", "hills")
	if s.pl.ruin {
		s.ruins(hills, 5, h*20/100, 40)
	}
	front := s.heights("front", h*96/100, h*6/100, h*30/100, 3, false)
	s.grass(front, 6, hex(0x2c5030))
	if s.kw.any("pass", "trail", "path", "road") {
		s.trail(hills, 5)
	}
}

func (s *scene) forest() {
	h := s.h
	r := derive(s.seed, "forest")
	far := s.heights("far", h*60/100, h*16/100, h*50/100, 4, false)
	s.hill(far, 2, s.rockOf(hex(0x4a6a78), 140), h/30, false)
	trunk := hex(0x3a2a22)
	clearing := s.w * r.between(35, 65) / 100
	for row := range 3 {
		haze := []int{120, 60, 0}[row]
		base := h * []int{66, 78, 94}[row] / 100
		th := h * []int{14, 22, 40}[row] / 100
		c := []rgb{hex(0x2e5a44), hex(0x24503a), hex(0x1a3e2c)}[row]
		dark, lit, tr := s.land(c, haze), s.land(mix(c, hex(0x9ad070), 70), haze), s.land(trunk, haze)
		// The ground under each row of trees rolls: a flat one shows between the trunks
		// as a hard line across the picture.
		ground := s.heights("floor"+string(rune('0'+row)), base, h/12, h/3, 3, false)
		id := uint8(3 + row)
		// The ground between the trunks rises out of a low haze rather than starting
		// at a hard dark line.
		mist := s.land(c, min(256, haze+90))
		s.fill(ground, id, func(x, y, top int) rgb { return s.ramp(mist, dark, y-top, h/12, x, y) })
		if s.pl.snow {
			lit = s.land(hex(0xe8eef8), haze)
			s.fill(ground, id, func(x, y, top int) rgb { return s.land(hex(0xc8d4e8), haze) })
		}
		step := max(2, th/3)
		for x := -th / 2; x < s.w+th/2; x += step/2 + r.Intn(step) {
			hh := th * r.between(70, 120) / 100
			if row == 2 && s.pl.ruin && abs(x-clearing) < h*40/100 {
				continue // a clearing in front of the ruins
			}
			s.pine(x, ground[clamp(x, 0, s.w-1)]+1, hh, dark, lit, tr, id)
		}
		if row == 1 && s.pl.ruin {
			s.ruins(ground, 5, h*30/100, 30)
		}
	}
	s.mark("trees", "pines")
	// The forest floor in front.
	floor := s.heights("floor", h*97/100, h/50, h/4, 3, false)
	s.grass(floor, 7, hex(0x243e26))
	if s.tod == night || s.tod == dusk {
		// Fireflies.
		fly := s.shine(mix(s.tn.glow, hex(0xe0ff80), 128))
		for range s.w * s.h / 900 {
			x, y := r.Intn(s.w), h*60/100+r.Intn(h*38/100)
			s.put(x, y, fly, 8)
		}
		s.mark("fireflies")
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
		s.hill(tops, uint8(3+i), s.rockOf(s.snowy(l.c, 200), l.haze), h/30, false)
		leaf := []rgb{hex(0x2e6a34), hex(0x3a7e3a)}[i]
		dark, mid, lit := s.land(scale(leaf, 180), l.haze), s.land(leaf, l.haze), s.land(mix(leaf, hex(0xd0f090), 80), l.haze)
		tr := s.land(trunk, l.haze)
		for range r.between(2, 6) + s.w/max(1, h) {
			x := r.Intn(s.w)
			s.roundTree(x, tops[x]+h/80+1, h*r.between(7, 11)*(i+1)/200, dark, mid, lit, tr, uint8(3+i))
		}
	}
	front := s.heights("front", h*92/100, h*5/100, h*40/100, 3, false)
	s.grass(front, 6, hex(0x3e7a34))
	s.mark("hills", "trees")
}

func (s *scene) desert() {
	h := s.h
	r := derive(s.seed, "desert")
	// Far mesas: fractal noise cut into flat tops and steep sides.
	sd := derive(s.seed, "mesa").Uint64()
	mesa := make([]int, s.w)
	base, amp := h*62/100, h*16/100
	for x := range mesa {
		v := fbm(sd, x*one/max(1, h*30/100), 4)
		t := clamp((v-one*46/100)*5, 0, one)
		mesa[x] = base - amp*smooth(t)/one
	}
	s.layer(mesa, 2, s.rockOf(hex(0xc07a58), 130), h/8)
	// Between the mesas the flat desert floor meets the sky in a straight line across
	// the picture: haze it into the horizon's colour so it reads as distance, not a seam.
	s.horizonHaze(2, base, h/8)
	s.mark("mesas", "dunes")
	if s.kw.any("pyramid", "pyramids", "egypt", "egyptian", "tomb", "pharaoh") {
		s.mark("pyramid")
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
			cacti := r.between(0, 3)
			for range cacti {
				x := r.Intn(s.w)
				s.cactus(x, tops[x]+2, h*r.between(9, 15)/100, dark, lit, 5)
			}
			if cacti > 0 {
				s.mark("cacti")
			}
			if s.pl.ruin {
				s.ruins(tops, 5, h*34/100, 20)
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
