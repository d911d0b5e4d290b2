package pixelart

// The stone rooms seen down their length in one-point perspective: a castle's great
// hall or throne room, and a crypt.

// vista is a rectangular room seen from its open near end. World positions are in native
// pixels at the picture plane, depth z = 256; a point (X, Y) at depth z lands at
// (vx + X·256/z, vy + Y·256/z), Y downwards from the eye.
type vista struct {
	vx, vy int
	// camH is the eye's height above the floor, ceilH the ceiling's above the eye,
	// wallX the side walls' distance from the middle, zb the back wall's depth.
	camH, ceilH, wallX, zb int
}

// The surfaces of a vista.
const (
	surfBack = iota
	surfFloor
	surfCeiling
	surfWall
)

// at returns which surface pixel (x, y) shows, its two world coordinates on that
// surface (X and Y on the back wall, X and z on the floor and ceiling, z and Y on the
// side walls) and its depth.
func (b vista) at(x, y int) (surf, u, v, z int) {
	dx, dy := x-b.vx, y-b.vy
	zw := 1 << 30
	if dx != 0 {
		zw = b.wallX * 256 / abs(dx)
	}
	zh := 1 << 30
	switch {
	case dy > 0:
		zh = b.camH * 256 / dy
	case dy < 0:
		zh = b.ceilH * 256 / -dy
	}
	z = min(zw, zh)
	if z >= b.zb {
		return surfBack, dx * b.zb / 256, dy * b.zb / 256, b.zb
	}
	if zh <= zw {
		if dy > 0 {
			return surfFloor, dx * z / 256, z, z
		}
		return surfCeiling, dx * z / 256, z, z
	}
	return surfWall, z, dy * z / 256, z
}

// px projects world point (X, Y) at depth z onto the picture.
func (b vista) px(X, Y, z int) (int, int) { return b.vx + X*256/max(1, z), b.vy + Y*256/max(1, z) }

// masonry reports whether world coordinates (u, v) lie on the mortar of a wall of
// blocks bw×bh, with courses offset by half a block; thick is one native pixel at the
// depth, in world units, so mortar never vanishes nor swells with distance.
func masonry(u, v, bw, bh, thick int) (mortar bool, id uint64) {
	row := floorDiv(v, bh)
	uu := u + (row&1)*bw/2
	col := floorDiv(uu, bw)
	return v-row*bh < thick || uu-col*bw < thick, uint64(int64(row))*0x9e37 ^ uint64(int64(col))
}

// stoneAt textures the vista's stone surfaces: ashlar walls, flagged floor, dark vault.
func (s *scene) stoneAt(b vista, surf, u, v, z int, stone, floor rgb) rgb {
	thick := max(1, z/256)
	switch surf {
	case surfFloor:
		// Flagstones: lines across the floor thicken in depth units with distance.
		zThick := max(1, z*z/(256*max(1, b.camH)))
		fl := max(2, s.h*22/100)
		m, id := masonry(u, v, fl, fl, thick)
		if !m {
			m, _ = masonry(v, u, fl, fl, zThick)
		}
		c := scale(floor, 236+int(hash2(s.seed, int(id), 3)%4)*12)
		if m {
			c = scale(floor, 150)
		}
		return c
	case surfCeiling:
		if v%max(1, s.h*30/100) < max(1, z*z/(256*max(1, b.ceilH))) {
			return scale(stone, 120) // the vault's ribs
		}
		return scale(stone, 80)
	}
	bw, bh := max(2, s.h*16/100), max(1, s.h*8/100)
	m, id := masonry(u, v, bw, bh, thick)
	if surf == surfWall {
		m, id = masonry(u, v, bw, bh, max(1, z*z/(256*max(1, b.wallX))))
		if !m {
			m = floorDiv(v, bh) != floorDiv(v+thick, bh)
		}
	}
	if m {
		return scale(stone, 160)
	}
	return scale(stone, 226+int(hash2(s.seed^0x5e, int(id), 1)%4)*14)
}

// paintBox paints a vista's surfaces with tex, lit by the room and darkening with depth.
func (s *scene) paintBox(rm *lighting, b vista, tex func(surf, u, v, z, x, y int) rgb) {
	for y := range s.h {
		for x := range s.w {
			surf, u, v, z := b.at(x, y)
			c := tex(surf, u, v, z, x, y)
			fade := max(0, 256-(z-256)*160/max(1, b.zb-256))
			s.put(x, y, s.lit(c, rm.at(x, y)*(96+fade*160/256)/256, rm.warm, x, y), wallID(surf))
		}
	}
}

