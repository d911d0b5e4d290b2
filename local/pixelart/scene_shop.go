package pixelart

// The shop: walls of laden shelves behind a counter, lit by lanterns and a window; the
// library is the same room with books on every shelf and a reading desk.

// shop draws a shop (or, for the library scene, a library) under a beamed ceiling.
func (s *scene) shop() {
	h, w := s.h, s.w
	r := derive(s.seed, "shop")
	library := s.pl.scene == sceneLibrary
	rm := &lighting{s: s, warm: 70}
	ceilY, beamH := h*8/100, max(2, h*4/100)
	wallTop := ceilY + beamH
	floorY := h * 68 / 100
	vx, vy := w/2, h*42/100
	// A window on one side, by day most likely.
	winW, winH := max(6, h*18/100), max(8, h*26/100)
	winLeft := r.chance(50)
	hasWindow := w*100/max(1, h) >= 110 && (s.tod == day || s.pl.rain || s.pl.snow || r.chance(50))
	winX := w*5/100 + h*2/100
	if !winLeft {
		winX = w - w*5/100 - h*2/100 - winW
	}
	// Lanterns hang from the beam; a candle stands on the counter or desk.
	cTop, cBot := h*64/100, h*90/100
	cL, cR := w*22/100, w*78/100
	if w < h*14/10 {
		cL, cR = w*10/100, w*90/100
	}
	candleX := cL + (cR-cL)*r.between(15, 30)/100
	var lanterns []int
	for x := w / 4; x < w; x += max(w/2, h*70/100) {
		lanterns = append(lanterns, x)
	}
	lanternY := wallTop + h*12/100
	for _, lx := range lanterns {
		rm.lights = append(rm.lights, pointLight{lx, lanternY, h * 75 / 100, 230})
	}
	rm.lights = append(rm.lights, pointLight{candleX, cTop - h*4/100, h * 34 / 100, 200})
	var torches []int
	if s.pl.torches {
		torches = []int{w * 8 / 100, w * 92 / 100}
		for _, tx := range torches {
			rm.lights = append(rm.lights, pointLight{tx, wallTop + h*4/100, h * 60 / 100, 240})
		}
	}
	if hasWindow && s.tod == day {
		rm.lights = append(rm.lights, pointLight{winX + winW/2, h * 34 / 100, h * 70 / 100, 240})
	}
	rm.beamedCeiling(ceilY, beamH, vx, vy, 1)
	boards := hex(0x8a6a48)
	if library {
		boards = hex(0x6a4a36)
	}
	for y := wallTop; y < floorY; y++ {
		for x := range w {
			c := boards
			if x%max(3, h*6/100) == 0 {
				c = scale(boards, 180)
			}
			s.put(x, y, rm.paint(c, x, y), 1)
		}
	}
	rm.planks(floorY, vx, vy, hex(0x6a4a30), 1)
	s.mark("floorboards")
	// The shelving, broken by the window.
	shelf := hex(0x5a3a22)
	top, bottom := wallTop+h*4/100, floorY-h*2/100
	if !library {
		top = wallTop + h*8/100
	}
	rows := max(2, (bottom-top)/max(4, h*12/100))
	x0, x1 := w*3/100, w-w*3/100
	for i := range rows {
		sy := top + (i+1)*(bottom-top)/rows
		segs := [][2]int{{x0, x1}}
		if hasWindow {
			segs = [][2]int{{x0, winX - h*2/100}, {winX + winW + h*2/100, x1}}
		}
		for _, sg := range segs {
			if sg[1]-sg[0] < 4 {
				continue
			}
			for y := sy; y < sy+max(1, h/45); y++ {
				for x := sg[0]; x < sg[1]; x++ {
					c := shelf
					if y == sy {
						c = scale(shelf, 320)
					}
					s.put(x, y, rm.paint(c, x, y), 2)
				}
			}
			s.goods(rm, sg[0]+1, sg[1]-1, sy, (bottom-top)/rows-max(1, h/45)-1, library, r)
		}
		// The uprights.
		for _, sg := range segs {
			for _, ux := range []int{sg[0], sg[1] - 1} {
				for y := top; y < sy+2; y++ {
					s.put(ux, y, rm.paint(shelf, ux, y), 2)
				}
			}
		}
	}
	if library {
		s.mark("books")
	} else {
		s.mark("goods")
	}
	s.mark("shelves")
	if hasWindow {
		s.window(winX, h*24/100, winW, winH, s.grade(hex(0x3a2618)), 2)
	}
	// The counter (or the library's reading desk) with its wares.
	if library {
		s.desk(rm, (cL+cR)/2, cTop+h*4/100, (cR-cL)*60/100)
		s.mark("desk")
	} else {
		s.barCounter(rm, cL, cR, cTop, cBot)
		s.counterWares(rm, cL, cR, cTop)
		s.mark("counter")
	}
	for _, lx := range lanterns {
		s.lantern(lx, wallTop, lanternY, 7)
	}
	candleBase := cTop
	if library {
		candleBase = cTop + h*4/100
	}
	s.candle(candleX, candleBase, max(2, h/28), 7)
	for _, tx := range torches {
		s.torch(tx, wallTop+h*8/100, h*3/4)
	}
	if len(torches) > 0 {
		s.mark("torches")
	}
	s.mark("lanterns", "candles")
}

