package pixelart

// What the rooms share: point lights, lit surfaces, plank floors, beamed ceilings,
// candles and windows.

// pointLight is a flame or a window lighting a room: its position, how far its light
// reaches and how strong it is (0..256).
type pointLight struct{ x, y, reach, power int }

// roomAmbient is the light every corner of a room gets, from all its lights together.
const roomAmbient = 70

// lightLevel is the light at (x, y), 0..256: the strongest light's falloff (bright near
// the flame, easing out to nothing at its reach) over the room's ambient light.
func lightLevel(ls []pointLight, x, y int) int {
	best := roomAmbient
	for _, l := range ls {
		dx, dy := x-l.x, (y-l.y)*5/4
		d := isqrt(dx*dx + dy*dy)
		if d >= l.reach {
			continue
		}
		f := (l.reach - d) * 256 / l.reach
		f = f * (512 - f) / 256 // ease out: a broad pool of light, not a spot
		best = max(best, roomAmbient+f*l.power/256*(256-roomAmbient)/256)
	}
	return min(best, 256)
}

// Warm light and the darkness it fades into.
var (
	flameLight = hex(0xffb45a)
	roomDark   = hex(0x150c10)
)

// lit returns surface colour c at light level v (0..256): from a deep warm shadow to
// the colour itself brightened a little and leaning towards the light's colour.
// warm is how far the lit side leans (0..256). The level is stepped first, so a room
// has few distinct lit colours, and each is graded once (see litKey).
func (s *scene) lit(c rgb, v, warm, x, y int) rgb {
	k := litKey{c, s.step(clamp(v, 0, 256), 256, x, y), warm}
	if out, ok := s.litCache[k]; ok {
		return out
	}
	dark := mix(scale(c, 90), roomDark, 110)
	bright := mix(scale(c, 290), flameLight, warm)
	m := mix(dark, bright, k.level)
	// Firelight keeps some of its warmth whatever the world's grading, the more the
	// brighter the surface, as flames do (see shine).
	out := mix(s.grade(m), s.lk.finish(m), k.level*80/256)
	if s.litCache == nil {
		s.litCache = make(map[litKey]rgb, 256)
	}
	s.litCache[k] = out
	return out
}

// litKey is a lit colour's inputs once its light level is stepped.
type litKey struct {
	c           rgb
	level, warm int
}

// lighting is an interior being laid out: its lights and the light level at any point.
// All lights are added before the first at: the level of every pixel is worked out
// once, then.
type lighting struct {
	s      *scene
	lights []pointLight
	warm   int
	field  []int
}

// at is the light level at (x, y), 0..256 (see lightLevel).
func (rm *lighting) at(x, y int) int {
	s := rm.s
	if x < 0 || y < 0 || x >= s.w || y >= s.h {
		return lightLevel(rm.lights, x, y)
	}
	if rm.field == nil {
		rm.field = make([]int, s.w*s.h)
		for yy := range s.h {
			for xx := range s.w {
				rm.field[yy*s.w+xx] = lightLevel(rm.lights, xx, yy)
			}
		}
	}
	return rm.field[y*s.w+x]
}

// paint is rm.s.lit at the room's light.
func (rm *lighting) paint(c rgb, x, y int) rgb { return rm.s.lit(c, rm.at(x, y), rm.warm, x, y) }

// rect fills a rectangle with c lit by the room; the right edge a shade darker as if
// it turned away from the viewer.
func (rm *lighting) rect(x0, y0, x1, y1 int, c rgb, id uint8) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			rm.s.put(x, y, rm.paint(c, x, y), id)
		}
	}
}

// planks floors the room from top down to the bottom edge with boards that recede to
// the vanishing point (vx, vy), each its own shade, with staggered end joints.
func (rm *lighting) planks(top, vx, vy int, wood rgb, id uint8) {
	s := rm.s
	h := s.h
	span := h - vy
	pw := max(4, h*9/100) // a board's width where the floor meets the bottom edge
	seam := scale(wood, 120)
	for y := top; y < h; y++ {
		d := max(1, y-vy)
		// Depth in 1/64ths of the bottom edge's: a board's end joint falls where it
		// passes a multiple of the board's length between this row and the one above.
		z, zUp := span*64/d, span*64/max(1, d-1)
		for x := range s.w {
			u := (x - vx) * span / d
			board := floorDiv(u, pw)
			hv := hash2(s.seed^0x71a7, board, 0)
			c := mix(wood, scale(wood, 200+int(hv%90)), 200)
			// The seam between boards, one native pixel wide whatever the depth.
			if (u-board*pw)*d/span == 0 {
				c = seam
			}
			// An end joint where this board's staggered length runs out.
			l, off := 96+int(hv%64), int(hv>>8%256)
			if (z+off)/l != (zUp+off)/l && y > top {
				c = seam
			}
			s.put(x, y, rm.paint(c, x, y), id)
		}
	}
}

