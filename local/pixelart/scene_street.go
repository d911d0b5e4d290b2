package pixelart

// The street, seen down its length in one-point perspective: facades on both sides,
// a cobbled or asphalt road between kerbs, lamps, hanging signs (neon blade signs in a
// cyberpunk city), and at its far end houses, a castle or a skyline.

// lot is one building along a street: where it starts and ends in depth, its height,
// storey height and colours, and whether it is the asked-for tavern or shop.
type lot struct {
	z0, z1, height, storey int
	wall, trim, glass      rgb
	front                  string
	sign                   bool
	signC                  rgb
}

// street draws the street scene (see the file comment): the plan's front business,
// castle and weather decide what hangs on it and stands at its end.
func (s *scene) street() {
	h, w := s.h, s.w
	r := derive(s.seed, "street")
	neon := s.pl.neon
	dark := s.tod == night || s.tod == dusk
	vx, vy := w/2+w*r.between(-6, 6)/100, s.hor
	camH := h - vy
	roadW := camH * 12 / 10
	facadeX := roadW + camH*6/10
	const zNear, zEnd = 200, 2300
	neonC := []rgb{hex(0x4ff4ff), hex(0xff4fd0), hex(0xffd04f), hex(0x7aff6a), hex(0xff6a4a)}
	// The buildings on each side, near to far.
	var sides [2][]lot
	for side := range 2 {
		for z := zNear; z < zEnd; {
			l := lot{z0: z, z1: z + facadeX*r.between(60, 130)/100}
			storeys := r.between(2, 4)
			if neon {
				storeys = r.between(4, 11)
			}
			l.storey = camH * 95 / 100
			l.height = storeys*l.storey + l.storey/3
			if neon {
				l.wall = []rgb{hex(0x2a2444), hex(0x32284a), hex(0x24303e), hex(0x3a2a3a)}[r.Intn(4)]
				l.trim, l.glass = scale(l.wall, 150), hex(0x141228)
			} else {
				l.wall = []rgb{hex(0xe4d6b4), hex(0xd8c090), hex(0xb4aa9a), hex(0xc49a6a), hex(0xe0c8b0)}[r.Intn(5)]
				l.trim, l.glass = hex(0x4a3222), hex(0x2e3a5a)
			}
			// The nearest building's sign would fill the frame; signs start one back.
			l.sign = z > zNear && r.chance(55)
			l.signC = neonC[r.Intn(len(neonC))]
			sides[side] = append(sides[side], l)
			z = l.z1
		}
	}
	if s.pl.front != "" {
		// The asked-for business is the second building on the left: near enough to
		// read, not cut by the frame.
		i := min(1, len(sides[0])-1)
		sides[0][i].front, sides[0][i].sign = s.pl.front, true
		sides[0][i].signC = hex(0xffc060)
	}
	lotAt := func(side, z int) *lot {
		for i := range sides[side] {
			if z >= sides[side][i].z0 && z < sides[side][i].z1 {
				return &sides[side][i]
			}
		}
		return nil
	}
	// What stands at the end of the street.
	endY := vy + camH*256/zEnd
	endL, endR := vx-facadeX*256/zEnd, vx+facadeX*256/zEnd
	switch {
	case neon:
		s.distantTowers(r, endY, neonC)
		s.mark("skyline")
	case s.pl.castle:
		s.castle(vx, endY, h*30/100, 120)
		s.mark("castle")
	default:
		for x := endL - h/10; x < endR+h/10; {
			wd := max(2, h*r.between(4, 7)/100)
			s.house(x, wd, max(1, h*r.between(4, 7)/100), max(1, h*r.between(3, 5)/100), endY, r, 100, 3, false)
			x += wd
		}
	}
	// Road, kerbs and facades, pixel by pixel.
	cobble, asphalt, pave := hex(0x8a8078), hex(0x2a2a34), hex(0xa09890)
	if neon {
		pave = hex(0x3a3848)
	}
	if s.pl.snow {
		cobble, asphalt, pave = hex(0xdce4ee), hex(0xc8d0dc), hex(0xe8eef6)
	}
	lampC := s.shine(s.tn.glow)
	groundBase := make([]int, w) // the row each column's ground meets a facade or the end
	for x := range w {
		groundBase[x] = endY
	}
	for y := range h {
		for x := range w {
			dx := x - vx
			zf, side := 1<<30, 0
			if dx != 0 {
				zf = facadeX * 256 / abs(dx)
			}
			if dx > 0 {
				side = 1
			}
			if l := lotAt(side, zf); l != nil {
				top := vy + (camH-l.height)*256/zf
				base := vy + camH*256/zf
				groundBase[x] = base
				if y >= top && y < base {
					haze := s.dstep((zf-256)*140/zEnd, 140, 5, x, y)
					s.put(x, y, s.facade(l, zf, camH-(y-vy)*zf/256, haze, dark, neon), 4)
					continue
				}
				// The roof, sloping back from the eaves.
				if !neon && y < top && y >= top-l.storey*256/zf/2 {
					haze := s.dstep((zf-256)*140/zEnd, 140, 5, x, y)
					roof := s.land(hex(0x6a3a2e), haze)
					if (y-top)%2 == 0 {
						roof = s.land(hex(0x7e4636), haze)
					}
					s.put(x, y, roof, 4)
					continue
				}
			}
			if y <= vy {
				continue
			}
			zg := camH * 256 / (y - vy)
			if zg > zEnd {
				continue
			}
			X := dx * zg / 256
			haze := s.dstep((zg-256)*140/zEnd, 140, 5, x, y)
			thick := max(1, zg/256)
			var c rgb
			switch {
			case abs(X) < roadW && neon:
				c = asphalt
				if abs(X) < max(1, roadW/40)+thick/2 && (zg/120)%2 == 0 && !s.pl.snow {
					c = hex(0xd8c060) // the centre line
				}
			case abs(X) < roadW:
				// Cobbles, in rows across the road.
				cs := max(4, camH/6)
				m, id := masonry(X, zg, cs, cs*2/3, thick)
				c = scale(cobble, 220+int(hash2(s.seed, int(id), 9)%60))
				if m {
					c = scale(cobble, 140)
				}
				if s.pl.snow && (abs(abs(X)-roadW/2) < roadW/10) {
					c = hex(0xa8b4c8) // wheel ruts in the snow
				}
			case abs(X) < roadW+max(1, camH/12):
				c = scale(pave, 150) // the kerb
			default:
				c = pave
				if (zg/200)%2 == 0 && (X/max(1, camH/3))%2 == 0 {
					c = scale(pave, 230)
				}
			}
			s.put(x, y, s.land(c, haze), 5)
		}
	}
	s.mark("street", "buildings", "windows")
	if neon {
		s.mark("neon")
	} else {
		s.mark("cobbles")
	}
	// Signs and lamps, far to near.
	var lamps []int
	for z := 320; z < zEnd; z = z * 3 / 2 {
		lamps = append(lamps, z)
	}
	for i := len(lamps) - 1; i >= 0; i-- {
		z := lamps[i]
		for side := range 2 {
			for j := range sides[side] {
				l := &sides[side][j]
				if l.sign && z <= (l.z0+l.z1)/2 && (i == 0 || lamps[i-1] < (l.z0+l.z1)/2) {
					s.streetSign(l, side, vx, vy, camH, facadeX, neon)
				}
			}
			sx := []int{-1, 1}[side]
			px, py := vx+sx*(roadW+camH/8)*256/z, vy+camH*256/z
			ph := camH * 170 / 100 * 256 / z
			post := s.land(hex(0x2a2a30), (z-256)*140/zEnd/28*28)
			pw := max(1, 256*camH/40/z)
			for y := py - ph; y < py; y++ {
				for x := px; x < px+pw; x++ {
					s.put(x, y, post, 6)
				}
			}
			hd := max(1, pw*2)
			if dark || neon {
				s.flameHaloColour(px, py-ph, max(3, ph/4), s.tn.glow)
				for yy := py - ph - hd; yy < py-ph+hd/2; yy++ {
					for xx := px - hd/2; xx <= px+hd/2; xx++ {
						s.put(xx, yy, lampC, 6)
					}
				}
			} else {
				for yy := py - ph - hd; yy < py-ph+hd/2; yy++ {
					for xx := px - hd/2; xx <= px+hd/2; xx++ {
						s.put(xx, yy, post, 6)
					}
				}
			}
		}
	}
	s.mark("lamps")
	for side := range 2 {
		for _, l := range sides[side] {
			if l.sign {
				s.mark("signs")
			}
			if l.front != "" {
				s.mark(l.front)
			}
		}
	}
	if s.pl.rain {
		s.wetStreet(groundBase)
		s.mark("puddles", "reflections")
	}
}

