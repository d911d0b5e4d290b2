package pixelart

// The dungeon: a torchlit brick wall round an archway over a receding floor.

func (s *scene) dungeon() {
	h, w := s.h, s.w
	r := derive(s.seed, "dungeon")
	stone := hex(0x5e5866)

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
			// Rows at equal depth steps: depth goes as 1/(y−vy), so they widen downwards.
			rowLine := (h - vy) * 12 / max(1, y-vy)
			prevLine := (h - vy) * 12 / max(1, y-1-vy)
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
	if r.chance(70) {
		// Banners between the torches, in one of a few heraldic colours.
		cloth := []rgb{hex(0x8a1e32), hex(0x2a3a72), hex(0x2e5a36), hex(0x5a2a6a)}[r.Intn(4)]
		for d := aw/2 + h*30/100; d < w/2; d += h * 80 / 100 {
			for _, bx := range []int{vx - d, vx + d} {
				s.banner(bx, h*14/100, h*10/100, h*34/100, cloth, lightAt)
			}
		}
		s.mark("banners")
	}
	for _, tx := range torches {
		s.torch(tx, torchY, h)
	}
	if s.pl.candles {
		// Clusters of candles at the foot of the wall, either side of the arch.
		for _, cx := range []int{vx - aw/2 - h*8/100, vx + aw/2 + h*8/100} {
			s.candles(cx, floorY+max(1, h/60), max(2, h/24))
		}
		s.mark("candles")
	}
	s.mark("archway", "torches", "flagstones", "bricks")
}

// banner hangs a cloth banner from a rod, lit by the torches, with a notched foot and a
// gold emblem.
func (s *scene) banner(cx, top, width, height int, cloth rgb, lightAt func(x, y int) int) {
	dark, lit := s.grade(mix(scale(cloth, 90), hex(0x0a0814), 80)), s.grade(mix(cloth, s.tn.glow, 40))
	gold := s.grade(hex(0xd8a840))
	rod := s.grade(hex(0x3a2a22))
	for x := cx - width/2 - 1; x <= cx+width/2+1; x++ {
		s.put(x, top, rod, 2)
	}
	for y := top + 1; y < top+height; y++ {
		for x := cx - width/2; x <= cx+width/2; x++ {
			// The foot is cut into a V.
			if y > top+height-width/2 && abs(x-cx) < width/2-(top+height-y) {
				continue
			}
			c := mix(dark, lit, s.step(lightAt(x, y), 256, x, y))
			dx, dy := x-cx, y-(top+height/3)
			if dx*dx+dy*dy <= (width/4)*(width/4) {
				c = gold
			}
			s.put(x, y, c, 2)
		}
	}
}

// torch draws a wall torch: an iron bracket, a stick and a layered flame.
func (s *scene) torch(x0, y0, h int) {
	iron, wood := s.grade(hex(0x2a2830)), s.grade(hex(0x5a3a22))
	core, mid, tip := s.shine(hex(0xfff4b0)), s.shine(hex(0xffa030)), s.shine(hex(0xd0401a))
	sh := max(3, h/14)
	for y := y0; y < y0+sh; y++ {
		s.put(x0, y, wood, 8)
	}
	for x := x0 - 1; x <= x0+1; x++ {
		s.put(x, y0+sh/2, iron, 8)
		s.put(x, y0+sh, iron, 8)
	}
	// The flame: a teardrop (a disc under a triangle), orange round a yellow heart with
	// a red tip. Light sources take only a little of the tone's grading: fire glows
	// whatever the world's mood.
	fr := max(2, h/36)
	cy := y0 - fr
	tipH := fr * 3
	drop := func(x, y, r, tip int) bool {
		dx, dy := x, y-cy
		if dx*dx+dy*dy <= r*r {
			return true
		}
		up := -dy
		return up > 0 && up <= tip && abs(dx)*tip < r*(tip-up)+tip/2
	}
	for y := cy - fr - tipH; y <= cy+fr; y++ {
		for x := -fr; x <= fr; x++ {
			if !drop(x, y, fr, fr+tipH) {
				continue
			}
			c := mid
			switch {
			case drop(x, y-fr/2, fr/2, fr/2+tipH/2):
				c = core
			case y < cy-fr-tipH*2/3:
				c = tip
			}
			s.put(x0+x, y, c, 8)
		}
	}
}