// wallID is the depth layer of a box surface: the side walls stand in front of the rest.
func wallID(surf int) uint8 {
	if surf == surfWall {
		return 2
	}
	return 1
}

// column draws a round stone column at world X and depth z from the floor to the
// ceiling (or the top edge), with a base and a capital, lit on its left.
func (s *scene) column(rm *lighting, b vista, X, z, radius int, stone rgb, id uint8) {
	cx, yb := b.px(X, b.camH, z)
	_, yt := b.px(X, -b.ceilH, z)
	rr := max(1, radius*256/z)
	fade := max(0, 256-(z-256)*160/max(1, b.zb-256))
	for y := max(0, yt); y < min(s.h, yb); y++ {
		capital := y < yt+rr*2/3+1 || y >= yb-rr*2/3-1
		w := rr
		if capital {
			w = rr + max(1, rr/3)
		}
		for x := cx - w; x <= cx+w; x++ {
			t := (x - cx) * 256 / max(1, w) // -256 (left) .. 256 (right)
			c := scale(stone, 300-(t+256)*150/512)
			if !capital && rr >= 3 && (x-cx+rr)%max(2, rr/2) == 0 {
				c = scale(c, 200) // fluting
			}
			s.put(x, y, s.lit(c, rm.at(x, y)*(96+fade*160/256)/256, rm.warm, x, y), id)
		}
	}
}

// hall draws a castle's great hall or throne room: pairs of columns with torches down
// a carpeted hall to a throne on a dais before tall leaded windows, banners on the walls.
func (s *scene) hall() {
	h, w := s.h, s.w
	r := derive(s.seed, "hall")
	rm := &lighting{s: s, warm: 80}
	b := vista{vx: w / 2, vy: h * 44 / 100, camH: h * 56 / 100, ceilH: h * 120 / 100, wallX: max(w*56/100, h*70/100), zb: 720}
	stone, floor := hex(0x8a8480), hex(0x8a8078)
	carpet, trim := hex(0x9a1e2a), hex(0xd8a840)
	cloth := []rgb{hex(0x8a1e32), hex(0x2a3a8a), hex(0x2e5a36), hex(0x6a2a7a)}[r.Intn(4)]
	// Columns in pairs down the hall, a torch on each; windows in the back wall.
	colX := b.wallX * 72 / 100
	colR := b.camH * 10 / 100
	var zs []int
	for z := 300; z < b.zb-120; z = z * 3 / 2 {
		zs = append(zs, z)
	}
	day := s.tod == day || s.tod == dawn
	for _, z := range zs {
		for _, sx := range []int{-1, 1} {
			tx, ty := b.px(sx*(colX-colR), -b.camH/4, z)
			rm.lights = append(rm.lights, pointLight{tx, ty, h * 50 * 256 / z / 100, 230})
		}
	}
	winX := []int{-b.wallX * 55 / 100, 0, b.wallX * 55 / 100}
	winW := b.wallX * 17 / 100
	winTop, winBot := -b.ceilH*80/100, -b.camH*10/100
	for _, wx := range winX {
		x, y := b.px(wx, (winTop+winBot)/2, b.zb)
		p := 170
		if day {
			p = 256
		}
		rm.lights = append(rm.lights, pointLight{x, y, h * 40 / 100, p})
	}
	if day {
		// Sunlight falls through the windows onto the middle of the floor.
		x, y := b.px(0, b.camH, b.zb*3/4)
		rm.lights = append(rm.lights, pointLight{x, y, h * 45 / 100, 220})
	}
	carpetEnd := b.zb - 60
	s.paintBox(rm, b, func(surf, u, v, z, x, y int) rgb {
		if surf == surfFloor && abs(u) < b.camH*34/100 && z < carpetEnd {
			if abs(u) > b.camH*28/100 {
				return trim
			}
			return carpet
		}
		if surf == surfWall && v > -b.ceilH*70/100 && v < -b.ceilH*15/100 {
			// Banners hang on the walls between the columns.
			for i := range len(zs) - 1 {
				mid := (zs[i] + zs[i+1]) / 2
				half := (zs[i+1] - zs[i]) / 5
				if abs(z-mid) < half {
					foot := -b.ceilH*15/100 - (half-abs(z-mid))*b.ceilH/(8*max(1, half))
					if v > foot {
						break
					}
					if abs(z-mid) < half/3 && v > -b.ceilH*55/100 && v < -b.ceilH*45/100 {
						return trim
					}
					return cloth
				}
			}
		}
		if surf == surfBack {
			for _, wx := range winX {
				top := winTop
				if wx == 0 {
					top = winTop - b.ceilH*8/100
				}
				ax := abs(u - wx)
				if ax < winW && v < winBot && v > top-winW {
					// An arched top.
					if dy := v - top; dy < 0 && ax*ax+dy*dy > winW*winW {
						continue
					}
					return scale(stone, 140) // the frame; glazeBack fills in the glass
				}
			}
		}
		return s.stoneAt(b, surf, u, v, z, stone, floor)
	})
	// The window glass shows the sky, bright by day.
	s.glazeBack(b, winX, winW, winTop, winBot, weatherSky(skies[s.tod], s.pl, s.tod))
	// The dais and the throne in front of the middle window.
	s.dais(rm, b, b.wallX*40/100, trim, carpet)
	if s.pl.candles {
		// Candle stands either side of the throne, on the top step.
		_, floorY := b.px(0, b.camH, b.zb)
		top := floorY - 3*max(1, h*2/100)
		for _, sx := range []int{-1, 1} {
			x, _ := b.px(sx*b.wallX*22/100, 0, b.zb)
			s.candles(x, top, max(2, h/30))
		}
		s.mark("candles")
	}
	for i := len(zs) - 1; i >= 0; i-- {
		for _, sx := range []int{-1, 1} {
			s.column(rm, b, sx*colX, zs[i], colR, stone, uint8(4+i))
		}
	}
	for i := len(zs) - 1; i >= 0; i-- {
		for _, sx := range []int{-1, 1} {
			tx, ty := b.px(sx*(colX-colR), -b.camH/4, zs[i])
			s.torch(tx, ty, h*256/zs[i]*60/100)
		}
	}
	s.mark("columns", "carpet", "throne", "banners", "windows", "torches")
}