// facade colours one pixel of a building's front at depth z and height hgt above the
// street, faded haze/256 into the distance: storeys of windows (lit after dark;
// neon-bright in a cyberpunk city), a door and a shop sign band on the ground floor,
// timber framing in an old town.
func (s *scene) facade(l *lot, z, hgt, haze int, dark, neon bool) rgb {
	u := z - l.z0 // along the front, in depth units
	length := l.z1 - l.z0
	storey := floorDiv(hgt, l.storey)
	in := hgt - storey*l.storey
	thick := max(1, z*z/(256*max(1, l.storey*3)))
	c := l.wall
	if u < thick || length-u < thick {
		return s.land(l.trim, haze) // the party wall between buildings
	}
	if hgt > l.height-l.storey/5 {
		return s.land(l.trim, haze) // the cornice
	}
	if !neon && (in < max(1, l.storey/14) || u < thick*2 || length-u < thick*2) {
		return s.land(l.trim, haze) // timber framing
	}
	if storey == 0 {
		// The ground floor: a door, and a shopfront window or sign band.
		door := u > length*15/100 && u < length*30/100 && in < l.storey*75/100
		if door {
			if l.front != "" && dark {
				return s.shine(hex(0xffa040))
			}
			return s.land(scale(l.trim, 150), haze)
		}
		if neon && in > l.storey*72/100 && in < l.storey*88/100 && u > length*40/100 && u < length*92/100 {
			return s.shine(mix(l.signC, hex(0xffffff), 40))
		}
		if u > length*42/100 && u < length*88/100 && in > l.storey*22/100 && in < l.storey*65/100 {
			if dark || neon || l.front != "" {
				return s.shine(mix(s.tn.glow, hex(0xffe0a0), 120))
			}
			return s.land(l.glass, haze)
		}
		return s.land(c, haze)
	}
	// Upper storeys: a row of windows.
	n := max(1, length/max(1, l.storey*6/10))
	cell := length / n
	wu := u - (u/max(1, cell))*cell
	if wu > cell*28/100 && wu < cell*72/100 && in > l.storey*30/100 && in < l.storey*78/100 {
		hv := hash2(s.seed^uint64(l.z0), u/max(1, cell), storey)
		switch {
		case neon && hv%10 < 6:
			return s.shine(mix([]rgb{hex(0x4ff4ff), hex(0xff4fd0), hex(0xffe0a0), hex(0xb0a0ff)}[(hv>>8)%4], l.wall, 60))
		case dark && (hv%10 < 6 || l.front != ""):
			return s.shine(s.tn.glow)
		case !dark && in < l.storey*40/100 && wu < cell*45/100:
			return s.land(hex(0x9ab8d8), haze) // a glint of sky
		}
		return s.land(l.glass, haze)
	}
	if !neon && wu > cell*20/100 && wu < cell*80/100 && in > l.storey*26/100 && in < l.storey*30/100 {
		return s.land(l.trim, haze) // the sill
	}
	return s.land(c, haze)
}

