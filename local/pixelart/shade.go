package pixelart

// Turning the avatar's mask into colours: lighting, contours, cast shadows, features, the
// outline and the backdrop, each as the look asks.

// light is Lambert shading of a normal (nx, ny, implied z) under a light from the upper
// left and in front, in −100..100.
func light(nx, ny int) int {
	nz := isqrt(max(0, 10000-nx*nx-ny*ny))
	return (-50*nx - 60*ny + 62*nz) / 100
}

// inkColour is the outline and ink line colour before grading.
var inkColour = hex(0x1c1424)

// palette holds one avatar's ramps.
type avatarPalette struct {
	skin, hair, cloth, cape, trim, metal, gold, hat, bone, gem, glow shades
	apron, scarf, feather, flower                                    shades
	ink, white, mouth, mouthIn, teeth, lip                           rgb
	// eye is the iris colour, white the eye's white (tinted when the eyes glow), halo
	// the glow spilling onto the skin beside a glowing eye.
	eye, halo rgb
}

func paletteFor(t *traits, lk look, tn tone) avatarPalette {
	fin := func(s shades) shades {
		for i := range s {
			s[i] = lk.finish(s[i])
		}
		return s
	}
	f := func(c rgb) shades { return fin(rampOf(c)) }
	p := avatarPalette{
		skin: f(t.skin), hair: f(t.hairCol), cloth: f(t.cloth), cape: f(t.cape), trim: f(t.trim),
		metal: f(t.metal), gold: f(t.jewel), hat: f(t.hat), bone: f(hex(0xe8dcc0)),
		gem: f(t.gem), apron: f(t.apronCol), scarf: f(t.scarfCol), feather: f(t.featherCol), flower: f(t.flowerCol),
	}
	if !t.metalSkin {
		p.skin = fin(rampTo(t.skin, skinShadow))
	}
	// Eyes are not graded by the tone: a named eye colour reads as itself in any world.
	p.eye = lk.finish(scale(t.eyeCol, 210))
	bright := lk.finish(mix(saturate(t.eyeCol, 330), hex(0xffffff), 36))
	switch {
	case t.metalSkin:
		// A machine's eyes glow in their own colour (a robot's visor too).
		p.glow = fin(rampOf(bright))
		p.glow[4] = bright
		p.eye = lk.finish(t.eyeCol)
	default:
		p.glow = f(tn.glow)
	}
	p.white = lk.finish(hex(0xf4f0e8))
	if t.glowEyes && !t.metalSkin {
		p.eye = bright
		p.white = lk.finish(mix(hex(0xffffff), bright, 70))
	}
	p.ink = lk.finish(tn.grade(inkColour))
	if lk.soften > 0 {
		p.ink = mix(p.ink, p.skin[0], 128)
	}
	p.halo = mix(p.skin[3], bright, 170)
	p.mouth = lk.finish(mix(p.skin[0], hex(0x4a1420), 130))
	p.mouthIn = lk.finish(mix(p.skin[0], hex(0x2a0a14), 200))
	p.teeth = lk.finish(mix(hex(0xf4f0e8), p.skin[2], 40))
	lip := mix(p.skin[2], hex(0xd06060), 60)
	if t.female {
		lip = mix(p.skin[2], hex(0xc83a4a), 120)
	}
	p.lip = lk.finish(lip)
	return p
}

func (p *avatarPalette) ramp(m material) *shades {
	switch m {
	case mCloth:
		return &p.cloth
	case mCape:
		return &p.cape
	case mTrim:
		return &p.trim
	case mArmor, mHelm:
		return &p.metal
	case mHairBack, mBeard, mHair:
		return &p.hair
	case mNeck, mEar, mSkin:
		return &p.skin
	case mHat:
		return &p.hat
	case mGold:
		return &p.gold
	case mHorn, mTusk:
		return &p.bone
	case mGem:
		return &p.gem
	case mApron:
		return &p.apron
	case mScarf:
		return &p.scarf
	case mFeather:
		return &p.feather
	case mFlower:
		return &p.flower
	}
	return &p.skin
}

// shiny materials get a highlight step at their brightest.
func shiny(m material) bool {
	switch m {
	case mHair, mHairBack, mBeard, mArmor, mHelm, mGold, mGem, mHorn:
		return true
	}
	return false
}

// caster reports whether m casts a shadow on the skin below it.
func caster(m material) bool {
	switch m {
	case mHair, mHat, mHelm, mGold, mHorn:
		return true
	}
	return false
}

