package pixelart

import (
	"image"
	"image/color"
)

// canvas is a picture at its native, low resolution.
type canvas struct {
	w, h int
	px   []rgb
	// alpha, when not nil, is each pixel's opacity (0 or 255): a transparent avatar
	// starts all 0 and set makes what it paints opaque. A nil alpha is all opaque.
	alpha []uint8
}

func newCanvas(w, h int) *canvas { return &canvas{w: w, h: h, px: make([]rgb, w*h)} }

func (c *canvas) at(x, y int) rgb {
	return c.px[clamp(y, 0, c.h-1)*c.w+clamp(x, 0, c.w-1)]
}

func (c *canvas) set(x, y int, v rgb) {
	if x >= 0 && y >= 0 && x < c.w && y < c.h {
		c.px[y*c.w+x] = v
		if c.alpha != nil {
			c.alpha[y*c.w+x] = 0xff
		}
	}
}

// opaque reports whether pixel i is opaque.
func (c *canvas) opaque(i int) bool { return c.alpha == nil || c.alpha[i] != 0 }

// filter is how a native canvas is enlarged.
type filter int

const (
	// nearest repeats each native pixel as a k×k block: crisp pixel art.
	nearest filter = iota
	// dithered picks, per output pixel, one of the four nearest native pixels by an
	// ordered-dither threshold on the bilinear weights: soft, brushy edges that still use
	// only the native colours.
	dithered
	// bilinear blends the four nearest native pixels: smooth, for the "realistic" look.
	bilinear
)

// fitScale returns the integer factor k and the native size that, enlarged k times, just
// covers w×h. The factor is chosen so the short side holds about grid native pixels, so
// an avatar's 64-pixel bust fills the short side of any frame; the long side gets extra
// backdrop instead of a stretched or cut-off face.
func fitScale(w, h, grid int) (k, nw, nh int) {
	k = max(1, min(w, h)/grid)
	return k, (w + k - 1) / k, (h + k - 1) / k
}

// upscale enlarges c by k with the filter and crops the centre to exactly w×h (the crop
// is always less than one native pixel). Pictures with at most 256 colours come back as
// *image.Paletted, which encodes to a much smaller PNG; the rest as *image.RGBA.
func upscale(c *canvas, w, h, k int, f filter) image.Image {
	ox, oy := (c.w*k-w)/2, (c.h*k-h)/2
	if f == bilinear {
		return upscaleBilinear(c, w, h, k, ox, oy)
	}
	pal, idx, ok := paletteOf(c)
	if !ok {
		// Too many colours for a palette: enlarge into RGBA with the same geometry.
		return upscaleRGBA(c, w, h, k, ox, oy, f)
	}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	if f == nearest {
		xmap := make([]int, w)
		for x := range xmap {
			xmap[x] = (x + ox) / k
		}
		prev := -1
		for y := range h {
			row := img.Pix[y*img.Stride : y*img.Stride+w]
			ny := (y + oy) / k
			if ny == prev {
				copy(row, img.Pix[(y-1)*img.Stride:(y-1)*img.Stride+w])
				continue
			}
			src := idx[ny*c.w : ny*c.w+c.w]
			for x, nx := range xmap {
				row[x] = src[nx]
			}
			prev = ny
		}
		return img
	}
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range w {
			nx, ny := ditherPick(x, y, ox, oy, k, c.w, c.h)
			row[x] = idx[ny*c.w+nx]
		}
	}
	return img
}

// ditherPick maps an output pixel to the native pixel the dithered filter shows there.
// Its thresholds are hashed per brush stroke, a short slanted dash about k/3 output
// pixels thick, rather than an ordered pattern: neighbouring colours interleave in
// strokes, which reads as paint rather than as a screen.
func ditherPick(x, y, ox, oy, k, w, h int) (int, int) {
	fx := ((x+ox)*256+128)/k - 128
	fy := ((y+oy)*256+128)/k - 128
	b := max(1, k/3)
	row := y / b
	stroke := hash2(0x9a17e5, (x+row*b/2)/(3*b), row)
	nx, ny := fx>>8, fy>>8
	if fx&255 > int(stroke&255) {
		nx++
	}
	if fy&255 > int(stroke>>8&255) {
		ny++
	}
	return clamp(nx, 0, w-1), clamp(ny, 0, h-1)
}

