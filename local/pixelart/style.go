package pixelart

import "github.com/troupe-ai/troupe/domain"

// look is how a style is rendered locally. Only pixel art is this engine's native style;
// the others are the closest honest renderings it can make without a model, and say so in
// ImageResult.Style (see Engine).
type look struct {
	// style is the normalised style asked for; reported is what ImageResult.Style says.
	style, reported string
	// avatarGrid is the native size of the avatar bust, in pixels (the design grid is 64).
	avatarGrid int
	// bgPixel is how many output pixels one native background pixel becomes, at least.
	bgPixel int
	// filter enlarges the native picture.
	filter filter
	// outline draws the 1-pixel dark outline around the figure; ink draws its inner
	// contours in the outline colour as well (anime) instead of as a darker shade.
	outline, ink bool
	// levels is how many shades of each ramp are used: 0 is continuous (smooth shading).
	levels int
	// dither is how far ordered dithering spreads shading and gradients, 0..256.
	dither int
	// bands is how many steps a sky gradient is posterised to; 0 is smooth.
	bands int
	// soften pulls every colour towards a warm paper tone, 0..256 (painterly).
	soften int
	// vivid adds to the tone's vividness (anime's saturated cels).
	vivid int
	// bigEyes draws the taller, glinting eyes of anime.
	bigEyes bool
}

// paper is the warm ground painterly colours lean towards.
var paper = hex(0xe8dcc0)

// lookFor returns the look for a style; anything unknown (or empty) is pixel art, the
// native style.
//
// The convention for ImageResult.Style: "pixel_art" when pixel art was rendered, and
// "<style> (local approximation)" for the others, e.g. "painterly (local approximation)",
// so a client can tell at a glance that no model painted it.
func lookFor(style string) look {
	switch style {
	case domain.StyleAnime:
		// Cel shading: flat base and shadow, a hard highlight, bold ink outlines, no
		// dithering, saturated colours.
		return look{style: style, reported: approximated(style), avatarGrid: 64, bgPixel: 3,
			filter: nearest, outline: true, ink: true, levels: 2, dither: 0, bands: 5, vivid: 1, bigEyes: true}
	case domain.StylePainterly:
		// Soft palette, no outline, heavy dithering and big dithered brush blocks.
		return look{style: style, reported: approximated(style), avatarGrid: 64, bgPixel: 6,
			filter: dithered, levels: 5, dither: 110, bands: 10, soften: 44}
	case domain.StyleRealistic:
		// Twice the native resolution, continuous shading and a smooth enlargement.
		return look{style: style, reported: approximated(style), avatarGrid: 128, bgPixel: 2,
			filter: bilinear, levels: 0, dither: 24, bands: 0}
	default:
		return look{style: domain.StylePixelArt, reported: domain.StylePixelArt, avatarGrid: 64, bgPixel: 4,
			filter: nearest, outline: true, levels: 3, dither: 90, bands: 7}
	}
}

func approximated(style string) string { return style + " (local approximation)" }

// finish applies the look's palette treatment to a colour, after the tone's grading.
func (l look) finish(c rgb) rgb {
	if l.soften > 0 {
		c = mix(saturate(c, 200), paper, l.soften)
	}
	return c
}
