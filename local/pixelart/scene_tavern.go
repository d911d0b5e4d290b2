package pixelart

// The tavern: a timber-beamed common room in warm light, with a bar counter, shelves of
// bottles, barrels, a hearth and candles, and the shop and library that share its shell.

// tavern draws the common room: a beamed ceiling over timber-framed walls, a hearth
// on one side (asked for, or by chance), a window, shelves of bottles over the bar,
// barrels, a candlelit table in front and perhaps a chandelier.
func (s *scene) tavern() {
	h, w := s.h, s.w
	r := derive(s.seed, "tavern")
	rm := &lighting{s: s, warm: 120}
	ceilY, beamH := h*9/100, max(2, h*4/100)
	wallTop := ceilY + beamH
	floorY := h * 66 / 100
	vx, vy := w/2+w*r.between(-8, 8)/100, h*40/100
	// The layout, left to right or mirrored: the hearth, a window, the bar.
	hearthLeft := r.chance(50)
	hearth := s.pl.hearth || r.chance(60)
	hw := min(h*40/100, w*30/100)
	hx := w * 4 / 100
	barL, barR := max(w*46/100, hx+hw+h*20/100), w-w*3/100
	if !hearth {
		barL = w * 36 / 100
	}
	flip := func(x0, x1 int) (int, int) { // mirrors a span when the hearth is on the right
		if hearthLeft {
			return x0, x1
		}
		return w - x1, w - x0
	}
	barTop, barBot := h*60/100, h*86/100
	// The lights: the fire, candles on the bar and a table, a chandelier.
	var candles [][3]int // x, base, size
	cs := max(2, h/28)
	bl, br := flip(barL, barR)
	for x := bl + (br-bl)/6; x < br-cs; x += max(cs*4, (br-bl)/3) {
		candles = append(candles, [3]int{x, barTop, cs})
	}
	chandelier := s.pl.candles || r.chance(50)
	// The chandelier hangs over the bar's near end, clear of the window.
	chX := (bl*2 + br) / 3
	chY := wallTop + h*9/100
	if chandelier {
		for i := -1; i <= 1; i++ {
			candles = append(candles, [3]int{chX + i*h*6/100, chY, max(2, cs-1)})
		}
	}
	tableX := w * r.between(14, 30) / 100
	if !hearthLeft {
		tableX = w - tableX
	}
	table := w*100/max(1, h) >= 120
	tableY := h * 88 / 100
	if table {
		candles = append(candles, [3]int{tableX, tableY - 1, cs + 1})
	}
	for _, c := range candles {
		rm.lights = append(rm.lights, pointLight{c[0], c[1] - c[2], h * 50 / 100, 210})
	}
	// Torches, when asked for, on the wall above the bar's shelves.
	var torches []int
	if s.pl.torches {
		torches = []int{bl + (br-bl)/4, bl + (br-bl)*3/4}
		for _, tx := range torches {
			rm.lights = append(rm.lights, pointLight{tx, wallTop + h*4/100, h * 60 / 100, 240})
		}
	}
	fx0, fx1 := flip(hx, hx+hw)
	if hearth {
		rm.lights = append(rm.lights, pointLight{(fx0 + fx1) / 2, floorY - h*6/100, h * 95 / 100, 256})
	}
	// The ceiling, the walls and the floor.
	rm.beamedCeiling(ceilY, beamH, vx, vy, 1)
	plaster, timber, panel := hex(0xc4a67e), hex(0x4a2e1c), hex(0x6e4428)
	railY := h * 46 / 100
	postW := max(2, h*3/100)
	for y := wallTop; y < floorY; y++ {
		for x := range w {
			c := plaster
			if hv := hash2(s.seed^0x91a, x/2, y/2); hv%13 == 0 {
				c = scale(plaster, 236)
			}
			if y >= railY {
				c = panel
				if (x/max(3, h*8/100))%2 == 0 && y > railY+1 {
					c = scale(panel, 220)
				}
			}
			if y >= railY-max(1, h/50) && y < railY+1 {
				c = timber
			}
			s.put(x, y, rm.paint(c, x, y), 1)
		}
	}
	// Posts with knee braces up to the beam.
	for px := w * 2 / 100; px < w; px += max(h*48/100, postW*4) {
		for y := wallTop; y < floorY; y++ {
			for x := px; x < px+postW; x++ {
				s.put(x, y, rm.paint(timber, x, y), 1)
			}
		}
		brace := h * 9 / 100
		for i := range brace {
			for t := range postW {
				s.put(px-i-1+t/2, wallTop+brace-i, rm.paint(timber, px-i, wallTop+brace-i), 1)
				s.put(px+postW+i-t/2, wallTop+brace-i, rm.paint(timber, px+postW+i, wallTop+brace-i), 1)
			}
		}
	}
	rm.planks(floorY, vx, vy, hex(0x7a5232), 1)
	s.mark("floorboards")
	// A window between the hearth and the bar, or in the middle when there is no hearth.
	winW, winH := max(6, h*15/100), max(8, h*20/100)
	wx := (hx + hw + barL) / 2
	if !hearth {
		wx = w * 18 / 100
	}
	if barL-(hx+hw) > winW+h*4/100 || !hearth {
		wx0, _ := flip(wx-winW/2, wx+winW/2)
		s.window(wx0, h*20/100, winW, winH, s.grade(scale(timber, 200)), 2)
	}
	// The hearth: a stone chimney breast, an arched opening with logs and fire.
	if hearth {
		s.hearth(rm, fx0, fx1, h*22/100, floorY+h*4/100, wallTop)
	}
	// Shelves of bottles and mugs behind the bar.
	s.barShelves(rm, bl+h*2/100, br-h*2/100, wallTop, barTop, r)
	// Barrels stacked at the bar's inner end.
	br0 := max(3, h*7/100)
	bx := barL - br0*2 - h*3/100
	if !hearth {
		bx = barL - br0*2 - h*2/100
	}
	bx, _ = flip(bx-br0, bx+br0)
	bx += br0
	baseY := h * 90 / 100
	for _, b := range [][2]int{{-br0, 0}, {br0, 0}, {0, -br0*2 + 1}} {
		s.barrelEnd(rm, bx+b[0], baseY-br0+b[1], br0, 3)
	}
	s.mark("barrels")
	// The bar counter.
	s.barCounter(rm, bl, br, barTop, barBot)
	// A table in front, with a mug and a candle.
	if table {
		s.table(rm, tableX, tableY, h*24/100)
		s.mark("table")
	}
	if chandelier {
		s.chandelierFrame(chX, wallTop, chY, h*6/100)
	}
	for _, c := range candles {
		s.candle(c[0], c[1], c[2], 7)
	}
	for _, tx := range torches {
		s.torch(tx, wallTop+h*8/100, h*3/4)
	}
	if len(torches) > 0 {
		s.mark("torches")
	}
	s.mark("candles", "bar")
}