// paletteOf lists c's colours in order of first appearance (so the palette, and the PNG,
// never depend on map iteration order) and indexes every pixel. Transparent pixels share
// one fully transparent entry, which the PNG encoder writes as a tRNS chunk. ok is false
// past 256.
func paletteOf(c *canvas) (color.Palette, []uint8, bool) {
	seen := make(map[rgb]uint8, 64)
	var pal color.Palette
	idx := make([]uint8, len(c.px))
	clear := -1
	for i, p := range c.px {
		if !c.opaque(i) {
			if clear < 0 {
				if len(pal) == 256 {
					return nil, nil, false
				}
				clear = len(pal)
				pal = append(pal, color.RGBA{})
			}
			idx[i] = uint8(clear)
			continue
		}
		j, found := seen[p]
		if !found {
			if len(pal) == 256 {
				return nil, nil, false
			}
			j = uint8(len(pal))
			seen[p] = j
			pal = append(pal, p.rgba())
		}
		idx[i] = j
	}
	return pal, idx, true
}

func upscaleRGBA(c *canvas, w, h, k, ox, oy int, f filter) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			var i int
			if f == nearest {
				i = ((y+oy)/k)*c.w + (x+ox)/k
			} else {
				nx, ny := ditherPick(x, y, ox, oy, k, c.w, c.h)
				i = ny*c.w + nx
			}
			// A transparent pixel stays zero: premultiplied, it is no colour at all.
			if p := c.px[i]; c.opaque(i) {
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = p.r, p.g, p.b, 0xff
			}
		}
	}
	return img
}

func upscaleBilinear(c *canvas, w, h, k, ox, oy int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if c.alpha != nil {
		upscaleBilinearAlpha(c, img, w, h, k, ox, oy)
		return img
	}
	for y := range h {
		fy := ((y+oy)*256+128)/k - 128
		y0, ty := fy>>8, fy&255
		y1 := y0 + 1
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			fx := ((x+ox)*256+128)/k - 128
			x0, tx := fx>>8, fx&255
			p := mix(mix(c.at(x0, y0), c.at(x0+1, y0), tx), mix(c.at(x0, y1), c.at(x0+1, y1), tx), ty)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = p.r, p.g, p.b, 0xff
		}
	}
	return img
}

// upscaleBilinearAlpha is upscaleBilinear for a canvas with transparency: it blends
// premultiplied colour, so the figure's edge fades out instead of into a dark fringe.
func upscaleBilinearAlpha(c *canvas, img *image.RGBA, w, h, k, ox, oy int) {
	sample := func(x, y int) (r, g, b, a int) {
		x, y = clamp(x, 0, c.w-1), clamp(y, 0, c.h-1)
		i := y*c.w + x
		if !c.opaque(i) {
			return 0, 0, 0, 0
		}
		p := c.px[i]
		return int(p.r), int(p.g), int(p.b), 255
	}
	for y := range h {
		fy := ((y+oy)*256+128)/k - 128
		y0, ty := fy>>8, fy&255
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			fx := ((x+ox)*256+128)/k - 128
			x0, tx := fx>>8, fx&255
			var acc [4]int
			for _, s := range [4]struct{ dx, dy, wt int }{
				{0, 0, (256 - tx) * (256 - ty)}, {1, 0, tx * (256 - ty)}, {0, 1, (256 - tx) * ty}, {1, 1, tx * ty},
			} {
				r, g, b, a := sample(x0+s.dx, y0+s.dy)
				acc[0] += r * s.wt
				acc[1] += g * s.wt
				acc[2] += b * s.wt
				acc[3] += a * s.wt
			}
			// The weights sum to 65536, and transparent samples add no colour, so the
			// sums are already the premultiplied colour.
			a := acc[3] >> 16
			row[4*x+3] = uint8(a)
			for ch := range 3 {
				row[4*x+ch] = uint8(min(acc[ch]>>16, a))
			}
		}
	}
}
