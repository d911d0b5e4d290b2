package pixelart

// What a character wears and grows: clothes, hair, beards and headwear, on the left half
// of the design grid like the rest of the mask.

func drawOutfit(sp *sprite, t *traits, sTop int, r *rng) {
	nhw := t.neckHW
	roundNeck := func(trim bool) {
		if trim {
			sp.paint(mTrim, clip(ellipse(centre, sTop, nhw+2*du+du/2, 4*du), sTop-du, sTop+4*du))
		}
		sp.paint(mNeck, clip(ellipse(centre, sTop, nhw+du+du/2, 3*du), sTop-du, sTop+3*du))
	}
	switch t.outfit {
	case outfitTunic:
		roundNeck(true)
		if r.chance(50) {
			// A belt of buttons down the front.
			for i := range 3 {
				sp.paint(mTrim, box(centre-du, sTop+6*du+i*4*du, centre+du, sTop+7*du+i*4*du))
			}
		}
	case outfitVNeck:
		depth := r.between(7, 10) * du
		sp.paint(mTrim, tri(centre-nhw-2*du, sTop-du, centre+nhw+2*du, sTop-du, centre, sTop+depth+2*du))
		sp.paint(mNeck, tri(centre-nhw-du, sTop-du, centre+nhw+du, sTop-du, centre, sTop+depth))
	case outfitJerkin:
		// An open-necked shirt under a jerkin, laced across.
		depth := 9 * du
		sp.paint(mTrim, tri(centre-nhw-3*du, sTop-du, centre+nhw+3*du, sTop-du, centre, sTop+depth+3*du))
		sp.paint(mNeck, tri(centre-nhw, sTop-du, centre+nhw, sTop-du, centre, sTop+depth-2*du))
		for i := range 3 {
			y := sTop + 2*du + i*3*du
			sp.paintFlat(mLid, box(centre-2*du+i*du/2, y, centre-du+i*du/2, y+du))
		}
		sp.paint(mCape, minus(torsoShape(t, sTop+2*du), column(sTop, design*du, func(y int) int { return 4*du + (y-sTop)/4 })))
	case outfitRobe:
		// Wide lapels meeting low on the chest, and a high collar.
		depth := 12 * du
		sp.paint(mTrim, tri(centre-nhw-5*du, sTop-du, centre+nhw+5*du, sTop-du, centre, sTop+depth+4*du))
		sp.paint(mCloth, tri(centre-nhw-2*du, sTop-du, centre+nhw+2*du, sTop-du, centre, sTop+depth))
		sp.paint(mNeck, tri(centre-nhw, sTop-du, centre+nhw, sTop-du, centre, sTop+5*du))
		sp.paint(mTrim, tilt(box(centre-nhw-3*du, sTop-5*du, centre-nhw, sTop+du), -40, 0))
	case outfitArmor:
		sp.paint(mArmor, torsoShape(t, sTop))
		// A tabard in the cloth colour down the chest, edged in trim.
		sp.paint(mTrim, column(sTop+3*du, design*du, func(int) int { return 7 * du }))
		sp.paint(mCloth, column(sTop+4*du, design*du, func(int) int { return 6 * du }))
		// Pauldrons with a trim rim, and a gorget round the neck.
		drawPauldrons(sp, t, sTop)
		drawGorget(sp, t, sTop)
	case outfitCloak:
		roundNeck(false)
		open := func(y int) int { return 3*du + (y-sTop)*2/5 }
		sp.paint(mCape, minus(torsoShape(t, sTop-du), column(sTop+2*du, design*du, open)))
		sp.paint(mGold, box(centre-du, sTop+2*du, centre+du, sTop+4*du))
	case outfitNoble:
		roundNeck(false)
		// A stand collar and a gold chain with a medallion.
		sp.paint(mTrim, tilt(minus(clip(ellipse(centre, sTop, nhw+4*du, 5*du), sTop-4*du, sTop+2*du),
			ellipse(centre, sTop, nhw+du+du/2, 3*du)), -30, -20))
		sp.paint(mGold, minus(clip(ellipse(centre, sTop+2*du, nhw+6*du, 9*du), sTop+4*du, sTop+12*du),
			ellipse(centre, sTop+2*du, nhw+5*du, 8*du)))
		sp.paint(mGem, ellipse(centre, sTop+11*du, 2*du, 2*du))
	}
}

