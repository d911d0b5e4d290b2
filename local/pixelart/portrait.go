package pixelart

// The avatar's geometry: head, hair, face, headwear and clothes on the 64-unit design
// grid, painted on the left half and mirrored. Coordinates are fixed point, du to a design unit.

// du is one design unit in fixed point; shapes are written in multiples of it.
const du = q

// cell is the design-grid pixel (ux, uy), w×h units: the face's features are placed
// pixel by pixel, as a pixel artist would.
func cell(ux, uy, w, h int) shape { return box(ux*du, uy*du, (ux+w)*du, (uy+h)*du) }

// layout is where the features sit, in design-grid rows and columns.
type layout struct {
	eyeRow, eyeCol, eyeW, browRow, noseRow, mouthRow int
}

func layoutOf(t *traits, bigEyes bool) layout {
	l := layout{eyeRow: (t.headY + du/2) / du, eyeW: 4}
	l.eyeCol = 32 - t.eyeSep - l.eyeW
	l.browRow = l.eyeRow - 2
	if bigEyes {
		l.browRow--
	}
	l.noseRow = l.eyeRow + 4
	l.mouthRow = l.eyeRow + 7
	return l
}

// headShape is the skull and jaw: an ellipse above the eyes, narrowing to the jaw's width
// (and boxier when square) below them. Its normals are flattened in the middle, as a face
// is, and curve away at the sides.
func headShape(t *traits) shape {
	hy, hrx, hry := t.headY, t.headRX, t.headRY
	return func(x, y int) (bool, int, int) {
		dy := y - hy
		if dy < -hry || dy > hry {
			return false, 0, 0
		}
		tt := abs(dy) * 1000 / hry
		var w int
		if dy <= 0 {
			w = hrx * isqrt(1000000-tt*tt) / 1000
		} else {
			rx := hrx * (100000 - (100-t.jaw)*tt) / 100000
			inner := 1000000 - tt*tt
			if t.square {
				t2 := tt * tt / 1000
				inner = 1000000 - t2*t2
			}
			w = rx * isqrt(inner) / 1000
		}
		dx := x - centre
		if abs(dx) >= w {
			return false, 0, 0
		}
		nx := dx * 100 / hrx
		nx = nx * abs(nx) / 100
		return true, nx, dy * 60 / hry
	}
}

// torsoShape is the shoulders and chest: the neck's width at the top, rounding out over
// the shoulders to their full width.
func torsoShape(t *traits, top int) shape {
	slope := 7 * du
	return func(x, y int) (bool, int, int) {
		if y < top {
			return false, 0, 0
		}
		dy := y - top
		var w, ny int
		if dy < slope {
			tt := dy * 1000 / slope
			w = t.neckHW + du + (t.shoulderRX-t.neckHW-du)*isqrt(tt*(2000-tt))/1000
			ny = -(1000 - tt) * 80 / 1000
		} else {
			w = t.shoulderRX + (dy-slope)/8
		}
		dx := x - centre
		if abs(dx) >= w {
			return false, 0, 0
		}
		return true, dx * 70 / w, ny
	}
}

// jagged returns a per-column offset, 0..max fixed-point units, drawn from r: the
// Bollinger-style random edge of a fringe or a beard. It is indexed by design column.
func jagged(r *rng, maxOff int) [design]int {
	var j [design]int
	for i := range j {
		j[i] = r.Intn(maxOff + 1)
	}
	return j
}

