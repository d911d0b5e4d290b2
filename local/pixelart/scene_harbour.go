package pixelart

// The harbour: houses along a stone quay, a wooden pier on piles, boats moored and
// under sail, all mirrored in the water.

// harbour draws a harbour: far hills across the bay, houses on a quay, a pier on
// piles, moored and sailing boats mirrored in the water, perhaps a lighthouse and, by
// day, gulls.
func (s *scene) harbour() {
	h, w := s.h, s.w
	r := derive(s.seed, "harbour")
	// Far hills across the bay.
	far := s.heights("far", s.hor+1, h*8/100, h*40/100, 4, false)
	s.layer(far, 2, s.rockOf(s.snowy(hex(0x6a8a9a), 160), 170), 0)
	// The quay on one side, with its houses.
	left := r.chance(50)
	quayW := w * r.between(50, 64) / 100
	quayTop, quayBot := s.hor+h*8/100, s.hor+h*13/100
	qx0, qx1 := 0, quayW
	if !left {
		qx0, qx1 = w-quayW, w
	}
	for x := qx0 - h/12; x < qx1; {
		wd := h * r.between(10, 16) / 100
		if x+wd > qx0 && x < qx1 {
			s.house(x, wd, h*r.between(10, 16)/100, h*r.between(5, 8)/100, quayTop, r, 30, 3, true)
		}
		x += wd + r.Intn(max(1, h/40))
	}
	stone, mortar := s.land(hex(0x8a8480), 10), s.land(hex(0x4a4644), 10)
	bh := max(2, h/40)
	for y := quayTop; y < quayBot; y++ {
		for x := qx0; x < qx1; x++ {
			c := stone
			if (y-quayTop)%bh == 0 || (x+((y-quayTop)/bh%2)*bh)%(bh*2) == 0 {
				c = mortar
			}
			if y == quayTop {
				c = s.land(s.snowy(hex(0xb0a898), 200), 10)
			}
			s.put(x, y, c, 3)
		}
	}
	s.mark("houses", "quay")
	// The water: from the hazy horizon to deep water near, mirroring the picture above
	// each column's waterline (the quay's foot, or the horizon), rippled.
	s.water = 4
	line := make([]int, w)
	for x := range line {
		line[x] = s.hor
		if x >= qx0 && x < qx1 {
			line[x] = quayBot - 1
		}
	}
	s.waterBody(line, 4)
	s.mark("water")
	// A lighthouse at the end of a breakwater on the open side.
	if s.kw.any("lighthouse", "beacon") || r.chance(40) {
		lx := w * 88 / 100
		if !left {
			lx = w * 12 / 100
		}
		for y := s.hor + h*3/100; y < s.hor+h*6/100; y++ {
			for x := lx - h/10; x < lx+h/10; x++ {
				s.put(x, y, stone, 5)
			}
		}
		s.lighthouse(lx, s.hor+h*3/100, h*18/100)
		s.mark("lighthouse")
	}
	// The pier, reaching out from the quay.
	deckY := s.hor + h*24/100
	px0, px1 := qx1-h*10/100, qx1+w*26/100
	if !left {
		px0, px1 = qx0-w*26/100, qx0+h*10/100
	}
	wood, woodDark := s.land(hex(0x8a6a44), 0), s.land(hex(0x4a3422), 0)
	for y := quayBot - 1; y < deckY; y++ {
		// The gangway down from the quay.
		gx := px0 + h*4/100
		if !left {
			gx = px1 - h*4/100
		}
		for x := gx - h/40; x <= gx+h/40; x++ {
			s.put(x, y, wood, 5)
		}
	}
	pileStep := max(3, h*7/100)
	for x := px0; x < px1; x += pileStep {
		for y := deckY; y < deckY+h*8/100; y++ {
			s.put(x, y, woodDark, 5)
			s.put(x+1, y, woodDark, 5)
		}
	}
	for y := deckY - max(1, h/50); y < deckY+max(1, h/60); y++ {
		for x := px0; x < px1; x++ {
			c := wood
			if y == deckY-max(1, h/50) {
				c = s.land(s.snowy(hex(0xb08a5a), 200), 0)
			} else if x%max(2, h/30) == 0 {
				c = woodDark
			}
			s.put(x, y, c, 5)
		}
	}
	s.mark("pier")
	// Boats: one or two moored along the pier, others out on the water.
	n := r.between(3, 4) + w/max(1, h*2)
	for i := range n {
		var x, y, l int
		if i < 2 {
			l = h * r.between(16, 24) / 100
			x = px0 + (px1-px0)*(i*2+1)/4 - l/2
			y = deckY + h*10/100 + i*h*2/100
		} else {
			l = h * r.between(10, 16) / 100
			x = r.between(0, max(0, w-l))
			y = s.hor + h*r.between(5, 14)/100
			if x+l > qx0 && x < qx1 {
				y = max(y, quayBot+h*4/100)
			}
		}
		s.boat(x, y, l, r.chance(60), r)
	}
	s.mark("boats")
	if s.tod == day || s.tod == dawn {
		gull := s.land(hex(0xf4f4f4), 0)
		for range r.between(2, 4) {
			gx, gy := r.Intn(w), h*r.between(10, 34)/100
			s.put(gx-1, gy-1, gull, 1)
			s.put(gx, gy, gull, 1)
			s.put(gx+1, gy-1, gull, 1)
		}
		s.mark("gulls")
	}
}