// glazeBack fills the back wall's windows with the sky: a gradient from the window's
// top to its foot, stars at night.
func (s *scene) glazeBack(b vista, winX []int, winW, winTop, winBot int, sk sky) {
	hi, lo := s.grade(mix(sk.mid, hex(0xffffff), 60)), s.grade(mix(sk.horizon, hex(0xffffff), 80))
	if s.tod == night {
		hi, lo = s.grade(sk.zenith), s.grade(sk.horizon)
	}
	came := s.grade(scale(hex(0x8a8480), 100))
	for y := range s.h {
		for x := range s.w {
			surf, u, v, _ := b.at(x, y)
			if surf != surfBack {
				continue
			}
			for _, wx := range winX {
				top := winTop
				if wx == 0 {
					top = winTop - b.ceilH*8/100
				}
				ax := abs(u - wx)
				inner := winW - max(2, b.zb/128)
				if ax >= inner || v >= winBot-max(1, b.zb/256) || v <= top-inner {
					continue
				}
				if dy := v - top; dy < 0 && ax*ax+dy*dy > inner*inner {
					continue
				}
				c := s.ramp(hi, lo, v-(top-inner), winBot-(top-inner), x, y)
				// Diamond leading.
				pd := max(3, winW/2)
				if floorDiv(u-wx+v, pd)*pd == u-wx+v || floorDiv(u-wx-v, pd)*pd == u-wx-v {
					c = came
				}
				s.put(x, y, c, 2)
			}
		}
	}
}