// goods fills a shelf from x0 to x1 standing on row base, at most room rows tall, with
// jars, potions, boxes and books (books only in a library).
func (s *scene) goods(rm *lighting, x0, x1, base, room int, library bool, r *rng) {
	h := s.h
	spines := []rgb{hex(0x8a2a2a), hex(0x2a4a7a), hex(0x2e6a3a), hex(0x7a5a2a), hex(0x5a2a5a), hex(0xa08040)}
	potions := []rgb{hex(0xd03060), hex(0x30c0a0), hex(0x6060e0), hex(0xe0a020), hex(0x40d040)}
	for x := x0; x < x1-1; {
		kind := r.pick(35, 25, 20, 20)
		if library {
			kind = 0
		}
		switch kind {
		case 0: // a run of book spines
			for n := r.between(3, 8); n > 0 && x < x1-1; n-- {
				bw := max(1, h/60) + r.Intn(2)
				bh := room * r.between(60, 95) / 100
				c := spines[r.Intn(len(spines))]
				for y := base - bh; y < base; y++ {
					for dx := range bw {
						cc := c
						if y == base-bh*70/100 {
							cc = hex(0xd8b860) // a gilt band
						}
						s.put(x+dx, y, rm.paint(cc, x+dx, y), 3)
					}
				}
				x += bw
			}
			x += r.between(1, 3)
		case 1: // a jar with a lid
			jw, jh := max(3, room*45/100), max(3, room*60/100)
			c := []rgb{hex(0xa08a60), hex(0x7a9a8a), hex(0xb07a4a)}[r.Intn(3)]
			for y := base - jh; y < base; y++ {
				for dx := range jw {
					cc := c
					switch {
					case y == base-jh:
						cc = hex(0x5a3a22)
					case dx == 0 || dx == jw-1:
						cc = scale(c, 180)
					case dx == 1:
						cc = scale(c, 290)
					}
					s.put(x+dx, y, rm.paint(cc, x+dx, y), 3)
				}
			}
			x += jw + r.between(1, 2)
		case 2: // a potion flask: a round belly with a glowing liquid
			pr := max(1, room*22/100)
			c := potions[r.Intn(len(potions))]
			cy := base - pr - 1
			for y := -pr; y <= pr; y++ {
				for dx := -pr; dx <= pr; dx++ {
					if dx*dx+y*y <= pr*pr+pr {
						cc := s.shine(c)
						switch {
						case y < -pr/3:
							cc = rm.paint(hex(0xb8d0d8), x+pr+dx, cy+y) // the glass above the liquid
						case dx == -pr/2 && y < pr/2:
							cc = s.shine(mix(c, hex(0xffffff), 150)) // a glint
						}
						s.put(x+pr+dx, cy+y, cc, 3)
					}
				}
			}
			for y := cy - pr - max(1, pr); y < cy-pr; y++ {
				s.put(x+pr, y, rm.paint(hex(0xb8d0d8), x+pr, y), 3)
			}
			s.put(x+pr, cy-pr-max(1, pr)-1, rm.paint(hex(0x8a5a3a), x+pr, cy-pr-max(1, pr)-1), 3) // the cork
			x += pr*2 + 1 + r.between(1, 2)
		default: // a crate
			bw, bh := max(3, room*70/100), max(3, room*55/100)
			c := hex(0x9a7040)
			for y := base - bh; y < base; y++ {
				for dx := range bw {
					cc := c
					if dx == 0 || dx == bw-1 || y == base-bh || y == base-1 || dx == y-(base-bh) {
						cc = scale(c, 170)
					}
					s.put(x+dx, y, rm.paint(cc, x+dx, y), 3)
				}
			}
			x += bw + r.between(1, 2)
		}
	}
}

