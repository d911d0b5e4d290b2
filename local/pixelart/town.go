package pixelart

// The town: houses with lit windows on a cobbled street, or a neon skyline.

func (s *scene) town() {
	h := s.h
	r := derive(s.seed, "town")
	far := s.heights("far", h*58/100, h*16/100, h*45/100, 4, false)
	if s.pl.mountains {
		s.backdropMountains()
	}
	s.hill(far, 2, s.rockOf(s.snowy(hex(0x5a7a80), 180), 140), h/30, false)
	if s.pl.forest {
		dark, lit, trunk := s.land(hex(0x24503a), 110), s.land(hex(0x3a7050), 110), s.land(hex(0x3a2a22), 110)
		for x := 0; x < s.w; x += max(2, h/30) + r.Intn(max(1, h/25)) {
			s.pine(x, far[x]+h/40+2, h*r.between(7, 11)/100, dark, lit, trunk, 2)
		}
		s.mark("trees")
	}
	if s.pl.neon || s.kw.any("skyline", "skyscraper", "skyscrapers", "megacity", "metropolis", "arcology") {
		s.skyline(r)
		s.mark("skyline", "towers", "signs", "neon")
		return
	}
	if s.pl.castle || r.chance(40) {
		cx := s.w * r.between(25, 75) / 100
		s.castle(cx, far[clamp(cx, 0, s.w-1)]+h/30, h*22/100, 110)
		s.mark("castle")
	}
	// A hazy row of roofs behind, then the street's houses.
	for x := -h / 10; x < s.w; {
		wd := h * r.between(10, 18) / 100
		s.house(x, wd, h*r.between(8, 14)/100, h*r.between(5, 8)/100, h*80/100, r, 90, 3, false)
		x += wd + r.Intn(max(1, h/20))
	}
	street := h * 90 / 100
	for x := -h / 20; x < s.w; {
		wd := h * r.between(15, 24) / 100
		s.house(x, wd, h*r.between(14, 22)/100, h*r.between(7, 11)/100, street, r, 0, 4, true)
		x += wd + r.Intn(max(1, h/30))
	}
	// Cobbles.
	stone, mortar := s.land(s.snowy(hex(0x8a8078), 220), 0), s.land(s.snowy(hex(0x4a4440), 150), 0)
	cobbles := make([]int, s.w)
	for x := range cobbles {
		cobbles[x] = street
	}
	s.groundTop, s.groundID = cobbles, 5
	s.mark("houses", "cobbles")
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
		for x := s.w / 6; x < s.w; x += s.w/3 + r.Intn(max(1, s.w/6)) {
			s.lamp(x, street+h/30, h*14/100)
		}
		s.mark("lamps")
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
	lit := s.shine(s.tn.glow)
	litCore := s.shine(mix(s.tn.glow, hex(0xffffff), 90))
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
	win := s.shine(s.tn.glow)
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
	light := s.shine(s.tn.glow)
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
	neon := []rgb{s.shine(hex(0x4ff4ff)), s.shine(hex(0xff4fd0)), s.shine(hex(0xffd04f))}
	for row := range 3 {
		haze := []int{150, 80, 0}[row]
		body := s.land([]rgb{hex(0x3a3a6a), hex(0x2a2a4a), hex(0x1a1a2e)}[row], haze)
		edge := s.land([]rgb{hex(0x5a5a8a), hex(0x3e3e66), hex(0x2e2e48)}[row], haze)
		base := h * []int{70, 82, 100}[row] / 100
		for x := -h / 20; x < s.w; {
			bw := max(1, h*r.between(6, 14)/100) // never 0, or a tiny picture never ends
			bh := h * r.between(18, 50) / 100 * (3 + row) / 4
			top := base - bh
			sign := r.chance(25) && row > 0
			sc := neon[r.Intn(3)]
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
			x += bw + r.Intn(max(1, h/30))
		}
	}
}