func drawFacialHair(sp *sprite, t *traits, l layout, head shape, r *rng) {
	mw := t.mouthW
	moustache := func() {
		sp.paint(mBeard, box((32-mw-1)*du, (l.mouthRow-2)*du, centre, (l.mouthRow)*du))
		sp.paint(mBeard, box((32-mw-2)*du, (l.mouthRow-1)*du, (32-mw)*du, (l.mouthRow+2)*du))
	}
	chin := t.headY + t.headRY
	switch t.face {
	case faceStubble:
		region := union(clip(head, (l.mouthRow-2)*du, chin+du), clip(head, (l.noseRow+1)*du, chin+du))
		sp.paintOver(mStubble, []material{mSkin}, func(x, y int) (bool, int, int) {
			in, _, _ := region(x, y)
			return in && abs(x-centre) > du, 0, 0
		})
	case faceMoustache:
		moustache()
	case faceGoatee:
		sp.paint(mBeard, column((l.mouthRow+2)*du, chin+3*du, func(y int) int { return 2*du - max(0, y-chin)/2 }))
		moustache()
	case faceBeard:
		jag := jagged(r, 2*du)
		strand := jagged(r, 70)
		end := chin + t.beardLen*du
		jawW := t.headRX * t.jaw / 100
		sideburn := (l.eyeRow + 2) * du
		sp.paint(mBeard, func(x, y int) (bool, int, int) {
			dx := abs(x - centre)
			if in, nx, ny := head(x, y); in {
				if (y >= sideburn && dx >= t.headRX-3*du) || y >= (l.noseRow+2)*du {
					return true, nx + strand[clamp(x/du, 0, design-1)] - 35, ny
				}
				return false, 0, 0
			}
			if y < chin-3*du || y >= end-jag[clamp(x/du, 0, design-1)] {
				return false, 0, 0
			}
			tt := (y - (chin - 3*du)) * 1000 / max(end-(chin-3*du), 1)
			w := jawW * (1000 - tt*tt/1300) / 1000
			if dx >= max(w, du) {
				return false, 0, 0
			}
			return true, (x-centre)*60/max(w, du) + strand[clamp(x/du, 0, design-1)] - 35, 30 + tt/20
		})
		moustache()
	}
}

func drawHair(sp *sprite, t *traits, l layout, r *rng) {
	if t.hair == hairBald {
		if t.old && t.head == wearNone {
			// A fringe of hair round the back of a bald head.
			sp.paint(mHair, minus(clip(ellipse(centre, t.headY-du, t.headRX+du, t.headRY), (l.browRow-1)*du, (l.eyeRow+2)*du),
				column(0, design*du, func(int) int { return t.headRX - du })))
		}
		return
	}
	hrx, hry, hy := t.headRX, t.headRY, t.headY
	er := l.eyeRow * du
	jag := jagged(r, du)
	// hairline is the lowest row hair reaches at a distance dx from the centre line.
	hairline := func(dx int) int {
		var y int
		switch t.fringe {
		case 0: // straight bangs
			y = er - 3*du + jag[clamp(dx/du, 0, design-1)]
		case 1: // middle part
			y = er - 6*du + dx*2/5
		case 2: // swept
			y = er - 4*du - dx/4 + jag[clamp(dx/du, 0, design-1)]*2
		default: // receding
			y = er - 8*du + dx/5
		}
		if dx >= hrx-2*du {
			y = max(y, er+du) // sideburns at the temples
		}
		return y
	}
	capRX, capRY := hrx+du+du/4, hry+du
	if t.hair == hairShort && !t.female {
		capRX = hrx + du/2
	}
	// The crown's silhouette is tufted: each column reaches up a little more or less.
	tuft := jagged(r, du)
	capAt := func(x, y int) (bool, int, int) {
		return ellipse(centre, hy-du, capRX, capRY+tuft[clamp(x/du, 0, design-1)]-du/2)(x, y)
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
		return true, nx + strand[clamp(x/du+y/(2*du), 0, design-1)] - 25, ny
	})
	switch t.hair {
	case hairSpiky:
		if t.head != wearNone && t.head != wearCrown {
			break
		}
		// Spikes across the crown, tallest in the middle, leaning outwards, each rooted
		// on the cap's own outline.
		for i := range 4 {
			x := centre - du/2 - i*3*du
			dx := x - centre
			root := hy - du - capRY*isqrt(max(0, 1000000-(dx*1000/capRX)*(dx*1000/capRX)))/1000 + 2*du
			h := r.between(4, 6)*du - i*du/2
			sp.paint(mHair, tri(x-2*du, root, x+2*du, root, x-i*du-du/2, root-h-2*du))
		}
	case hairBraids:
		if t.head == wearHood {
			break
		}
		x0 := centre - hrx - du/2
		bottom := (l.mouthRow + 15) * du
		sp.paint(mHair, func(x, y int) (bool, int, int) {
			if y < er || y >= bottom || x < x0-du-du/2 || x >= x0+2*du {
				return false, 0, 0
			}
			// Alternate the normal every two units: the braid's plaits catch the light.
			seg := ((y - er) / (2 * du)) % 2
			return true, (x - x0) * 40 / du, seg*120 - 60
		})
		sp.paint(mTrim, box(x0-du-du/2, bottom, x0+2*du, bottom+du))
		sp.paint(mHair, box(x0-du, bottom+du, x0+du+du/2, bottom+3*du))
	case hairLong:
		// Side curtains framing the face.
		sp.paint(mHair, func(x, y int) (bool, int, int) {
			dx := abs(x - centre)
			if y < hy-4*du || y >= hy+hry-du || dx < hrx-du || dx >= hrx+2*du {
				return false, 0, 0
			}
			return true, -50, 0
		})
	}
}

