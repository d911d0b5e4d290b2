package pixelart

import (
	"image"
	"image/color"
)

// canvas is a picture at its native, low resolution.
type canvas struct {
	w, h int
	px   []rgb
}

func newCanvas(w, h int) *canvas { return &canvas{w: w, h: h, px: make([]rgb, w*h)} }

func (c *canvas) at(x, y int) rgb {
	return c.px[clamp(y, 0, c.h-1)*c.w+clamp(x, 0, c.w-1)]
}

func (c *canvas) set(x, y int, v rgb) {
	if x >= 0 && y >= 0 && x < c.w && y < c.h {
		c.px[y*c.w+x] = v
	}
}

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
		p := &canvas{w: c.w, h: c.h, px: c.px}
		return upscaleRGBA(p, w, h, k, ox, oy, f)
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
// never depend on map iteration order) and indexes every pixel. ok is false past 256.
func paletteOf(c *canvas) (color.Palette, []uint8, bool) {
	seen := make(map[rgb]uint8, 64)
	var pal color.Palette
	idx := make([]uint8, len(c.px))
	for i, p := range c.px {
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
			var p rgb
			if f == nearest {
				p = c.px[((y+oy)/k)*c.w+(x+ox)/k]
			} else {
				nx, ny := ditherPick(x, y, ox, oy, k, c.w, c.h)
				p = c.px[ny*c.w+nx]
			}
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = p.r, p.g, p.b, 0xff
		}
	}
	return img
}

func upscaleBilinear(c *canvas, w, h, k, ox, oy int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
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
