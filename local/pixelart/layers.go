package pixelart

// Layers and props the scenes share: filled silhouettes, hills, trees and grass.

// The six scenes and the rolling-plains default: each a stack of layers from far to near
// on top of the sky, with its own props.

// fill paints a layer from its silhouette line down to the bottom of the picture.
func (s *scene) fill(tops []int, id uint8, fn func(x, y, top int) rgb) {
	for x := range s.w {
		for y := max(tops[x], 0); y < s.h; y++ {
			s.put(x, y, fn(x, y, tops[x]), id)
		}
	}
}

// horizonHaze fades layer id into the horizon's colour over rows rows below row top:
// fully hazed at top, clear at top+rows, ordered-dithered in between so the row means
// change smoothly and the line where the layer meets the sky stops being a seam.
func (s *scene) horizonHaze(id uint8, top, rows int) {
	hz := s.grade(s.sky.horizon)
	for y := max(0, top-1); y < min(s.h, top+rows); y++ {
		amt := 220 * (top + rows - y) / max(1, rows)
		for x := range s.w {
			if i := y*s.w + x; s.depth[i] == id {
				s.c.px[i] = mix(s.c.px[i], hz, s.dstep(amt, 256, 4, x, y))
			}
		}
	}
}

// rock is a lit/shadowed pair of colours with a fog colour the layer fades into lower
// down, all finished for the picture.
type rock struct{ lit, mid, shade, fog rgb }

func (s *scene) rockOf(c rgb, haze int) rock {
	return rock{
		lit:   s.land(mix(c, hex(0xfff0d0), 40), haze),
		mid:   s.land(mix(scale(c, 220), hex(0x2a2050), 20), haze),
		shade: s.land(mix(scale(c, 170), hex(0x2a2050), 50), haze),
		fog:   s.land(c, min(256, haze+110)),
	}
}

// hill fills a rolling silhouette: a lit rim, lit and shaded slopes just under the
// outline, and the body below in its middle colour, darkening with depth. Slope shading
// all the way down suits crags, not soft hills and dunes.
func (s *scene) hill(tops []int, id uint8, rk rock, capRows int, ripple bool) {
	lit := shading(tops, s.h/30+1)
	deep := mix(rk.mid, rk.shade, 128)
	if !ripple {
		// Grassy hills shade softly: their far slopes are only a step darker.
		rk.shade = mix(rk.mid, rk.shade, 100)
	}
	s.fill(tops, id, func(x, y, top int) rgb {
		d := y - top
		switch {
		case d == 0:
			return rk.lit
		case d < capRows+int(hash2(s.seed, x, int(id))%2):
			if litAt(lit, x, d) {
				if ripple && d%4 == 3 && (x+y)%5 != 0 {
					return rk.mid
				}
				return rk.lit
			}
			return rk.shade
		}
		return s.ramp(rk.mid, deep, d-capRows, s.h/4, x, y)
	})
}

// layer fills a silhouette with slope-lit colours, fading into fog towards the bottom
// over fogRows rows (0 for no fog).
func (s *scene) layer(tops []int, id uint8, rk rock, fogRows int) {
	lit := shading(tops, s.h/40+1)
	s.fill(tops, id, func(x, y, top int) rgb {
		c := rk.shade
		if litAt(lit, x, y-top) {
			c = rk.lit
		}
		if fogRows > 0 {
			c = s.ramp(c, rk.fog, y-top, fogRows, x, y)
		}
		return c
	})
}

// pine draws a fir: stacked triangular tiers over a short trunk, with a lit left edge.
func (s *scene) pine(x0, base, height int, dark, lit, trunk rgb, id uint8) {
	height = max(height, 4)
	tiers := clamp(2+height/10, 2, 5)
	trunkH := max(1, height/8)
	crownH := height - trunkH
	for y := range crownH {
		t := y * tiers * 256 / crownH
		tier, frac := t>>8, t&255
		full := max(1, (height/4+1)*(tier+2)/(tiers+1))
		hw := full * (70 + frac*186/256) / 256
		yy := base - height + y
		for dx := -hw; dx <= hw; dx++ {
			c := dark
			if dx <= -hw+hw/3 && hw >= 2 && dx < 0 {
				c = lit
			}
			s.put(x0+dx, yy, c, id)
		}
	}
	for y := base - trunkH; y < base; y++ {
		s.put(x0, y, trunk, id)
		if height > 24 {
			s.put(x0+1, y, trunk, id)
		}
	}
}

// roundTree draws a broadleaf tree: a trunk under a round canopy lit on its upper left.
func (s *scene) roundTree(x0, base, size int, dark, mid, lit, trunk rgb, id uint8) {
	size = max(size, 4)
	rr := size * 2 / 5
	cy := base - size + rr
	for y := cy; y < base; y++ {
		s.put(x0, y, trunk, id)
		if size > 16 {
			s.put(x0+1, y, trunk, id)
		}
	}
	for y := -rr; y <= rr; y++ {
		for x := -rr - rr/4; x <= rr+rr/4; x++ {
			xx := x * 4 / 5
			if xx*xx+y*y > rr*rr {
				continue
			}
			c := mid
			switch {
			case x+y < -rr*2/3:
				c = lit
			case x+y > rr/2 || y > rr*2/3:
				c = dark
			}
			s.put(x0+x, cy+y, c, id)
		}
	}
}

// grass fills a near layer with grass, tufts and (by day) a few flowers; under snow it
// is a white field with blue hollows. It becomes the scene's open ground, where rain
// puddles.
func (s *scene) grass(tops []int, id uint8, c rgb) {
	s.groundTop, s.groundID = tops, id
	flowerOK := s.tod != night && !s.pl.snow
	if s.pl.snow {
		c = mix(c, hex(0xe8eef8), 220)
	}
	base, lit, dark := s.land(c, 0), s.land(mix(c, hex(0xd0e080), 60), 0), s.land(scale(c, 170), 0)
	if s.pl.snow {
		lit, dark = s.land(hex(0xffffff), 0), s.land(hex(0xa8b8d8), 0)
	}
	flowers := []rgb{s.land(hex(0xf0e060), 0), s.land(hex(0xf08080), 0), s.land(hex(0xf4f4f4), 0), s.land(hex(0xb080e0), 0)}
	s.fill(tops, id, func(x, y, top int) rgb {
		hv := hash2(s.seed^0x9a55, x, y)
		switch {
		case y == top || y == top+1 && hv%3 == 0:
			return lit
		case hv%29 == 0:
			return dark
		case hv%37 == 0 && s.tod != night:
			return lit
		case hv%211 == 0 && flowerOK && y > top+2:
			return flowers[(hv>>12)%4]
		}
		return s.ramp(base, dark, y-top, s.h/5, x, y)
	})
}

// snowy returns c whitened for a snowy scene (a field colour), or c itself.
func (s *scene) snowy(c rgb, amt int) rgb {
	if s.pl.snow {
		return mix(c, hex(0xe4ecf6), amt)
	}
	return c
}