// drawMask paints the whole symmetric mask and mirrors it. The asymmetric touches come
// later, in decorate, so the mask itself is exactly mirror-symmetric.
func drawMask(t *traits, grid int, bigEyes bool, seed uint64) *sprite {
	sp := newSprite(grid)
	l := layoutOf(t, bigEyes)
	r := derive(seed, "mask") // the long hair's fall
	hy, hrx, hry := t.headY, t.headRX, t.headRY
	top, chin := hy-hry, hy+hry
	sTop := chin + 3*du
	eyeY := l.eyeRow * du

	// Long hair falls behind the head and over the shoulders; it is painted first and the
	// clothes' collar region, the neck and the head cover it.
	if t.hair == hairLong && t.head != wearHood && t.head != wearHelmet {
		jag := jagged(r, 3*du)
		bottom := sTop + 6*du + r.between(0, 5)*du
		sp.paint(mHairBack, func(x, y int) (bool, int, int) {
			if y < hy-6*du || y >= bottom-jag[clamp(x/du, 0, design-1)] {
				return false, 0, 0
			}
			w := hrx + 2*du + max(0, y-hy)/6
			dx := x - centre
			if abs(dx) >= w {
				return false, 0, 0
			}
			return true, dx * 90 / w, (y - hy) * 40 / (bottom - hy)
		})
	}

	// Clothes.
	sp.paint(mCloth, torsoShape(t, sTop))
	if t.hair == hairLong && t.head != wearHood && t.head != wearHelmet {
		// Re-lay the hair over the shoulders, in front of the clothes.
		rf := derive(seed, "hair-front")
		jag := jagged(rf, 3*du)
		bottom := sTop + 5*du + rf.between(0, 4)*du
		sp.paint(mHairBack, func(x, y int) (bool, int, int) {
			if y < sTop-2*du || y >= bottom-jag[clamp(x/du, 0, design-1)] {
				return false, 0, 0
			}
			dx := abs(x - centre)
			w := hrx + 2*du + max(0, y-hy)/6
			if dx >= w || dx < t.neckHW+2*du {
				return false, 0, 0
			}
			return true, -60, (y - sTop) * 40 / (bottom - sTop)
		})
	}
	// Each part draws its shape from its own stream, so a variation that changes one
	// (a new outfit, a hood over long hair) leaves the others' edges as they were.
	outfitSeed := seed
	if t.outfitSeed != 0 {
		outfitSeed = t.outfitSeed
	}
	drawOutfit(sp, t, sTop, derive(outfitSeed, "outfit-shape"))
	drawItems(sp, t)

	// Neck, what is worn round it, ears, head.
	sp.paint(mNeck, union(column(hy, sTop+du, func(int) int { return t.neckHW }),
		clip(ellipse(centre, sTop, t.neckHW+du/2, 2*du), sTop, sTop+2*du)))
	drawCollarScarf(sp, t)
	earY := eyeY + 2*du
	switch t.ears {
	case earRound:
		sp.paint(mEar, ellipse(centre-hrx+du/2, earY, 2*du+du/4, 3*du))
	case earPointed:
		sp.paint(mEar, tri(centre-hrx+du, earY-2*du, centre-hrx+du, earY+3*du, centre-hrx-4*du, earY-6*du))
	case earLong:
		sp.paint(mEar, tri(centre-hrx+du, earY-2*du, centre-hrx+du, earY+3*du, centre-hrx-8*du, earY-3*du))
	case earNone:
		sp.paint(mArmor, ellipse(centre-hrx, earY, 2*du, 2*du+du/2))
	}
	head := headShape(t)
	sp.paint(mSkin, head)
	if t.fur {
		drawFurTufts(sp, t, l)
	}
	drawSkinPattern(sp, t, seed)

	// Facial hair, below the features that sit on it.
	drawFacialHair(sp, t, l, head, derive(seed, "beard-shape"))

	// Face.
	if t.species == "beastfolk" {
		drawMuzzle(sp, t, l)
	}
	drawFace(sp, t, l, bigEyes)

	// Hair on the head, then whatever is worn over it. Pointed ears poke out through
	// the hair, so they are laid again on top of it.
	drawHair(sp, t, l, derive(seed, "hair-shape"))
	switch t.ears {
	case earPointed:
		sp.paint(mEar, minus(tri(centre-hrx+du, earY-2*du, centre-hrx+du, earY+3*du, centre-hrx-4*du, earY-6*du), head))
	case earLong:
		sp.paint(mEar, minus(tri(centre-hrx+du, earY-2*du, centre-hrx+du, earY+3*du, centre-hrx-8*du, earY-3*du), head))
	}
	drawHeadwear(sp, t, l)
	if t.head == wearHood || t.head == wearHelmet {
		// Pointed and long ears poke out through a hood or past a helmet.
		switch t.ears {
		case earPointed:
			sp.paint(mEar, minus(tri(centre-hrx-du, earY-du, centre-hrx-du, earY+2*du, centre-hrx-4*du, earY-6*du), head))
		case earLong:
			sp.paint(mEar, minus(tri(centre-hrx-du, earY-du, centre-hrx-du, earY+2*du, centre-hrx-8*du, earY-3*du), head))
		}
	}
	if t.earrings {
		drawEarrings(sp, t, l)
	}
	if t.horns {
		for i := range 6 {
			// A horn curls up and out from the temple in shrinking steps.
			x := centre - hrx + 3*du - i*du - i*i*du/6
			y := top + 4*du - i*2*du + i*i*du/5
			sp.paint(mHorn, ellipse(x, y, 2*du+du/2-i*du/3, 2*du+du/2-i*du/3))
		}
	}
	if t.antenna {
		sp.paint(mArmor, box(centre-du, top-6*du, centre+du, top+du))
		sp.paint(mGlow, ellipse(centre, top-7*du, 2*du, 2*du))
	}
	sp.mirror()
	return sp
}