// waterBody fills everything below each column's waterline with water: hazy at the
// horizon, where it blends into the sky over a few rows instead of meeting it at a
// hard edge, deepening nearer, and mirroring what stands above the line.
func (s *scene) waterBody(line []int, id uint8) {
	far, near := s.land(mix(hex(0x5a8ab0), s.sky.horizon, 110), 0), s.land(hex(0x1e4a72), 0)
	if s.pl.neon && s.tod != day {
		near = s.land(hex(0x141a3a), 0)
	}
	src := append([]rgb(nil), s.c.px...)
	glitter := s.grade(mix(s.sky.sun, hex(0xffffff), 80))
	hz := s.grade(s.sky.horizon)
	for x := range s.w {
		for y := line[x] + 1; y < s.h; y++ {
			t := (y - s.hor) * 256 / max(1, s.h-s.hor)
			c := s.ramp(far, near, t, 256, x, y)
			my := 2*line[x] - y + sine(y*3+x/12)*(1+(y-line[x])/8)/64
			if my >= 0 && my < s.h {
				c = mix(c, src[my*s.w+x], s.step(130-t/3, 256, x, y))
			}
			if d := y - s.hor; d >= 0 && d < max(2, s.h/30) {
				c = mix(c, hz, s.dstep(200-d*200/max(2, s.h/30), 256, 4, x, y))
			}
			if hv := hash2(s.seed^0x4b, x/2, y); s.tod != night && abs(x-s.sunX) < (y-s.hor)/3+s.sunR && hv%9 == 0 {
				c = glitter
			} else if hv%53 == 0 && y%2 == 0 {
				c = mix(c, hex(0xffffff), 90)
			}
			s.put(x, y, c, id)
		}
	}
}

// boat draws a boat whose waterline runs from x to x+l at row y: a planked hull with a
// painted stripe, and a mast with a sail (set or furled), mirrored below.
func (s *scene) boat(x, y, l int, sail bool, r *rng) {
	h := s.h
	hullC := s.land([]rgb{hex(0x6a3a22), hex(0x2a3a5a), hex(0x7a2a22), hex(0xe0d8c8)}[r.Intn(4)], 0)
	stripe := s.land([]rgb{hex(0xe0d8c8), hex(0xc03a2a), hex(0x2a6a9a)}[r.Intn(3)], 0)
	hh := max(2, l/5)
	var px []struct {
		x, y int
		c    rgb
	}
	plot := func(x, y int, c rgb) {
		s.put(x, y, c, 6)
		px = append(px, struct {
			x, y int
			c    rgb
		}{x, y, c})
	}
	for dy := range hh {
		// The hull narrows to the keel; the bow (right) rises a little.
		in := (hh - dy) * l / (hh * 5)
		for xx := x + in - l/10; xx <= x+l-in/2; xx++ {
			c := hullC
			if dy == 1 {
				c = stripe
			}
			plot(xx, y-hh+dy+1, c)
		}
	}
	mx := x + l*45/100
	mh := l * 90 / 100
	mast := s.land(hex(0x3a2a1a), 0)
	if sail {
		for yy := y - hh - mh; yy < y-hh+1; yy++ {
			plot(mx, yy, mast)
		}
		cloth, clothShade := s.land(hex(0xf0e8d4), 0), s.land(hex(0xb4aa98), 0)
		for i := range mh * 85 / 100 {
			yy := y - hh - mh + 1 + i
			wd := (i + 1) * l * 40 / 100 / max(1, mh*85/100)
			for xx := mx + 1; xx <= mx+wd; xx++ {
				c := cloth
				if xx > mx+wd*2/3 {
					c = clothShade
				}
				plot(xx, yy, c)
			}
			if i > mh/3 {
				for xx := mx - wd/3; xx < mx; xx++ {
					plot(xx, yy, clothShade)
				}
			}
		}
	} else if l > h/10 {
		// A furled sail on a short mast.
		for yy := y - hh - mh/2; yy < y-hh+1; yy++ {
			plot(mx, yy, mast)
		}
		for xx := mx - l/4; xx <= mx+l/5; xx++ {
			plot(xx, y-hh-mh/3, s.land(hex(0xd0c8b4), 0))
		}
	}
	// The reflection, dark and broken, on the water only.
	for _, p := range px {
		ry := 2*y - p.y + 1
		if ry < 0 || ry >= s.h || p.x < 0 || p.x >= s.w || s.depth[ry*s.w+p.x] != s.water {
			continue
		}
		if (ry+p.x/3)%3 == 0 {
			continue
		}
		i := ry*s.w + p.x
		s.c.px[i] = mix(s.c.px[i], p.c, 100)
	}
}
