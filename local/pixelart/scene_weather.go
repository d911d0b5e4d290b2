package pixelart

// Weather: an overcast sky, and rain, snow and fog laid over a finished exterior.

// weatherSky greys a time of day's sky for the plan's weather: a dark overcast for rain,
// a pale one for snow, a milky horizon for fog.
func weatherSky(sk sky, pl plan, tod timeOfDay) sky {
	dim := func(c rgb) rgb { // the same grey at the time of day's brightness
		return scale(c, []int{day: 256, dawn: 210, dusk: 170, night: 70}[tod])
	}
	switch {
	case pl.rain:
		g := dim(hex(0x7a8494))
		sk.zenith, sk.mid, sk.horizon = mix(sk.zenith, scale(g, 190), 200), mix(sk.mid, g, 200), mix(sk.horizon, dim(hex(0x9aa4b0)), 180)
		sk.cloud, sk.cloudShade = mix(sk.cloud, scale(g, 200), 200), mix(sk.cloudShade, scale(g, 130), 200)
		sk.ambient, sk.ambientAmt = mix(sk.ambient, hex(0x3a4660), 160), sk.ambientAmt+40
		sk.bright = sk.bright * 220 / 256
	case pl.snow:
		g := dim(hex(0xc8d0dc))
		sk.zenith, sk.mid, sk.horizon = mix(sk.zenith, scale(g, 200), 130), mix(sk.mid, g, 150), mix(sk.horizon, g, 170)
		sk.cloud, sk.cloudShade = mix(sk.cloud, g, 160), mix(sk.cloudShade, scale(g, 180), 160)
		sk.ambient, sk.ambientAmt = mix(sk.ambient, hex(0xb0c0e0), 120), sk.ambientAmt+20
	}
	if pl.fog {
		g := dim(hex(0xd4d8dc))
		sk.zenith, sk.mid, sk.horizon = mix(sk.zenith, g, 90), mix(sk.mid, g, 130), mix(sk.horizon, g, 170)
		sk.cloud, sk.cloudShade = mix(sk.cloud, g, 120), mix(sk.cloudShade, g, 120)
	}
	return sk
}

// weather lays the plan's weather over the finished exterior.
func (s *scene) weather() {
	if s.pl.snow {
		s.snowCover()
	}
	if s.pl.fog {
		s.fogBanks()
	}
	switch {
	case s.pl.rain:
		s.puddles()
		s.rainStreaks()
	case s.pl.snow:
		s.snowflakes()
	}
	s.weatherShown = s.pl.rain || s.pl.snow || s.pl.fog
}

// dstep quantises t in [0, span] to levels+1 steps by ordered dithering over the whole
// step (not only near its edges, as step does), so the mean over any row changes as
// smoothly as t does: fog and haze dithered this way can never show a horizontal seam.
// The Bayer row used moves down one every eight columns: one Bayer row's thresholds
// are not spread evenly (row 0's are all in its lower two thirds), so with the plain
// matrix alternate rows of a gradient would dither up or down as a block and stripe it;
// shifted, every row of 64 pixels meets all 64 thresholds. The smooth look gets t itself.
func (s *scene) dstep(t, span, levels, x, y int) int {
	t = clamp(t, 0, span)
	if s.lk.bands == 0 {
		return t
	}
	pos := t * levels * 256 / max(span, 1)
	q := pos >> 8
	if pos&255 > dither8(x, y+x/8) {
		q++
	}
	return q * span / levels
}

// fogBump is a soft hump: one at d = 0, falling along a smoothstep to zero at |d| = half,
// with zero slope at both ends so a band made of it has no edge.
func fogBump(d, half int) int {
	d = abs(d)
	if d >= half || half <= 0 {
		return 0
	}
	return smooth(one - d*one/half)
}

// fogBanks lays soft banks of fog over the picture: three wavy horizontal banks round
// the horizon, each a smooth hump in height whose thickness and level drift with 1-D
// noise along the picture, over a haze that thickens towards the horizon and thins
// nearer the viewer. Far layers take more fog than near ones.
func (s *scene) fogBanks() {
	fog := s.grade(mix(s.sky.horizon, hex(0xe8ecf0), []int{day: 120, dawn: 90, dusk: 70, night: 30}[s.tod]))
	most := 220
	if s.tod == night {
		// Moonlit fog: paler than the night sky, and thinner, so the silhouettes in it
		// still read.
		fog, most = s.grade(mix(s.sky.horizon, hex(0x8a9ac8), 110)), 170
	}
	h := s.h
	type bank struct {
		centre, half, amt int
		seed              uint64
	}
	banks := []bank{
		{s.hor - h*20/100, h * 12 / 100, 120, 0},
		{s.hor - h*3/100, h * 11 / 100, 170, 0},
		{s.hor + h*14/100, h * 13 / 100, 130, 0},
	}
	for i := range banks {
		banks[i].seed = derive(s.seed, "fogbank"+string(rune('0'+i))).Uint64()
	}
	period := max(8, s.w/3)
	for x := range s.w {
		// Each bank's level and thickness at this column.
		var centre, thick [3]int
		for i, b := range banks {
			n := fbm(b.seed, x*one/period, 3)
			centre[i] = b.centre + (n-one/2)*h/(6*one)
			thick[i] = b.amt * (150 + fbm(b.seed^0xf06, x*one/period+one*7, 2)*106/one) / 256
		}
		for y := range h {
			i := y*s.w + x
			// The base haze: thickest at the horizon, fading up the sky and towards the
			// bottom edge.
			amt := 70 * fogBump(y-s.hor, max(1, s.hor)) / one
			if y > s.hor {
				amt = 70 * fogBump(y-s.hor, max(1, (h-s.hor)*3/2)) / one
			}
			for b := range banks {
				v := thick[b] * fogBump(y-centre[b], banks[b].half) / one
				amt += v * (256 - amt) / 256
			}
			// Far layers sink deeper into the fog (so a far treeline or ridge fades into
			// the sky instead of edging it); nearer ones stand in front of most of it.
			switch d := int(s.depth[i]); {
			case d >= 2 && d <= 4:
				amt += (5 - d) * 30 * (256 - amt) / 256
			case d >= 5:
				amt = amt * max(90, 256-(d-4)*50) / 256
			}
			amt = min(amt, most)
			s.c.px[i] = mix(s.c.px[i], fog, s.dstep(amt, 256, 5, x, y))
		}
	}
}