// streetSign hangs a building's sign: in a neon city a glowing blade sign standing out
// from the wall, elsewhere a painted board on an iron bracket; a tavern's shows a mug,
// a shop's a coin.
func (s *scene) streetSign(l *lot, side, vx, vy, camH, facadeX int, neon bool) {
	sx := []int{-1, 1}[side]
	z := l.z0 + (l.z1-l.z0)*35/100
	if neon {
		// A blade sign: a panel of colour edged with a bright tube, with a column of
		// dark glyphs, standing out from the wall between the first and third floors.
		out := camH * 24 / 100
		x0, x1 := vx+sx*(facadeX-out)*256/z, vx+sx*(facadeX-camH*3/100)*256/z
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		top := vy + (camH-min(l.height-l.storey/2, l.storey*28/10))*256/z
		bot := vy + (camH-l.storey*13/10)*256/z
		tube, panel := s.shine(mix(l.signC, hex(0xffffff), 120)), s.shine(l.signC)
		ink := s.grade(mix(l.signC, hex(0x100818), 200))
		s.flameHaloColour((x0+x1)/2, (top+bot)/2, max(3, (bot-top)*2/3), l.signC)
		gh := max(2, (x1-x0)*2/3)
		for y := top; y < bot; y++ {
			for x := x0; x <= x1; x++ {
				c := panel
				switch {
				case x == x0 || x == x1 || y == top || y == bot-1:
					c = tube
				case x > x0+1 && x < x1-1 && (y-top-2)%(gh+1) < gh && y > top+1 && y < bot-2 &&
					hash2(s.seed^0x51, x-x0, (y-top-2)/(gh+1)*31+(y-top-2)%(gh+1)+l.z0)%2 == 0:
					c = ink // the glyphs
				}
				s.put(x, y, c, 7)
			}
		}
		return
	}
	out := camH * 36 / 100
	by := vy + (camH-l.storey*14/10)*256/z
	x0, x1 := vx+sx*(facadeX-out)*256/z, vx+sx*facadeX*256/z
	iron := s.land(hex(0x2a2426), 0)
	lo, hi := min(x0, x1), max(x0, x1)
	for x := lo; x <= hi; x++ {
		s.put(x, by, iron, 7)
	}
	bw, bh := max(2, (hi-lo)*70/100), max(2, camH*30/100*256/z)
	if l.front != "" {
		bw, bh = bw*5/4, bh*5/4 // the asked-for business hangs out a bigger sign
	}
	bx := lo + (hi-lo-bw)/2
	board := s.land(hex(0x7a4a2a), 0)
	gold, pewter, froth := s.land(hex(0xe0b040), 0), s.land(hex(0xb0a890), 0), s.land(hex(0xf8f4e8), 0)
	cx, cy := bx+bw/2, by+2+bh/2
	mw, mh := max(1, bw/5), max(1, bh/4)
	for y := by + 2; y < by+2+bh; y++ {
		for x := bx; x < bx+bw; x++ {
			c := board
			dx, dy := x-cx, y-cy
			switch {
			case x == bx || x == bx+bw-1 || y == by+2 || y == by+1+bh:
				c = scale(board, 160)
			case l.front == sceneTavern && abs(dx+1) <= mw && abs(dy) <= mh:
				// A mug of ale: froth on top, pewter below.
				c = pewter
				if dy == -mh {
					c = froth
				}
			case l.front == sceneTavern && dx == mw+1 && abs(dy) <= mh/2+1 && bw >= 6:
				c = pewter // the handle
			case l.front == sceneShop && dx*dx+dy*dy <= mh*mh+mh:
				c = gold // a coin
			case l.front == "" && abs(dx) <= max(0, bw/6) && abs(dy) <= max(0, bh/4):
				c = gold
			}
			s.put(x, y, c, 7)
		}
	}
	s.put(bx+1, by+1, iron, 7)
	s.put(bx+bw-2, by+1, iron, 7)
}