// hearth draws a stone fireplace between x0 and x1: the chimney breast up to the beam,
// a mantel, an arched opening with burning logs.
func (s *scene) hearth(rm *lighting, x0, x1, top, base, ceiling int) {
	h := s.h
	stone, mortar := hex(0x8a7e74), hex(0x4a423e)
	bh := max(2, h*4/100)
	for y := ceiling; y < base; y++ {
		row := y / bh
		for x := x0; x < x1; x++ {
			c := stone
			if hv := hash2(s.seed^0x4e, (x+(row%2)*bh)/(bh*2), row); y%bh == 0 || (x+(row%2)*bh)%(bh*2) == 0 {
				c = mortar
			} else if hv%3 == 0 {
				c = scale(stone, 220)
			}
			if y < top && (x < x0+(x1-x0)/8 || x >= x1-(x1-x0)/8) {
				continue // the breast is narrower than the hearth
			}
			s.put(x, y, rm.paint(c, x, y), 2)
		}
	}
	// The mantel.
	mantel := hex(0x5a3a24)
	for y := top; y < top+max(2, h*3/100); y++ {
		for x := x0 - h/50; x < x1+h/50; x++ {
			s.put(x, y, rm.paint(mantel, x, y), 2)
		}
	}
	// The opening, soot black with a glowing back, arched at the top.
	ow := (x1 - x0) * 60 / 100
	ox := (x0 + x1) / 2
	oTop, oBot := top+max(3, h*6/100), base-max(1, h/50)
	soot := s.grade(hex(0x120808))
	ember := s.shine(hex(0x8a2a10))
	for y := oTop; y < oBot; y++ {
		for x := ox - ow/2; x <= ox+ow/2; x++ {
			dx, dy := x-ox, y-(oTop+ow/2)
			if dy < 0 && dx*dx+dy*dy > (ow/2)*(ow/2) {
				continue
			}
			c := mix(soot, ember, s.step((y-oTop)*200/max(1, oBot-oTop), 256, x, y))
			s.put(x, y, c, 3)
		}
	}
	// Logs and flames.
	logC := s.grade(hex(0x3a2214))
	logH := max(1, h/40)
	for y := oBot - logH; y < oBot; y++ {
		for x := ox - ow/3; x <= ox+ow/3; x++ {
			s.put(x, y, logC, 4)
		}
	}
	core, mid, tip := s.shine(hex(0xfff2b0)), s.shine(hex(0xffa030)), s.shine(hex(0xd8401a))
	fh := (oBot - oTop) * 70 / 100
	for x := ox - ow/3; x <= ox+ow/3; x++ {
		// Tongues of flame: taller in the middle, flickering along the row.
		t := (ow/3 - abs(x-ox)) * 256 / max(1, ow/3)
		tall := fh * (90 + t) / 346 * (160 + sine(x*7)*96/64) / 256
		for y := oBot - logH - tall; y < oBot-logH; y++ {
			u := (oBot - logH - y) * 256 / max(1, tall)
			c := core
			switch {
			case u > 190:
				c = tip
			case u > 90:
				c = mid
			}
			s.put(x, y, c, 4)
		}
	}
	s.flameHalo(ox, oBot-logH-fh/3, max(4, ow*3/4))
	s.mark("hearth", "fire")
}

