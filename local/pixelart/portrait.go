package pixelart

// The avatar's geometry: head, hair, face, headwear and clothes on the 64-unit design
// grid, painted on the left half and mirrored. Fixed-point units: U is one design unit.

const U = q

// cell is the design-grid pixel (ux, uy), w×h units: the face's features are placed
// pixel by pixel, as a pixel artist would.
func cell(ux, uy, w, h int) shape { return box(ux*U, uy*U, (ux+w)*U, (uy+h)*U) }

// layout is where the features sit, in design-grid rows and columns.
type layout struct {
	eyeRow, eyeCol, eyeW, browRow, noseRow, mouthRow int
}

func layoutOf(t *traits, bigEyes bool) layout {
	l := layout{eyeRow: (t.headY + U/2) / U, eyeW: 4}
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
	slope := 7 * U
	return func(x, y int) (bool, int, int) {
		if y < top {
			return false, 0, 0
		}
		dy := y - top
		var w, ny int
		if dy < slope {
			tt := dy * 1000 / slope
			w = t.neckHW + U + (t.shoulderRX-t.neckHW-U)*isqrt(tt*(2000-tt))/1000
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
		j[i] = r.intn(maxOff + 1)
	}
	return j
}

// drawMask paints the whole symmetric mask and mirrors it. The asymmetric touches come
// later, in decorate, so the mask itself is exactly mirror-symmetric.
func drawMask(t *traits, grid int, bigEyes bool, seed uint64) *sprite {
	sp := newSprite(grid)
	l := layoutOf(t, bigEyes)
	r := derive(seed, "mask")
	hy, hrx, hry := t.headY, t.headRX, t.headRY
	top, chin := hy-hry, hy+hry
	sTop := chin + 3*U
	eyeY := l.eyeRow * U

	// Long hair falls behind the head and over the shoulders; it is painted first and the
	// clothes' collar region, the neck and the head cover it.
	if t.hair == hairLong && t.head != wearHood && t.head != wearHelmet {
		jag := jagged(r, 3*U)
		bottom := sTop + 6*U + r.between(0, 5)*U
		sp.paint(mHairBack, func(x, y int) (bool, int, int) {
			if y < hy-6*U || y >= bottom-jag[clamp(x/U, 0, design-1)] {
				return false, 0, 0
			}
			w := hrx + 2*U + max(0, y-hy)/6
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
		jag := jagged(derive(seed, "hair-front"), 3*U)
		bottom := sTop + 5*U + r.between(0, 4)*U
		sp.paint(mHairBack, func(x, y int) (bool, int, int) {
			if y < sTop-2*U || y >= bottom-jag[clamp(x/U, 0, design-1)] {
				return false, 0, 0
			}
			dx := abs(x - centre)
			w := hrx + 2*U + max(0, y-hy)/6
			if dx >= w || dx < t.neckHW+2*U {
				return false, 0, 0
			}
			return true, -60, (y - sTop) * 40 / (bottom - sTop)
		})
	}
	drawOutfit(sp, t, sTop, r)

	// Neck, ears, head.
	sp.paint(mNeck, union(column(hy, sTop+U, func(int) int { return t.neckHW }),
		clip(ellipse(centre, sTop, t.neckHW+U/2, 2*U), sTop, sTop+2*U)))
	earY := eyeY + 2*U
	switch t.ears {
	case earRound:
		sp.paint(mEar, ellipse(centre-hrx+U/2, earY, 2*U+U/4, 3*U))
	case earPointed:
		sp.paint(mEar, tri(centre-hrx+U, earY-2*U, centre-hrx+U, earY+3*U, centre-hrx-4*U, earY-6*U))
	case earLong:
		sp.paint(mEar, tri(centre-hrx+U, earY-2*U, centre-hrx+U, earY+3*U, centre-hrx-8*U, earY-3*U))
	case earNone:
		sp.paint(mArmor, ellipse(centre-hrx, earY, 2*U, 2*U+U/2))
	}
	head := headShape(t)
	sp.paint(mSkin, head)

	// Facial hair, below the features that sit on it.
	drawFacialHair(sp, t, l, head, r)

	// Face.
	drawFace(sp, t, l, bigEyes)

	// Hair on the head, then whatever is worn over it. Pointed ears poke out through
	// the hair, so they are laid again on top of it.
	drawHair(sp, t, l, r)
	switch t.ears {
	case earPointed:
		sp.paint(mEar, minus(tri(centre-hrx+U, earY-2*U, centre-hrx+U, earY+3*U, centre-hrx-4*U, earY-6*U), head))
	case earLong:
		sp.paint(mEar, minus(tri(centre-hrx+U, earY-2*U, centre-hrx+U, earY+3*U, centre-hrx-8*U, earY-3*U), head))
	}
	drawHeadwear(sp, t, l, r)
	if t.horns {
		for i := range 6 {
			// A horn curls up and out from the temple in shrinking steps.
			x := centre - hrx + 3*U - i*U - i*i*U/6
			y := top + 4*U - i*2*U + i*i*U/5
			sp.paint(mHorn, ellipse(x, y, 2*U+U/2-i*U/3, 2*U+U/2-i*U/3))
		}
	}
	if t.antenna {
		sp.paint(mArmor, box(centre-U, top-6*U, centre+U, top+U))
		sp.paint(mGlow, ellipse(centre, top-7*U, 2*U, 2*U))
	}
	sp.mirror()
	return sp
}

func drawOutfit(sp *sprite, t *traits, sTop int, r *rng) {
	nhw := t.neckHW
	roundNeck := func(trim bool) {
		if trim {
			sp.paint(mTrim, clip(ellipse(centre, sTop, nhw+2*U+U/2, 4*U), sTop-U, sTop+4*U))
		}
		sp.paint(mNeck, clip(ellipse(centre, sTop, nhw+U+U/2, 3*U), sTop-U, sTop+3*U))
	}
	switch t.outfit {
	case outfitTunic:
		roundNeck(true)
		if r.chance(50) {
			// A belt of buttons down the front.
			for i := range 3 {
				sp.paint(mTrim, box(centre-U, sTop+6*U+i*4*U, centre+U, sTop+7*U+i*4*U))
			}
		}
	case outfitVNeck:
		depth := r.between(7, 10) * U
		sp.paint(mTrim, tri(centre-nhw-2*U, sTop-U, centre+nhw+2*U, sTop-U, centre, sTop+depth+2*U))
		sp.paint(mNeck, tri(centre-nhw-U, sTop-U, centre+nhw+U, sTop-U, centre, sTop+depth))
	case outfitJerkin:
		// An open-necked shirt under a jerkin, laced across.
		depth := 9 * U
		sp.paint(mTrim, tri(centre-nhw-3*U, sTop-U, centre+nhw+3*U, sTop-U, centre, sTop+depth+3*U))
		sp.paint(mNeck, tri(centre-nhw, sTop-U, centre+nhw, sTop-U, centre, sTop+depth-2*U))
		for i := range 3 {
			y := sTop + 2*U + i*3*U
			sp.paintFlat(mLid, box(centre-2*U+i*U/2, y, centre-U+i*U/2, y+U))
		}
		sp.paint(mCape, minus(torsoShape(t, sTop+2*U), column(sTop, design*U, func(y int) int { return 4*U + (y-sTop)/4 })))
	case outfitRobe:
		// Wide lapels meeting low on the chest, and a high collar.
		depth := 12 * U
		sp.paint(mTrim, tri(centre-nhw-5*U, sTop-U, centre+nhw+5*U, sTop-U, centre, sTop+depth+4*U))
		sp.paint(mCloth, tri(centre-nhw-2*U, sTop-U, centre+nhw+2*U, sTop-U, centre, sTop+depth))
		sp.paint(mNeck, tri(centre-nhw, sTop-U, centre+nhw, sTop-U, centre, sTop+5*U))
		sp.paint(mTrim, tilt(box(centre-nhw-3*U, sTop-5*U, centre-nhw, sTop+U), -40, 0))
	case outfitArmor:
		sp.paint(mArmor, torsoShape(t, sTop))
		// A tabard in the cloth colour down the chest, edged in trim.
		sp.paint(mTrim, column(sTop+3*U, design*U, func(int) int { return 7 * U }))
		sp.paint(mCloth, column(sTop+4*U, design*U, func(int) int { return 6 * U }))
		// Pauldrons with a trim rim.
		px, py := centre-t.shoulderRX+6*U, sTop+4*U
		sp.paint(mTrim, ellipse(px, py, 8*U, 6*U))
		sp.paint(mArmor, ellipse(px, py-U/2, 7*U, 5*U))
		sp.paint(mGold, cell(px/U, py/U+2, 1, 1))
		// A gorget round the neck.
		sp.paint(mArmor, clip(ellipse(centre, sTop, nhw+3*U, 4*U), sTop-2*U, sTop+3*U))
		sp.paint(mNeck, clip(ellipse(centre, sTop-U, nhw, 2*U), sTop-2*U, sTop))
	case outfitCloak:
		roundNeck(false)
		open := func(y int) int { return 3*U + (y-sTop)*2/5 }
		sp.paint(mCape, minus(torsoShape(t, sTop-U), column(sTop+2*U, design*U, open)))
		sp.paint(mGold, box(centre-U, sTop+2*U, centre+U, sTop+4*U))
	case outfitNoble:
		roundNeck(false)
		// A stand collar and a gold chain with a medallion.
		sp.paint(mTrim, tilt(minus(clip(ellipse(centre, sTop, nhw+4*U, 5*U), sTop-4*U, sTop+2*U),
			ellipse(centre, sTop, nhw+U+U/2, 3*U)), -30, -20))
		sp.paint(mGold, minus(clip(ellipse(centre, sTop+2*U, nhw+6*U, 9*U), sTop+4*U, sTop+12*U),
			ellipse(centre, sTop+2*U, nhw+5*U, 8*U)))
		sp.paint(mGem, ellipse(centre, sTop+11*U, 2*U, 2*U))
	}
}

func drawFacialHair(sp *sprite, t *traits, l layout, head shape, r *rng) {
	mw := t.mouthW
	moustache := func() {
		sp.paint(mBeard, box((32-mw-1)*U, (l.mouthRow-2)*U, centre, (l.mouthRow)*U))
		sp.paint(mBeard, box((32-mw-2)*U, (l.mouthRow-1)*U, (32-mw)*U, (l.mouthRow+2)*U))
	}
	chin := t.headY + t.headRY
	switch t.face {
	case faceStubble:
		region := union(clip(head, (l.mouthRow-2)*U, chin+U), clip(head, (l.noseRow+1)*U, chin+U))
		sp.paintOver(mStubble, []material{mSkin}, func(x, y int) (bool, int, int) {
			in, _, _ := region(x, y)
			return in && abs(x-centre) > U, 0, 0
		})
	case faceMoustache:
		moustache()
	case faceGoatee:
		sp.paint(mBeard, column((l.mouthRow+2)*U, chin+3*U, func(y int) int { return 2*U - max(0, y-chin)/2 }))
		moustache()
	case faceBeard:
		jag := jagged(r, 2*U)
		strand := jagged(r, 70)
		end := chin + t.beardLen*U
		jawW := t.headRX * t.jaw / 100
		sideburn := (l.eyeRow + 2) * U
		sp.paint(mBeard, func(x, y int) (bool, int, int) {
			dx := abs(x - centre)
			if in, nx, ny := head(x, y); in {
				if (y >= sideburn && dx >= t.headRX-3*U) || y >= (l.noseRow+2)*U {
					return true, nx + strand[clamp(x/U, 0, design-1)] - 35, ny
				}
				return false, 0, 0
			}
			if y < chin-3*U || y >= end-jag[clamp(x/U, 0, design-1)] {
				return false, 0, 0
			}
			tt := (y - (chin - 3*U)) * 1000 / max(end-(chin-3*U), 1)
			w := jawW * (1000 - tt*tt/1300) / 1000
			if dx >= max(w, U) {
				return false, 0, 0
			}
			return true, (x-centre)*60/max(w, U) + strand[clamp(x/U, 0, design-1)] - 35, 30 + tt/20
		})
		moustache()
	}
}

func drawFace(sp *sprite, t *traits, l layout, bigEyes bool) {
	ec, er, ew := l.eyeCol, l.eyeRow, l.eyeW
	if t.metalSkin && t.robot {
		// Robots: a visor of glowing eyes, a speaker grille for a mouth, a panel seam.
		sp.paint(mGrille, cell(ec-1, er-1, ew+2, 4))
		sp.paint(mGlow, cell(ec, er, ew, 2))
		sp.paint(mGrille, cell(29, l.mouthRow-1, 3, 3))
		sp.paint(mEyeWhite, cell(30, l.mouthRow-1, 1, 3))
		sp.paint(mGrille, box((32-9)*U, (er-6)*U, centre, (er-5)*U))
		return
	}
	// Eyes: a dark lid line, the white and the iris below it.
	if bigEyes {
		// Anime eyes: a heavy lash line flicking outwards, a tall iris.
		sp.paint(mLid, cell(ec-1, er-1, ew+1, 1))
		sp.paint(mLid, cell(ec-1, er-2, 1, 1))
		sp.paint(mEyeWhite, cell(ec, er, 1, 2))
		sp.paint(mEyeWhite, cell(ec+3, er, 1, 2))
		sp.paint(mIris, cell(ec+1, er, 2, 3))
	} else {
		sp.paint(mLid, cell(ec, er, ew, 1))
		sp.paint(mEyeWhite, cell(ec, er+1, 1, 1))
		sp.paint(mIris, cell(ec+1, er+1, 2, 2))
		sp.paint(mEyeWhite, cell(ec+3, er+1, 1, 1))
		if t.female {
			sp.paint(mLid, cell(ec-1, er-1, 1, 1))
		}
	}
	if t.metalSkin {
		sp.paint(mGlow, cell(ec+1, er+1, 2, 1))
	}
	// Brows, tilted with the mood.
	br := l.browRow
	for i := range ew {
		row := br
		switch t.brows {
		case browAngry:
			if i >= ew-2 {
				row++
			}
		case browWorried:
			if i < 2 {
				row++
			} else if i == ew-1 {
				row--
			}
		}
		sp.paint(mBrow, cell(ec+i, row, 1, 1))
	}
	// Mouth: a line, corners lifted for a smile, and the lower lip's light.
	mw, mr := t.mouthW, l.mouthRow
	m := mMouth
	sp.paint(m, cell(32-mw, mr, mw, 1))
	if t.smile {
		sp.paint(m, cell(32-mw-1, mr-1, 1, 1))
	} else if t.brows == browWorried {
		sp.paint(m, cell(32-mw-1, mr+1, 1, 1))
	}
	sp.paint(mLip, cell(31, mr+1, 1, 1))
	if t.female {
		sp.paint(mLip, cell(32-mw+1, mr-1, mw-1, 1))
	}
	if t.tusks {
		sp.paint(mTusk, cell(32-mw, mr-2, 1, 2))
	}
	if t.blush {
		sp.paint(mBlush, cell(ec, er+3, 2, 1))
	}
	if t.old {
		sp.paint(mWrinkle, cell(ec+1, er+2, 2, 1))
		sp.paint(mWrinkle, cell(32-mw-2, mr-2, 1, 2))
		sp.paint(mWrinkle, cell(29, br-3, 3, 1))
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

func drawHair(sp *sprite, t *traits, l layout, r *rng) {
	if t.hair == hairBald {
		if t.old && t.head == wearNone {
			// A fringe of hair round the back of a bald head.
			sp.paint(mHair, minus(clip(ellipse(centre, t.headY-U, t.headRX+U, t.headRY), (l.browRow-1)*U, (l.eyeRow+2)*U),
				column(0, design*U, func(int) int { return t.headRX - U })))
		}
		return
	}
	hrx, hry, hy := t.headRX, t.headRY, t.headY
	er := l.eyeRow * U
	jag := jagged(r, U)
	// hairline is the lowest row hair reaches at a distance dx from the centre line.
	hairline := func(dx int) int {
		var y int
		switch t.fringe {
		case 0: // straight bangs
			y = er - 3*U + jag[clamp(dx/U, 0, design-1)]
		case 1: // middle part
			y = er - 6*U + dx*2/5
		case 2: // swept
			y = er - 4*U - dx/4 + jag[clamp(dx/U, 0, design-1)]*2
		default: // receding
			y = er - 8*U + dx/5
		}
		if dx >= hrx-2*U {
			y = max(y, er+U) // sideburns at the temples
		}
		return y
	}
	capRX, capRY := hrx+U+U/4, hry+U
	if t.hair == hairShort && !t.female {
		capRX = hrx + U/2
	}
	// The crown's silhouette is tufted: each column reaches up a little more or less.
	tuft := jagged(r, U)
	capAt := func(x, y int) (bool, int, int) {
		return ellipse(centre, hy-U, capRX, capRY+tuft[clamp(x/U, 0, design-1)]-U/2)(x, y)
	}
	cap := shape(capAt)
	// Strands: each column's normal leans a little, so the light breaks into streaks and
	// the hair stops looking like a knitted cap.
	strand := jagged(r, 50)
	sp.paint(mHair, func(x, y int) (bool, int, int) {
		in, nx, ny := cap(x, y)
		if !in || y >= hairline(abs(x-centre)) {
			return false, 0, 0
		}
		// Streaks run diagonally out from the parting, as combed hair does.
		return true, nx + strand[clamp(x/U+y/(2*U), 0, design-1)] - 25, ny
	})
	switch t.hair {
	case hairSpiky:
		if t.head != wearNone && t.head != wearCrown {
			break
		}
		// Spikes across the crown, tallest in the middle, leaning outwards, each rooted
		// on the cap's own outline.
		for i := range 4 {
			x := centre - U/2 - i*3*U
			dx := x - centre
			root := hy - U - capRY*isqrt(max(0, 1000000-(dx*1000/capRX)*(dx*1000/capRX)))/1000 + 2*U
			h := r.between(4, 6)*U - i*U/2
			sp.paint(mHair, tri(x-2*U, root, x+2*U, root, x-i*U-U/2, root-h-2*U))
		}
	case hairBraids:
		if t.head == wearHood {
			break
		}
		x0 := centre - hrx - U/2
		bottom := (l.mouthRow + 15) * U
		sp.paint(mHair, func(x, y int) (bool, int, int) {
			if y < er || y >= bottom || x < x0-U-U/2 || x >= x0+2*U {
				return false, 0, 0
			}
			// Alternate the normal every two units: the braid's plaits catch the light.
			seg := ((y - er) / (2 * U)) % 2
			return true, (x - x0) * 40 / U, seg*120 - 60
		})
		sp.paint(mTrim, box(x0-U-U/2, bottom, x0+2*U, bottom+U))
		sp.paint(mHair, box(x0-U, bottom+U, x0+U+U/2, bottom+3*U))
	case hairLong:
		// Side curtains framing the face.
		sp.paint(mHair, func(x, y int) (bool, int, int) {
			dx := abs(x - centre)
			if y < hy-4*U || y >= hy+hry-U || dx < hrx-U || dx >= hrx+2*U {
				return false, 0, 0
			}
			return true, -50, 0
		})
	}
}

func drawHeadwear(sp *sprite, t *traits, l layout, r *rng) {
	hrx, hry, hy := t.headRX, t.headRY, t.headY
	top := hy - hry
	brow := l.browRow * U
	switch t.head {
	case wearHood:
		// The hood's cowl drapes to the shoulders; the cloak below it is the outfit's.
		sTop := hy + hry + 3*U
		outer := union(ellipse(centre, hy-U, hrx+4*U+U/2, hry+3*U+U/2),
			column(hy, sTop+4*U, func(y int) int { return hrx + 4*U + (y-hy)/5 }))
		face := clip(ellipse(centre, hy+2*U, hrx-U/4, hry), top+4*U, design*U)
		sp.paint(mHat, minus(outer, face))
	case wearHelmet:
		dome := ellipse(centre, hy-U, hrx+2*U, hry+2*U)
		sp.paint(mHelm, clip(dome, 0, brow))
		sp.paint(mHelm, tilt(clip(dome, brow-2*U, brow), 0, 60))
		sp.paint(mHelm, box(centre-U, brow-2*U, centre+U, (l.noseRow)*U))
		if r.chance(50) {
			// Cheek guards.
			sp.paint(mHelm, minus(clip(dome, brow, (l.mouthRow)*U), column(0, design*U, func(int) int { return hrx - 2*U })))
		}
		if t.plume {
			sp.paint(mTrim, column(top-7*U, top+2*U, func(y int) int { return 2*U - abs(y-(top-3*U))/6 }))
		}
		if t.horns {
			t.horns = false
			for i := range 6 {
				x := centre - hrx - U - i*U - i*i*U/4
				y := hy - 6*U - i*2*U + i*i*U/3
				sp.paint(mHorn, ellipse(x, y, 2*U+U/2-i*U/3, 2*U+U/2-i*U/3))
			}
		}
	case wearWizard:
		brim := top + 3*U
		sp.paint(mHat, column(U, brim+U, func(y int) int { return U + (hrx+2*U-U)*(y-U)/(brim-U) }))
		sp.paint(mTrim, clip(column(U, brim+U, func(y int) int { return U + (hrx+2*U-U)*(y-U)/(brim-U) }), brim-3*U, brim))
		sp.paint(mHat, tilt(ellipse(centre, brim+U/2, hrx+8*U, 2*U+U/4), 0, 30))
	case wearCrown:
		band := top + 3*U
		sp.paint(mGold, box(centre-hrx-U/2, band, centre, band+3*U))
		for i := range 3 {
			x := centre - i*(hrx/2)
			h := 5*U - i*U
			sp.paint(mGold, tri(x-2*U, band+U, x+2*U, band+U, x, band-h))
			sp.paint(mGem, cell(x/U-1, (band-h)/U, 1, 1))
		}
		sp.paint(mGem, box(centre-U, band+U, centre+U, band+2*U))
	case wearCap:
		// A flat cap: a crown wider than the head, a band, and a short peak catching the
		// light over the brow.
		brim := top + 5*U
		sp.paint(mHat, clip(ellipse(centre, brim-U, hrx+2*U+U/2, 7*U), 0, brim))
		sp.paint(mTrim, clip(ellipse(centre, brim-U, hrx+2*U+U/2, 7*U), brim-U-U/2, brim))
		sp.paint(mHat, tilt(clip(ellipse(centre, brim, hrx+U/2, 2*U), brim, brim+2*U), 0, -70))
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

// decorate adds the asymmetric touches after mirroring: light on the left of the nose and
// shadow on its right, glints in the eyes, and scars, eyepatches and hat stars.
func decorate(sp *sprite, t *traits, bigEyes bool) {
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
		// Glints: the top-left of each iris catches the light from the upper left.
		row := l.eyeRow + 1
		if bigEyes {
			row = l.eyeRow
		}
		for _, x := range []int{l.eyeCol + 1, 63 - (l.eyeCol + 2)} {
			if sp.matAt(x, row) == mIris {
				sp.dot(mGlint, x, row)
			}
		}
	}
	if t.scar {
		x0, y0 := l.eyeCol, l.browRow-1
		for i := range 6 {
			if m := sp.matAt(x0+i/2, y0+i); m == mSkin || m == mBrow || m == mEyeWhite || m == mIris || m == mLid {
				sp.dot(mScar, x0+i/2, y0+i)
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
		sx, sy := 34, (t.headY-t.headRY)/U-4
		for _, d := range [5][2]int{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			if sp.matAt(sx+d[0], sy+d[1]) == mHat {
				sp.dot(mGold, sx+d[0], sy+d[1])
			}
		}
	}
}