func drawHeadwear(sp *sprite, t *traits, l layout) {
	hrx, hry, hy := t.headRX, t.headRY, t.headY
	top := hy - hry
	brow := l.browRow * du
	switch t.head {
	case wearHood:
		// The hood's cowl drapes to the shoulders; the cloak below it is the outfit's.
		sTop := hy + hry + 3*du
		outer := union(ellipse(centre, hy-du, hrx+4*du+du/2, hry+3*du+du/2),
			column(hy, sTop+4*du, func(y int) int { return hrx + 4*du + (y-hy)/5 }))
		face := clip(ellipse(centre, hy+2*du, hrx-du/4, hry), top+4*du, design*du)
		sp.paint(mHat, minus(outer, face))
		if t.hair == hairLong || t.hair == hairBraids {
			// Long hair spills out of the hood and down over the chest.
			sp.paint(mHair, func(x, y int) (bool, int, int) {
				dx := centre - x
				if y < hy-2*du || y >= sTop+7*du-abs(dx-hrx)/2 || dx < hrx-3*du || dx >= hrx+du {
					return false, 0, 0
				}
				return true, -40 + (dx-hrx+3*du)*30/(4*du), 10
			})
		}
	case wearHelmet:
		dome := ellipse(centre, hy-du, hrx+2*du, hry+2*du)
		sp.paint(mHelm, clip(dome, 0, brow))
		sp.paint(mHelm, tilt(clip(dome, brow-2*du, brow), 0, 60))
		sp.paint(mHelm, box(centre-du, brow-2*du, centre+du, (l.noseRow)*du))
		if t.helmGuards {
			// Cheek guards.
			sp.paint(mHelm, minus(clip(dome, brow, (l.mouthRow)*du), column(0, design*du, func(int) int { return hrx - 2*du })))
		}
		if t.plume {
			sp.paint(mTrim, column(top-7*du, top+2*du, func(y int) int { return 2*du - abs(y-(top-3*du))/6 }))
		}
		if t.horns {
			t.horns = false
			for i := range 6 {
				x := centre - hrx - du - i*du - i*i*du/4
				y := hy - 6*du - i*2*du + i*i*du/3
				sp.paint(mHorn, ellipse(x, y, 2*du+du/2-i*du/3, 2*du+du/2-i*du/3))
			}
		}
	case wearWizard:
		brim := top + 3*du
		sp.paint(mHat, column(du, brim+du, func(y int) int { return du + (hrx+2*du-du)*(y-du)/(brim-du) }))
		sp.paint(mTrim, clip(column(du, brim+du, func(y int) int { return du + (hrx+2*du-du)*(y-du)/(brim-du) }), brim-3*du, brim))
		sp.paint(mHat, tilt(ellipse(centre, brim+du/2, hrx+8*du, 2*du+du/4), 0, 30))
	case wearCrown:
		band := top + 3*du
		sp.paint(mGold, box(centre-hrx-du/2, band, centre, band+3*du))
		for i := range 3 {
			x := centre - i*(hrx/2)
			h := 5*du - i*du
			sp.paint(mGold, tri(x-2*du, band+du, x+2*du, band+du, x, band-h))
			sp.paint(mGem, cell(x/du-1, (band-h)/du, 1, 1))
		}
		sp.paint(mGem, box(centre-du, band+du, centre+du, band+2*du))
	case wearCirclet:
		// A thin gold band across the brow, set with a gem over the nose.
		y := brow - 3*du
		sp.paint(mGold, box(centre-hrx-du/2, y, centre, y+du))
		sp.paint(mGold, ellipse(centre, y+du/2, 2*du, 2*du))
		sp.paint(mGem, ellipse(centre, y+du/2, du+du/4, du+du/4))
	case wearFlowers:
		// A wreath of leaves round the crown of the head, set with flowers.
		band := top + 4*du
		sp.paint(mHat, tilt(box(centre-hrx-du, band, centre, band+2*du), 0, -20))
		for i := range 3 {
			x, y := centre-i*(hrx/2+du), band+du-i*du/2
			for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
				sp.paint(mFlower, ellipse(x+d[0]*du, y+d[1]*du, du+du/4, du+du/4))
			}
			sp.paint(mFlowerMid, ellipse(x, y, du/2+du/4, du/2+du/4))
		}
	case wearCap:
		// A flat cap: a crown wider than the head, a band, and a short peak catching the
		// light over the brow.
		brim := top + 5*du
		sp.paint(mHat, clip(ellipse(centre, brim-du, hrx+2*du+du/2, 7*du), 0, brim))
		sp.paint(mTrim, clip(ellipse(centre, brim-du, hrx+2*du+du/2, 7*du), brim-du-du/2, brim))
		sp.paint(mHat, tilt(clip(ellipse(centre, brim, hrx+du/2, 2*du), brim, brim+2*du), 0, -70))
	}
}