// barShelves draws two shelves of bottles and mugs on the wall behind the bar.
func (s *scene) barShelves(rm *lighting, x0, x1, wallTop, barTop int, r *rng) {
	h := s.h
	wood := hex(0x5a3a22)
	glass := []rgb{hex(0x2e7a44), hex(0xa0601c), hex(0x8a1e2e), hex(0x9ab4b4), hex(0x4a3a7a)}
	for _, sy := range []int{wallTop + (barTop-wallTop)*42/100, wallTop + (barTop-wallTop)*78/100} {
		for y := sy; y < sy+max(1, h/45); y++ {
			for x := x0; x < x1; x++ {
				c := wood
				if y == sy {
					c = scale(wood, 320)
				}
				s.put(x, y, rm.paint(c, x, y), 2)
			}
		}
		for x := x0 + 1; x < x1-2; {
			bh := h * r.between(6, 10) / 100
			if r.chance(25) {
				// A pewter mug.
				mw := max(2, h*3/100)
				for y := sy - mw; y < sy; y++ {
					for dx := range mw {
						s.put(x+dx, y, rm.paint(hex(0x9a9aa4), x+dx, y), 2)
					}
					s.put(x+mw, y, rm.paint(hex(0x6a6a74), x+mw, y), 2)
				}
				x += mw + 2
				continue
			}
			rm.bottle(x, sy, bh, glass[r.Intn(len(glass))], 2)
			x += max(2, bh/3) + r.between(1, 2)
		}
	}
	s.mark("shelves", "bottles")
}