func drawFace(sp *sprite, t *traits, l layout, bigEyes bool) {
	ec, er, ew := l.eyeCol, l.eyeRow, l.eyeW
	if t.metalSkin && t.robot {
		// Robots: a visor of glowing eyes, a speaker grille for a mouth, a panel seam.
		sp.paint(mGrille, cell(ec-1, er-1, ew+2, 4))
		sp.paint(mGlow, cell(ec, er, ew, 2))
		sp.paint(mGrille, cell(29, l.mouthRow-1, 3, 3))
		sp.paint(mEyeWhite, cell(30, l.mouthRow-1, 1, 3))
		sp.paint(mGrille, box((32-9)*du, (er-6)*du, centre, (er-5)*du))
		return
	}
	drawExpression(sp, t, l, bigEyes)
	if t.metalSkin {
		// An android's irises glow along their top row.
		sp.paintOver(mGlow, []material{mIris}, cell(ec, er-1, ew, 3))
	}
	mw, mr := t.mouthW, l.mouthRow
	if t.tusks {
		sp.paint(mTusk, cell(32-mw, mr-2, 1, 2))
	}
	if t.fangs {
		// Fangs hang from the corners of the mouth.
		sp.paint(mTusk, cell(32-mw, mr+1, 1, 1))
	}
	if t.blush {
		sp.paint(mBlush, cell(ec, er+3, 2, 1))
	}
	if t.old {
		sp.paint(mWrinkle, cell(ec+1, er+3, 2, 1))
		sp.paint(mWrinkle, cell(32-mw-2, mr-2, 1, 2))
		sp.paint(mWrinkle, cell(29, l.browRow-3, 3, 1))
	}
	if t.glasses {
		f := func(x, y, w, h int) { sp.paint(mFrame, cell(x, y, w, h)) }
		f(ec-1, er-1, ew+2, 1)
		f(ec-1, er+2, ew+2, 1)
		f(ec-1, er-1, 1, 4)
		f(ec+ew, er-1, 1, 4)
		f(ec+ew, er, 32-ec-ew, 1)
	}
}

// paintOver paints m over the shape, but only where the mask already holds one of the
// listed materials.
func (sp *sprite) paintOver(m material, over []material, sh shape) {
	half := sp.n / 2
	for py := range sp.n {
		y := sp.pos(py)
		for px := range half {
			i := py*sp.n + px
			ok := false
			for _, o := range over {
				ok = ok || sp.mat[i] == o
			}
			if !ok {
				continue
			}
			if in, _, _ := sh(sp.pos(px), y); in {
				sp.mat[i] = m
			}
		}
	}
}

// decorate adds the asymmetric touches after mirroring and outlining: light on the left
// of the nose and shadow on its right, the one-sided parts of the expression, glints in
// the eyes, scars, eyepatches, tattoos, freckles and hat stars.
func decorate(sp *sprite, t *traits, bigEyes bool, seed uint64) {
	l := layoutOf(t, bigEyes)
	if !(t.metalSkin && t.robot) {
		nr := l.noseRow
		sp.dot(mNoseShade, 32, nr)
		if !bigEyes {
			// Anime keeps the nose to one shadow pixel.
			sp.dot(mNoseShade, 32, nr-1)
			sp.dot(mNoseShade, 31, nr)
			sp.dot(mNoseLight, 31, nr-2)
			sp.dot(mNoseLight, 31, nr-1)
		}
		expressionTouches(sp, t, l, bigEyes)
		// Glints: the top-left pixel of each iris catches the light from the upper left.
		for _, a := range []int{l.eyeCol, 63 - (l.eyeCol + 3)} {
			glint(sp, a, l.eyeRow)
		}
		drawMarkings(sp, t, l, seed)
	}
	if t.scar {
		// A slash from above the brow down over the cheek, broken where it crosses the
		// eye: a pale raised line with a dark edge, so it reads on any skin.
		x0, y0 := l.eyeCol+2, l.browRow-2
		for i := range 10 {
			x, y := x0-i/4, y0+i
			if scarrable(sp.matAt(x, y)) {
				sp.dot(mScar, x, y)
			}
			if scarrable(sp.matAt(x+1, y)) {
				sp.dot(mScarShade, x+1, y)
			}
		}
	}
	if t.eyepatch {
		x0 := 63 - (l.eyeCol + l.eyeW - 1)
		for y := l.eyeRow - 1; y <= l.eyeRow+2; y++ {
			for x := x0 - 1; x <= x0+l.eyeW; x++ {
				sp.dot(mPatch, x, y)
			}
		}
		for i := range 12 {
			x, y := x0+l.eyeW+i, l.eyeRow-1-i/2
			if m := sp.matAt(x, y); m != mNone && m != mOutline {
				sp.dot(mPatch, x, y)
			}
			x, y = x0-2-i, l.eyeRow-1-i/2
			if m := sp.matAt(x, y); m != mNone && m != mOutline && y > 0 {
				sp.dot(mPatch, x, y)
			}
		}
	}
	if t.head == wearWizard {
		sx, sy := 34, (t.headY-t.headRY)/du-4
		for _, d := range [5][2]int{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			if sp.matAt(sx+d[0], sy+d[1]) == mHat {
				sp.dot(mGold, sx+d[0], sy+d[1])
			}
		}
	}
}

// scarrable reports whether a scar is drawn over m: skin and what lies on it, but not the
// eye itself, hair, headwear or glasses.
func scarrable(m material) bool {
	switch m {
	case mSkin, mBrow, mStubble, mBlush, mWrinkle, mBeard, mFur, mScale, mFreckle, mHalo, mTear, mTattoo, mNoseShade, mNoseLight:
		return true
	}
	return false
}

// glint puts the light's glint on the top-left pixel of the iris of the eye whose four
// columns start at a.
func glint(sp *sprite, a, er int) {
	for y := er - 3; y <= er+3; y++ {
		for x := a; x < a+4; x++ {
			if sp.matAt(x, y) == mIris {
				sp.dot(mGlint, x, y)
				return
			}
		}
	}
}