// counterWares sets out a brass scale, a ledger and a few coins on the counter.
func (s *scene) counterWares(rm *lighting, x0, x1, top int) {
	h := s.h
	brass, gold := hex(0xc8a040), hex(0xf0c850)
	sx := x0 + (x1-x0)*62/100
	sh := max(4, h*9/100)
	for y := top - sh; y < top; y++ {
		s.put(sx, y, rm.paint(brass, sx, y), 6)
	}
	arm := max(3, h*5/100)
	for x := sx - arm; x <= sx+arm; x++ {
		s.put(x, top-sh, rm.paint(brass, x, top-sh), 6)
	}
	for _, px := range []int{sx - arm, sx + arm} {
		for x := px - 1; x <= px+1; x++ {
			s.put(x, top-sh+sh/2, rm.paint(brass, x, top-sh+sh/2), 6)
		}
		for y := top - sh; y < top-sh+sh/2; y++ {
			s.put(px, y, rm.paint(scale(brass, 180), px, y), 6)
		}
	}
	// The ledger, open.
	lx, lw := x0+(x1-x0)*40/100, max(4, h*8/100)
	for x := lx; x < lx+lw; x++ {
		s.put(x, top-1, rm.paint(hex(0xe8dcc0), x, top-1), 6)
		if x == lx+lw/2 {
			s.put(x, top-1, rm.paint(hex(0x8a7a60), x, top-1), 6)
		}
	}
	for i := range 3 {
		s.put(x0+(x1-x0)*80/100+i*2, top-1, s.shine(gold), 6)
	}
}

// desk draws a library's reading desk with an open book.
func (s *scene) desk(rm *lighting, cx, top, width int) {
	h := s.h
	wood := hex(0x5a3a22)
	for y := top; y < top+max(2, h*3/100); y++ {
		for x := cx - width/2; x <= cx+width/2; x++ {
			s.put(x, y, rm.paint(scale(wood, 300), x, y), 6)
		}
	}
	for _, lx := range []int{cx - width/2 + 1, cx + width/2 - 1} {
		for y := top; y < s.h; y++ {
			s.put(lx, y, rm.paint(wood, lx, y), 6)
			s.put(lx+1, y, rm.paint(wood, lx+1, y), 6)
		}
	}
	bw := max(4, h*10/100)
	for x := cx - bw/2; x < cx+bw/2; x++ {
		s.put(x, top-1, rm.paint(hex(0xeee2c4), x, top-1), 6)
	}
}

// lantern hangs a glowing lantern from the ceiling at (x, y).
func (s *scene) lantern(x, top, y int, id uint8) {
	iron := s.grade(hex(0x2a2426))
	glow, core := s.shine(hex(0xffb050)), s.shine(hex(0xfff0b0))
	for yy := top; yy < y-2; yy++ {
		s.put(x, yy, iron, id)
	}
	s.flameHalo(x, y, max(4, s.h*6/100))
	sz := max(2, s.h/30)
	for yy := y - sz; yy <= y+sz; yy++ {
		for xx := x - sz/2 - 1; xx <= x+sz/2+1; xx++ {
			c := glow
			switch {
			case yy == y-sz || yy == y+sz || xx == x-sz/2-1 || xx == x+sz/2+1:
				c = iron
			case abs(xx-x) <= sz/4 && abs(yy-y) <= sz/2:
				c = core
			}
			s.put(xx, yy, c, id)
		}
	}
}