// barCounter draws the bar: a polished top catching the light, a panelled front and a
// brass foot rail.
func (s *scene) barCounter(rm *lighting, x0, x1, top, bottom int) {
	h := s.h
	wood, dark, brass := hex(0x7a4a2a), hex(0x3e2414), hex(0xc8a040)
	topH := max(2, h*3/100)
	pw := max(4, h*10/100)
	rail := bottom - max(2, h*5/100)
	for y := top; y < bottom; y++ {
		for x := x0; x < x1; x++ {
			c := wood
			switch {
			case y < top+topH:
				c = scale(wood, 310)
				if y == top+topH-1 {
					c = dark
				}
			case y == rail:
				c = brass
			case (x-x0)%pw == 0 || (x-x0)%pw == pw-1:
				c = dark
			case y > top+topH+1 && y < rail-2 && (x-x0)%pw > 1 && (x-x0)%pw < pw-2 &&
				(y == top+topH+2 || y == rail-3 || (x-x0)%pw == 2 || (x-x0)%pw == pw-3):
				c = scale(wood, 170) // the panel's recessed frame
			case y > rail:
				c = scale(wood, 150)
			}
			s.put(x, y, rm.paint(c, x, y), 5)
		}
	}
	// A mug or two on the bar.
	mw := max(2, h*3/100)
	for _, mx := range []int{x0 + (x1-x0)*30/100, x0 + (x1-x0)*64/100} {
		for y := top - mw; y < top; y++ {
			for dx := range mw {
				c := hex(0x9a7a4a)
				if y == top-mw {
					c = hex(0xf0e8d0) // froth
				}
				s.put(mx+dx, y, rm.paint(c, mx+dx, y), 5)
			}
			s.put(mx+mw, y, rm.paint(hex(0x6a4a2a), mx+mw, y), 5)
		}
	}
}

// barrelEnd draws a barrel lying on its side, seen end-on: staves, two iron hoops and
// a spigot, shaded by the room's light.
func (s *scene) barrelEnd(rm *lighting, cx, cy, rr int, id uint8) {
	wood, hoop := hex(0xa86a34), hex(0x3a3434)
	for y := -rr; y <= rr; y++ {
		for x := -rr; x <= rr; x++ {
			d := isqrt(x*x*256 + y*y*256)
			if d > rr*16 {
				continue
			}
			c := wood
			switch {
			case d > rr*16-16:
				c = hoop
			case d > rr*16*70/100 && d < rr*16*70/100+16:
				c = hoop
			case (x+rr)%max(2, rr/2) == 0:
				c = scale(wood, 190)
			}
			if x+y < -rr/2 {
				c = scale(c, 290)
			}
			s.put(cx+x, cy+y, rm.paint(c, cx+x, cy+y), id)
		}
	}
	s.put(cx, cy, rm.paint(hex(0x2a1a10), cx, cy), id)
}

// table draws a round table seen from the front, top at y: a tabletop edge, a pedestal,
// a mug; its candle is drawn with the others.
func (s *scene) table(rm *lighting, cx, y, width int) {
	h := s.h
	wood := hex(0x6a4226)
	th := max(2, h*3/100)
	for yy := y - th/2; yy < y+th; yy++ {
		hw := width / 2
		if yy < y {
			hw -= (y - yy) * 2
		}
		for x := cx - hw; x <= cx+hw; x++ {
			c := wood
			if yy < y {
				c = scale(wood, 290) // the top, catching the candle
			}
			s.put(x, yy, rm.paint(c, x, yy), 6)
		}
	}
	for yy := y + th; yy < s.h; yy++ {
		for x := cx - max(1, width/14); x <= cx+max(1, width/14); x++ {
			s.put(x, yy, rm.paint(scale(wood, 170), x, yy), 6)
		}
	}
	mw := max(2, h*3/100)
	mx := cx + width/5
	for yy := y - th/2 - mw; yy < y-th/2; yy++ {
		for dx := range mw {
			s.put(mx+dx, yy, rm.paint(hex(0x9a9aa4), mx+dx, yy), 6)
		}
	}
}

// chandelierFrame hangs an iron candle ring from the ceiling on a chain; the candles on
// it are drawn with the others.
func (s *scene) chandelierFrame(cx, top, y, half int) {
	iron := s.grade(hex(0x2a2426))
	for yy := top; yy < y-1; yy++ {
		if yy%2 == 0 || s.h < 80 {
			s.put(cx, yy, iron, 7)
		}
	}
	for x := cx - half; x <= cx+half; x++ {
		s.put(x, y, iron, 7)
		if abs(x-cx) > half*2/3 {
			s.put(x, y-1, iron, 7)
		}
	}
	for i := -1; i <= 1; i++ {
		s.put(cx+i*half, y-1, iron, 7)
	}
	s.mark("chandelier")
}