// distantTowers draws a far skyline of towers with lit window dots standing on row base.
func (s *scene) distantTowers(r *rng, base int, neon []rgb) {
	h := s.h
	for row := range 2 {
		haze := []int{110, 60}[row]
		body := s.land([]rgb{hex(0x3a3a6a), hex(0x2a2a4a)}[row], haze)
		for x := -h / 20; x < s.w; {
			bw := max(1, h*r.between(4, 9)/100)
			top := base - h*r.between(12, 40)/100*(2+row)/3
			for y := top; y < base; y++ {
				for xx := x; xx < x+bw; xx++ {
					c := body
					if (xx-x)%2 == 1 && (y-top)%3 == 1 && hash2(s.seed, xx, y)%4 == 0 {
						c = mix(neon[(hash2(s.seed, xx, y)>>8)%uint64(len(neon))], body, haze)
					}
					s.put(xx, y, c, 2)
				}
			}
			if r.chance(30) {
				s.put(x+bw/2, top-1, neon[1], 2)
				s.put(x+bw/2, top-2, body, 2)
			}
			x += bw + r.Intn(max(1, h/40))
		}
	}
}

// wetStreet turns the street into a wet mirror. Each ground pixel looks up the facade,
// sign or sky mirrored about the row where its column's ground meets a wall; only what
// is brighter than the road shows in it (signs, lit windows, the sky), as streaks
// broken by ripples, the way lights smear down a wet street at night. The reflection
// is the mirrored colour darkened, not blended with the road, so it adds at most one
// colour per reflected colour.
func (s *scene) wetStreet(base []int) {
	src := append([]rgb(nil), s.c.px...)
	dark := s.grade(hex(0x101420))
	for y := range s.h {
		for x := range s.w {
			i := y*s.w + x
			if s.depth[i] != 5 || y <= base[x] {
				continue
			}
			my := 2*base[x] - y + sine(y*3+x/8)/40
			if my < 0 || my >= s.h {
				continue
			}
			m := src[my*s.w+x]
			if luma(m) < luma(src[i])+24 {
				continue
			}
			// Ripples: every third row, wavering, breaks the streak.
			if (y+sine(x*2+y)/32)%3 == 0 {
				continue
			}
			s.c.px[i] = mix(m, dark, 90)
		}
	}
}