// dais draws stepped platform at the foot of the back wall with a throne on it.
func (s *scene) dais(rm *lighting, b vista, half int, gold, red rgb) {
	h := s.h
	stone := hex(0x9a948c)
	z := b.zb
	_, floorY := b.px(0, b.camH, z)
	stepH := max(1, h*2/100)
	for i := range 3 {
		x0, _ := b.px(-half+i*half/5, 0, z)
		x1, _ := b.px(half-i*half/5, 0, z)
		for y := floorY - (i+1)*stepH; y < floorY-i*stepH; y++ {
			for x := x0; x <= x1; x++ {
				c := stone
				if y == floorY-(i+1)*stepH {
					c = scale(stone, 300)
				}
				s.put(x, y, s.lit(c, rm.at(x, y), rm.warm, x, y), 3)
			}
		}
	}
	// The throne: a tall gilded back with a red panel, arms and a seat.
	seat := floorY - 3*stepH
	tw := max(4, h*8/100)
	th := max(8, h*22/100)
	cx := b.vx
	for y := seat - th; y < seat; y++ {
		for x := cx - tw/2; x <= cx+tw/2; x++ {
			c := gold
			inner := abs(x-cx) < tw/2-max(1, tw/6) && y > seat-th+max(1, th/8) && y < seat-th/3
			if inner {
				c = red
			}
			if y < seat-th+max(1, th/8) && abs(x-cx) > (y-(seat-th))*2+1 {
				continue // a pointed crest
			}
			s.put(x, y, s.lit(c, rm.at(x, y)+40, rm.warm, x, y), 3)
		}
	}
	for y := seat - th/3; y < seat; y++ {
		for _, ax := range []int{cx - tw/2 - max(1, tw/5), cx + tw/2 + max(1, tw/5)} {
			s.put(ax, y, s.lit(gold, rm.at(ax, y), rm.warm, ax, y), 3)
		}
	}
	for x := cx - tw/2 - max(1, tw/5); x <= cx+tw/2+max(1, tw/5); x++ {
		s.put(x, seat-th/3, s.lit(scale(gold, 300), rm.at(x, seat-th/3), rm.warm, x, seat-th/3), 3)
	}
}

// crypt draws a low vault lined with burial niches, some holding skulls, a stone
// sarcophagus in the middle, candles, cobwebs and a passage on into the dark.
func (s *scene) crypt() {
	h, w := s.h, s.w
	r := derive(s.seed, "crypt")
	rm := &lighting{s: s, warm: 60}
	b := vista{vx: w / 2, vy: h * 46 / 100, camH: h * 54 / 100, ceilH: h * 58 / 100, wallX: max(w*52/100, h*62/100), zb: 1100}
	stone, floor := hex(0x6e6a64), hex(0x5e5a56)
	// Candles on the sarcophagus and along the floor; a dark passage at the back.
	sz := 520
	sw, sh := b.wallX*26/100, b.camH*36/100
	var candles [][3]int
	for _, cx := range []int{-sw * 80 / 100, sw * 80 / 100} {
		x, y := b.px(cx, b.camH-sh, sz)
		candles = append(candles, [3]int{x, y, max(2, h/22)})
	}
	for _, c := range []struct{ X, z int }{{-b.wallX * 80 / 100, 360}, {b.wallX * 80 / 100, 420}, {-b.wallX * 80 / 100, 760}, {b.wallX * 80 / 100, 820}} {
		x, y := b.px(c.X, b.camH, c.z)
		candles = append(candles, [3]int{x, y, max(2, h*256/c.z/24)})
	}
	for _, c := range candles {
		rm.lights = append(rm.lights, pointLight{c[0], c[1] - c[2], h * 42 / 100, 220})
	}
	nicheZ, nicheY := 150, max(2, b.ceilH*34/100)
	arch := b.wallX * 28 / 100
	s.paintBox(rm, b, func(surf, u, v, z, x, y int) rgb {
		switch surf {
		case surfWall:
			// Rows of burial niches: dark arched recesses, some holding a skull.
			zi := floorDiv(z-300, nicheZ)
			zz := z - 300 - zi*nicheZ
			row := floorDiv(v+b.ceilH*70/100, nicheY)
			vv := v + b.ceilH*70/100 - row*nicheY
			if z > 300 && row >= 0 && row < 3 && zz > nicheZ/5 && zz < nicheZ*4/5 && vv > nicheY/4 && vv < nicheY*85/100 {
				if hv := hash2(s.seed, zi, row); hv%3 == 0 && zz > nicheZ*2/5 && zz < nicheZ*3/5 && vv > nicheY*55/100 {
					return hex(0xd8d0b8) // a skull
				}
				return hex(0x0e0a0c)
			}
		case surfBack:
			// The passage on into the dark.
			if abs(u) < arch && v > -b.ceilH*30/100 {
				if dy := v + b.ceilH*30/100 - arch; dy < 0 && u*u+dy*dy > arch*arch {
					break
				}
				return hex(0x080608)
			}
		}
		return s.stoneAt(b, surf, u, v, z, stone, floor)
	})
	s.sarcophagus(rm, b, sz, sw, sh)
	s.cobwebs()
	if s.pl.torches {
		for _, sx := range []int{-1, 1} {
			x, y := b.px(sx*arch*17/10, -b.ceilH*5/100, b.zb)
			s.torch(x, y, h*256/b.zb*90/100)
		}
		s.mark("torches")
	}
	for i, c := range candles {
		if i < 2 {
			s.candle(c[0], c[1], c[2], 7)
		} else {
			s.candles(c[0], c[1], c[2])
		}
	}
	if r.chance(50) {
		s.mark("bones")
		bone := s.lit(hex(0xd8d0b8), 120, 40, 0, 0)
		x, y := b.px(b.wallX*40/100, b.camH, 340)
		for i := range max(3, h/20) {
			s.put(x+i, y-1-i%2, bone, 6)
		}
	}
	s.mark("niches", "skulls", "sarcophagus", "candles", "archway", "cobwebs")
}

