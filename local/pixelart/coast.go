package pixelart

// The coast: a rippling sea that mirrors the sky, a headland, a beach.

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
		s.mark("island")
	}
	s.water = 2
	// The sea: a gradient from the hazy horizon to deep water, mirroring the sky with a
	// rippling offset, with glitter under the sun and streaks of foam.
	far, near := s.land(mix(hex(0x5a8ab0), s.sky.horizon, 100), 0), s.land(hex(0x1e4a72), 0)
	glitter := s.grade(mix(s.sky.sun, hex(0xffffff), 80))
	foam := s.land(hex(0xe8f4f8), 40)
	beachTop := s.heights("beach", h*90/100, h*5/100, h*50/100, 3, false)
	sky := append([]rgb(nil), s.c.px[:s.hor*s.w]...)
	hz := s.grade(s.sky.horizon)
	s.mark("sea")
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
			// The first rows of sea fade up into the sky's haze, so the horizon is a soft
			// line rather than a hard seam.
			if d := y - s.hor - 1; d < max(2, s.h/30) {
				c = mix(c, hz, s.dstep(200-d*200/max(2, s.h/30), 256, 4, x, y))
			}
			s.put(x, y, c, 2)
		}
	}
	if r.chance(50) || s.kw.any("ship", "ships", "sail", "sailing", "boat", "boats") {
		// A sail on the horizon.
		s.mark("ship")
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
		s.mark("lighthouse")
	}
	s.mark("cliff", "beach")
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
	lamp := s.shine(s.tn.glow)
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