// floorDiv is ⌊a/b⌋ for b > 0, also for negative a.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// beamedCeiling draws a timber ceiling above row bottom: boards with joists running
// back towards the vanishing point and a heavy cross beam along its foot.
func (rm *lighting) beamedCeiling(bottom, beamH, vx, vy int, id uint8) {
	s := rm.s
	boards, joist := hex(0x3e2a1c), hex(0x5a3c24)
	jw := max(2, s.h*5/100)
	for y := range bottom {
		// Joists sit at fixed world positions, so they spread apart nearer the viewer.
		d := max(1, vy-y)
		for x := range s.w {
			u := (x - vx) * (vy - bottom) / d
			c := boards
			if m := floorDiv(u+jw*4, jw*5); u+jw*4-m*jw*5 < jw {
				c = joist
				if u+jw*4-m*jw*5 == 0 {
					c = scale(joist, 320)
				}
			} else if y%max(2, s.h/30) == 0 {
				c = scale(boards, 200)
			}
			s.put(x, y, rm.paint(c, x, y), id)
		}
	}
	for y := bottom; y < bottom+beamH; y++ {
		for x := range s.w {
			c := joist
			switch {
			case y == bottom:
				c = scale(joist, 170)
			case y == bottom+beamH-1:
				c = scale(joist, 330) // the underside catches the light from below
			}
			s.put(x, y, rm.paint(c, x, y), id)
		}
	}
	s.mark("beams")
}

// candle draws a candle standing on base at x: a wax stick and a flame with a soft
// halo. The halo blends into what is already drawn, so candles go last.
func (s *scene) candle(x, base, size int, id uint8) {
	stick := max(2, size)
	wax, waxShade := s.shine(hex(0xf0e6c8)), s.shine(hex(0xc8b48c))
	for y := base - stick; y < base; y++ {
		s.put(x, y, wax, id)
		if size >= 5 {
			s.put(x+1, y, waxShade, id)
		}
	}
	s.flameHalo(x, base-stick-1, max(3, size*3/2))
	core, tip := s.shine(hex(0xfff4c0)), s.shine(hex(0xffa030))
	s.put(x, base-stick-1, core, id)
	s.put(x, base-stick-2, tip, id)
	if size >= 5 {
		s.put(x, base-stick-3, tip, id)
	}
}

// haloRings are how strongly a halo tints its outer, middle and inner thirds (and the
// very centre): clean rings, since a halo dithered from pixel to pixel reads as noise.
var haloRings = [4]int{0, 36, 72, 110}

// flameHalo brightens a disc round a flame towards the flame's colour, in rings.
func (s *scene) flameHalo(cx, cy, r int) {
	glow := s.shine(flameLight)
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if x < 0 || y < 0 || x >= s.w || y >= s.h {
				continue
			}
			d := isqrt((x-cx)*(x-cx) + (y-cy)*(y-cy))
			if d > r {
				continue
			}
			i := y*s.w + x
			s.c.px[i] = mix(s.c.px[i], glow, haloRings[clamp((r-d)*3/max(1, r), 0, 3)])
		}
	}
}

// window draws a mullioned window in a wall, showing the sky at the time of day and,
// through the glass, the plan's rain or snow.
func (s *scene) window(x0, y0, ww, wh int, frame rgb, id uint8) {
	sk := weatherSky(skies[s.tod], s.pl, s.tod)
	top, bottom := s.grade(sk.mid), s.grade(sk.horizon)
	streak := s.grade(mix(sk.horizon, hex(0xffffff), 140))
	flake := s.grade(hex(0xf4f8ff))
	fw := max(1, ww/10)
	for y := y0; y < y0+wh; y++ {
		for x := x0; x < x0+ww; x++ {
			dx, dy := x-x0, y-y0
			mullion := dx >= ww/2-fw/2 && dx < ww/2-fw/2+fw
			transom := dy >= wh*45/100 && dy < wh*45/100+fw
			if dx < fw || dx >= ww-fw || dy < fw || dy >= wh-fw || mullion || transom {
				s.put(x, y, frame, id)
				continue
			}
			c := s.ramp(top, bottom, dy, wh, x, y)
			hv := hash2(s.seed^0x3d, x, y)
			switch {
			case s.pl.rain && (x+y/3)%3 == 0 && hv%3 != 0:
				c = mix(c, streak, 120)
			case s.pl.snow && hv%7 == 0:
				c = flake
			case s.tod == night && hv%23 == 0:
				c = s.grade(hex(0xfff8e0))
			}
			s.put(x, y, c, id)
		}
	}
	if s.pl.rain || s.pl.snow {
		s.weatherShown = true
	}
	s.mark("window")
}

// bottle draws a bottle of height bh standing on base: a body, a neck and a glint.
func (rm *lighting) bottle(x, base, bh int, glass rgb, id uint8) {
	s := rm.s
	bw := max(2, bh/3)
	for y := base - bh; y < base; y++ {
		neck := y < base-bh*55/100
		for dx := range bw {
			if neck && dx != bw/2 {
				continue
			}
			c := rm.paint(glass, x+dx, y)
			if dx == 0 && !neck && y < base-1 {
				c = s.shine(mix(glass, hex(0xffffff), 150))
			}
			s.put(x+dx, y, c, id)
		}
	}
}