// rainStreaks draws slanting streaks of rain, faint and short far off, longer near.
func (s *scene) rainStreaks() {
	far := s.grade(mix(s.sky.horizon, hex(0xa8b4c8), 90))
	near := s.grade(mix(s.sky.horizon, hex(0xd4deec), 140))
	n := s.w * s.h / 60
	for i := range n {
		hv := hash2(s.seed^0x4a1, i, 0)
		x0, y0 := int(hv%uint64(s.w+s.h/4)), int((hv>>20)%uint64(s.h))
		long := (hv>>40)%4 == 0
		// Solid streaks in two colours, not see-through ones: blending every colour
		// the rain crosses would overflow a pixel-art palette.
		l, c := max(2, s.h/24), far
		if long {
			l, c = max(3, s.h/12), near
		}
		for j := range l {
			x, y := x0-j/3, y0+j
			if x >= 0 && y < s.h && x < s.w {
				s.c.px[y*s.w+x] = c
			}
		}
	}
}

// puddles pools rain on the scene's open ground: flat ellipses that mirror the sky and
// whatever stands above the horizon, broken by ripple rings.
func (s *scene) puddles() {
	if s.groundTop == nil {
		return
	}
	r := derive(s.seed, "puddles")
	dark := s.grade(hex(0x1a2030))
	ring := s.grade(mix(s.sky.horizon, hex(0xffffff), 120))
	drawn := false
	for range r.between(3, 5) + s.w/max(1, s.h) {
		cx := r.Intn(s.w)
		top := s.groundTop[cx]
		if top >= s.h-2 {
			continue
		}
		cy := r.between(top+(s.h-top)/4, s.h-2)
		// Nearer puddles are bigger, as ground recedes.
		rx := max(2, (s.w/12)*(cy-s.hor)/max(1, s.h-s.hor))
		ry := max(1, rx/5)
		for y := cy - ry; y <= cy+ry; y++ {
			for x := cx - rx; x <= cx+rx; x++ {
				dx, dy := (x-cx)*one/rx, (y-cy)*one/ry
				if int64(dx)*int64(dx)+int64(dy)*int64(dy) > int64(one)*int64(one) || x < 0 || x >= s.w || y < 0 || y >= s.h {
					continue
				}
				if y < s.groundTop[x] || s.depth[y*s.w+x] != s.groundID {
					continue
				}
				// The mirror image: the picture reflected about the horizon, rippled.
				my := clamp(2*s.hor-y+sine(x*2+y*5)/32, 0, s.h-1)
				c := mix(s.c.px[my*s.w+x], dark, 70)
				if hash2(s.seed^0x9d, x, y)%9 == 0 {
					c = ring
				}
				s.c.px[y*s.w+x] = c
				drawn = true
			}
		}
	}
	if drawn {
		s.mark("puddles")
	}
}

// snowCover lays snow on every surface open to the sky: a few rows on top of every
// silhouette, roof and tree that has something farther above it, except water.
func (s *scene) snowCover() {
	lit, shade := s.grade(hex(0xf4f8ff)), s.grade(hex(0xbac8e0))
	if s.tod == night {
		lit, shade = s.grade(hex(0x9aa8cc)), s.grade(hex(0x6a78a0))
	} else if s.tod != day {
		lit, shade = s.grade(mix(hex(0xf4f8ff), s.sky.horizon, 70)), s.grade(mix(hex(0xbac8e0), s.sky.ambient, 60))
	}
	rows := max(1, s.h/60)
	for x := range s.w {
		for y := 1; y < s.h; y++ {
			i := y*s.w + x
			d := s.depth[i]
			if d < 2 || d == s.water || s.depth[i-s.w] >= d {
				continue
			}
			for k := 0; k < rows+int(hash2(s.seed, x, 77)%2) && y+k < s.h; k++ {
				j := (y+k)*s.w + x
				if s.depth[j] != d {
					break
				}
				c := lit
				if k == rows {
					c = shade
				}
				s.c.px[j] = c
			}
		}
	}
}

// snowflakes scatters falling flakes: single pixels far off, 2×2 flakes near.
func (s *scene) snowflakes() {
	c := s.grade(hex(0xffffff))
	dim := s.grade(mix(hex(0xffffff), s.sky.horizon, 110))
	per := 90
	if s.pl.heavySnow {
		per = 40
	}
	for y := range s.h {
		for x := range s.w {
			hv := hash2(s.seed^0x5a0, x, y)
			if hv%uint64(per) != 0 {
				continue
			}
			if (hv>>32)%3 == 0 && y > s.h/3 {
				for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					if x+d[0] < s.w && y+d[1] < s.h {
						s.c.px[(y+d[1])*s.w+x+d[0]] = c
					}
				}
				continue
			}
			s.c.px[y*s.w+x] = dim
		}
	}
}