// sarcophagus draws a stone coffin at depth z on the floor's midline: a lid, a carved
// front and the top receding to its far end.
func (s *scene) sarcophagus(rm *lighting, b vista, z, half, height int) {
	stone := hex(0x8a847a)
	zFar := z + 220
	x0, yt := b.px(-half, b.camH-height, z)
	x1, yb := b.px(half, b.camH, z)
	fx0, fyt := b.px(-half, b.camH-height, zFar)
	fx1, _ := b.px(half, b.camH-height, zFar)
	// The lid's top, a trapezoid from the near edge to the far one.
	for y := fyt; y < yt; y++ {
		t := (y - fyt) * 256 / max(1, yt-fyt)
		l, rr := fx0+(x0-fx0)*t/256, fx1+(x1-fx1)*t/256
		for x := l; x <= rr; x++ {
			s.put(x, y, s.lit(scale(stone, 290), rm.at(x, y), rm.warm, x, y), 5)
		}
	}
	lidH := max(1, (yb-yt)/5)
	for y := yt; y < yb; y++ {
		for x := x0; x <= x1; x++ {
			c := stone
			switch {
			case y < yt+lidH:
				c = scale(stone, 250)
			case y == yt+lidH:
				c = scale(stone, 150)
			case (x-x0)%max(3, (x1-x0)/4) == 0:
				c = scale(stone, 180) // carved panels
			}
			s.put(x, y, s.lit(c, rm.at(x, y), rm.warm, x, y), 5)
		}
	}
}

// cobwebs hangs webs in the top corners: threads fanning out from the corner, crossed
// by rings that sag towards it between the threads.
func (s *scene) cobwebs() {
	web := s.grade(hex(0xa8a4a8))
	size := s.h * 22 / 100
	// Directions from the corner, ×256: along the ceiling, three between, down the wall.
	dirs := [][2]int{{256, 0}, {236, 98}, {181, 181}, {98, 236}, {0, 256}}
	for _, corner := range []int{0, s.w - 1} {
		sx := 1
		if corner > 0 {
			sx = -1
		}
		for _, d := range dirs[1:4] {
			for i := range size {
				s.put(corner+sx*i*d[0]/256, i*d[1]/256, web, 8)
			}
		}
		for ring := size / 3; ring < size; ring += max(2, size/3) {
			for k := 0; k+1 < len(dirs); k++ {
				ax, ay := ring*dirs[k][0]/256, ring*dirs[k][1]/256
				bx, by := ring*dirs[k+1][0]/256, ring*dirs[k+1][1]/256
				n := max(1, max(abs(bx-ax), abs(by-ay)))
				for t := 0; t <= n; t++ {
					sag := 256 - t*(n-t)*90/max(1, n*n) // pulled a little towards the corner
					x, y := (ax+(bx-ax)*t/n)*sag/256, (ay+(by-ay)*t/n)*sag/256
					s.put(corner+sx*x, y, web, 8)
				}
			}
		}
	}
}

// candles stands a cluster of two or three candles of different heights on a floor.
func (s *scene) candles(x, base, size int) {
	s.candle(x, base, size, 7)
	s.candle(x+max(2, size/2+1), base, max(2, size*2/3), 7)
	if size >= 4 {
		s.candle(x-max(2, size/2+1), base, max(2, size*3/4), 7)
	}
}