// onSkin reports whether m is skin or a feature drawn on it (cast shadows darken these).
func onSkin(m material) bool {
	return m == mSkin || m == mNeck || m == mEar
}

// shadeSprite colours the mask into c at (ox, oy).
func shadeSprite(c *canvas, sp *sprite, t *traits, lk look, tn tone, ox, oy int) {
	p := paletteFor(t, lk, tn)
	eye := p.eye
	n := sp.n
	for py := range n {
		for px := range n {
			i := py*n + px
			m := sp.mat[i]
			if m == mNone {
				continue
			}
			var col rgb
			switch {
			case m == mOutline:
				col = p.ink
				if !lk.ink {
					// Selective outline: tint the ink with the deepest shade of the part it
					// borders, so the outline reads as that part's edge.
					if nb := sp.neighbourBody(px, py); nb != mNone {
						col = mix(p.ink, p.ramp(nb)[0], 90)
					}
				}
			case m.isBody():
				col = sp.bodyColour(&p, lk, m, px, py)
			default:
				col = sp.featureColour(&p, lk, m, px, py, eye)
			}
			c.set(ox+px, oy+py, col)
		}
	}
}

// neighbourBody returns the body material next to (x, y), if any.
func (sp *sprite) neighbourBody(x, y int) material {
	for _, d := range [4][2]int{{0, -1}, {-1, 0}, {1, 0}, {0, 1}} {
		if m := sp.get(x+d[0], y+d[1]); m.isBody() {
			return m
		}
	}
	return mNone
}

func (sp *sprite) get(x, y int) material {
	if x < 0 || y < 0 || x >= sp.n || y >= sp.n {
		return mNone
	}
	return sp.mat[y*sp.n+x]
}

// value is the lit brightness of the body pixel (x, y), 0..200 before contours: its
// normal's Lambert term, darkened under hair and hats and on the neck.
func (sp *sprite) value(m material, x, y int) int {
	i := y*sp.n + x
	v := light(int(sp.nx[i]), int(sp.ny[i])) + 100
	if m == mNeck {
		v -= 40
	}
	if onSkin(m) || m == mStubble {
		for d := 1; d <= 2*sp.s; d++ {
			if caster(sp.get(x, y-d)) {
				v -= 45
				break
			}
		}
	}
	return v
}

// contour reports whether the body pixel (x, y) is the edge of its part where it lies
// over a part further back: the pixel artist's inner line.
func (sp *sprite) contour(m material, x, y int) bool {
	if m == mGold {
		// Chains, clasps and circlets are a pixel or two thick: an inner line would turn
		// them all to shadow, and metal reads against cloth without one.
		return false
	}
	for _, d := range [4][2]int{{0, -1}, {-1, 0}, {1, 0}, {0, 1}} {
		nb := sp.get(x+d[0], y+d[1])
		if nb.isBody() && nb < m {
			return true
		}
	}
	return false
}

func (sp *sprite) bodyColour(p *avatarPalette, lk look, m material, x, y int) rgb {
	ramp := p.ramp(m)
	v := sp.value(m, x, y)
	edge := sp.contour(m, x, y)
	d := (dither4(x, y) - 128) * lk.dither / 1024
	switch lk.levels {
	case 0: // continuous
		if edge {
			v -= 45
		}
		return ramp.at((v+d)*1024/200 - 60)
	case 2: // cel
		if edge {
			return p.ink
		}
		i := y*sp.n + x
		switch {
		case m == mHair && sp.ny[i] >= -62 && sp.ny[i] <= -44 && sp.nx[i] < 40:
			// The "angel ring": a bright band round the crown of anime hair.
			return ramp[4]
		case shiny(m) && v > 178:
			return ramp[3]
		case v < 110:
			return ramp[1]
		}
		return ramp[2]
	case 5: // painterly
		if edge {
			v -= 30
		}
		return ramp[clamp((v+3*d)*5/210, 0, 4)]
	}
	if edge {
		return ramp[0]
	}
	// Pixel artists dither shading sparingly: a narrow band where two shades meet.
	v += d / 3
	switch {
	case v < 40:
		return ramp[0]
	case v < 95:
		return ramp[1]
	case v < 183:
		// A flat, front-facing surface peaks near 180: keep it in the base shade, so the
		// light step is left for what faces up and left (shoulder tops, the brow).
		return ramp[2]
	case shiny(m) && v > 191:
		return ramp[4]
	}
	return ramp[3]
}

func (sp *sprite) featureColour(p *avatarPalette, lk look, m material, x, y int, eye rgb) rgb {
	switch m {
	case mEyeWhite:
		if lk.bigEyes {
			return mix(p.white, p.skin[2], 40)
		}
		return p.white
	case mIris:
		return eye
	case mGlint:
		if lk.bigEyes {
			return lk.finish(hex(0xffffff))
		}
		return mix(eye, p.white, 150)
	case mLid, mPatch:
		return p.ink
	case mFrame:
		return p.gold[1]
	case mBrow:
		return mix(p.hair[0], p.ink, 60)
	case mMouth:
		return p.mouth
	case mMouthIn:
		return p.mouthIn
	case mTeeth:
		return p.teeth
	case mHalo:
		return p.halo
	case mTear:
		return lk.finish(hex(0xa8dcf8))
	case mScarShade:
		return lk.finish(mix(p.skin[0], hex(0x5a1424), 120))
	case mFur:
		// Strokes of fur: the lit skin a shade darker, leaning to the hair's colour.
		skin := sp.bodyColour(p, lk, mSkin, x, y)
		return mix(mix(skin, p.skin[0], 150), p.hair[1], 50)
	case mScale:
		skin := sp.bodyColour(p, lk, mSkin, x, y)
		return mix(skin, p.skin[0], 170)
	case mFreckle:
		// Freckles are darker than the skin's own shadow, so they show on any skin.
		return lk.finish(mix(p.skin[0], hex(0x6a2a14), 110))
	case mTattoo:
		return lk.finish(mix(p.skin[1], hex(0x1a3070), 190))
	case mMuzzle:
		skin := sp.bodyColour(p, lk, mSkin, x, y)
		return mix(skin, lk.finish(hex(0xf4ece0)), 120)
	case mNosePad:
		return p.ink
	case mFlowerMid:
		// A yellow heart, or an orange one in a yellow flower.
		if mid := hex(0xf0c838); dist(mid, p.flower[2]) >= 80 {
			return lk.finish(mid)
		}
		return lk.finish(hex(0xc0502a))
	case mLip:
		return p.lip
	case mTusk:
		return p.bone[3]
	case mGlow:
		return p.glow[4]
	case mNoseShade, mWrinkle:
		return p.skin[1]
	case mNoseLight:
		return p.skin[3]
	case mBlush:
		return lk.finish(mix(p.skin[2], hex(0xe06a7a), 90))
	case mScar:
		// A raised scar is paler than the skin round it, and pinker.
		return lk.finish(mix(p.skin[4], hex(0xf0b8b8), 110))
	case mStubble:
		// A shadow of beard: a faint tint with a sparse speckle of darker hair.
		skin := sp.bodyColour(p, lk, mSkin, x, y)
		if x&1 == 0 && y&1 == 0 {
			return mix(skin, p.hair[1], 110)
		}
		return mix(skin, p.hair[1], 45)
	case mGrille:
		return p.metal[0]
	case mGem:
		return p.gem[3]
	}
	return p.skin[2]
}

// paintBackdrop fills c with the portrait's backdrop: a vertical gradient, brightening
// into a halo behind the head at (hx, hy), posterised and dithered as the look asks.
func paintBackdrop(c *canvas, t *traits, lk look, hx, hy, s int) {
	top, bottom, glow := lk.finish(t.bgTop), lk.finish(t.bgBottom), lk.finish(t.bgGlow)
	r := 26 * s
	bands := lk.bands
	for y := range c.h {
		for x := range c.w {
			v := 256 - y*256/c.h // 0 at the bottom, 256 at the top
			dx, dy := x-hx, (y-hy)*5/4
			if d := isqrt(dx*dx + dy*dy); d < r {
				v += (r - d) * 150 / r
			}
			v = clamp(v, 0, 400)
			var col rgb
			if bands > 0 {
				steps := bands + 2
				pos := v*(steps-1)*256/400 + (dither4(x, y)-128)*lk.dither/256
				band := clamp((pos+128)>>8, 0, steps-1)
				v = band * 400 / (steps - 1)
			} else {
				v += (dither8(x, y) - 128) / 32
			}
			if v <= 256 {
				col = mix(bottom, top, v)
			} else {
				col = mix(top, glow, (v-256)*256/144)
			}
			c.px[y*c.w+x] = col
		}
	}
}
