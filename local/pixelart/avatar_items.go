package pixelart

// The items a prompt can add to any outfit (aprons, scarves, necklaces, amulets, collars,
// armour pieces, earrings, feathers, flowers) and the skin's own patterns (fur, scales,
// tattoos, freckles), on the same design grid as the rest of the mask.

// shouldersTop is the row (fixed point) where the neck meets the shoulders.
func shouldersTop(t *traits) int { return t.headY + t.headRY + 3*du }

// drawItems paints the worn items that lie on the chest, over the outfit, on the left
// half (they are mirrored with the rest of the mask).
func drawItems(sp *sprite, t *traits) {
	sTop, nhw := shouldersTop(t), t.neckHW
	if t.cloak && t.outfit != outfitCloak {
		// A cloak over another outfit hangs from the shoulders, open over the chest.
		open := func(y int) int { return nhw + 5*du + (y-sTop)/3 }
		sp.paint(mCape, minus(torsoShape(t, sTop-du), column(sTop-2*du, design*du, open)))
		sp.paint(mGold, box(centre-nhw-5*du, sTop+du, centre-nhw-3*du, sTop+3*du))
	}
	if t.apron {
		// A bib apron: straps round the neck, the bib down the chest, a waist tie.
		sp.paint(mApron, column(sTop+5*du, design*du, func(y int) int { return 6*du + max(0, y-sTop-14*du)/3 }))
		sp.paint(mApron, minus(column(sTop-du, sTop+5*du, func(int) int { return 6 * du }),
			column(sTop-du, sTop+5*du, func(int) int { return 5 * du })))
		sp.paint(mTrim, box(centre-6*du-du/2, sTop+14*du, centre, sTop+15*du))
	}
	if t.breastplate && t.outfit != outfitArmor {
		// A breastplate over the clothes: a rimmed plate from the collarbones down,
		// narrower than the shoulders so the sleeves show, with a ridge down its middle.
		hw := func(extra int) func(int) int {
			return func(y int) int { return min(nhw+5*du+(y-sTop)/3, t.shoulderRX-5*du) + extra }
		}
		sp.paint(mTrim, column(sTop+du, design*du, hw(du)))
		sp.paint(mArmor, column(sTop+2*du, design*du, hw(0)))
		sp.paint(mArmor, tilt(column(sTop+3*du, design*du, func(int) int { return du }), -40, 0))
	}
	if t.pauldrons && t.outfit != outfitArmor {
		drawPauldrons(sp, t, sTop)
	}
	if t.gorget && t.outfit != outfitArmor {
		drawGorget(sp, t, sTop)
	}
	if t.necklace || t.amulet {
		// A chain of beads across the chest, and on an amulet a pendant set with a gem.
		depth := 7 * du
		if t.amulet {
			depth = 8 * du
		}
		sp.paint(mGold, minus(clip(ellipse(centre, sTop+du, nhw+4*du, depth), sTop+2*du, sTop+du+depth),
			ellipse(centre, sTop+du, nhw+3*du, depth-du)))
		if t.amulet {
			py := sTop + du + depth
			sp.paint(mGold, ellipse(centre, py+du, 2*du+du/2, 3*du))
			sp.paint(mGem, ellipse(centre, py+du, du+du/2, 2*du))
		}
	}
}

// drawCollarScarf paints what sits round the neck over the clothes: a scarf wound round
// it and a shirt collar's two points. It runs after the neck is painted.
func drawCollarScarf(sp *sprite, t *traits) {
	sTop, nhw := shouldersTop(t), t.neckHW
	if t.collar {
		sp.paint(mTrim, tri(centre-nhw-du, sTop-2*du, centre-du/2, sTop+2*du, centre-nhw-3*du, sTop+4*du))
		sp.paint(mTrim, tri(centre-nhw-du, sTop-2*du, centre-nhw+du, sTop-2*du, centre-du/2, sTop+2*du))
	}
	if t.scarf {
		sp.paint(mScarf, clip(ellipse(centre, sTop-du, nhw+3*du, 4*du), sTop-3*du, sTop+2*du+du/2))
		// Folds: a darker band where the scarf wraps over itself.
		sp.paint(mScarf, tilt(clip(ellipse(centre, sTop, nhw+2*du, 3*du), sTop, sTop+du), 0, 70))
	}
}

// drawPauldrons paints a shoulder plate with a trim rim and a rivet.
func drawPauldrons(sp *sprite, t *traits, sTop int) {
	px, py := centre-t.shoulderRX+6*du, sTop+4*du
	sp.paint(mTrim, ellipse(px, py, 8*du, 6*du))
	sp.paint(mArmor, ellipse(px, py-du/2, 7*du, 5*du))
	sp.paint(mGold, cell(px/du, py/du+2, 1, 1))
}

// drawGorget paints a steel collar round the base of the neck.
func drawGorget(sp *sprite, t *traits, sTop int) {
	nhw := t.neckHW
	sp.paint(mArmor, clip(ellipse(centre, sTop, nhw+3*du, 4*du), sTop-2*du, sTop+3*du))
	sp.paint(mNeck, clip(ellipse(centre, sTop-du, nhw, 2*du), sTop-2*du, sTop))
}

// drawEarrings hangs a gold drop from each ear lobe, over hair and hood alike.
func drawEarrings(sp *sprite, t *traits, l layout) {
	earY := l.eyeRow*du + 2*du
	x := centre - t.headRX + du/2
	sp.paint(mGold, ellipse(x, earY+4*du, du+du/4, du+du/2))
	sp.paint(mGem, ellipse(x, earY+5*du+du/2, du/2+du/4, du/2+du/4))
}

// drawFurTufts gives a furred face tufts at the cheeks, sticking out past the jaw.
func drawFurTufts(sp *sprite, t *traits, l layout) {
	x := centre - t.headRX
	for i := range 3 {
		y := (l.eyeRow+2)*du + i*3*du
		sp.paint(mSkin, tri(x+2*du, y, x+2*du, y+3*du, x-2*du+i*du, y+3*du+du/2))
	}
}

// drawMuzzle gives a beast a pale muzzle round the nose and mouth and a dark nose pad.
func drawMuzzle(sp *sprite, t *traits, l layout) {
	sp.paint(mMuzzle, ellipse(centre, (l.noseRow+2)*du, 5*du, 4*du+du/2))
	sp.paint(mNosePad, box(30*du, l.noseRow*du, centre, (l.noseRow+1)*du))
	sp.paint(mNosePad, box(31*du, (l.noseRow+1)*du, centre, (l.noseRow+2)*du))
}

// drawSkinPattern lays fur strokes or a scale pattern over the skin (before the features
// are painted over it). seed varies the fur's strokes.
func drawSkinPattern(sp *sprite, t *traits, seed uint64) {
	if t.fur {
		// Short vertical strokes, staggered row by row, with a hashed gap here and there.
		sp.paintOver(mFur, []material{mSkin, mNeck, mEar}, func(x, y int) (bool, int, int) {
			ux, uy := x/du, y/du
			band := uy / 3
			return (ux+2*band)&3 == 0 && uy%3 != 2 && hash2(seed, ux, band)%4 != 0, 0, 0
		})
	}
	if t.scales {
		// Rows of small arcs, each row offset by half a scale: \__/ \__/.
		sp.paintOver(mScale, []material{mSkin, mNeck}, func(x, y int) (bool, int, int) {
			ux, uy := x/du, y/du
			u := (ux + 2*((uy>>1)&1)) & 3
			if uy&1 == 0 {
				return u == 0, 0, 0
			}
			return u == 1 || u == 2, 0, 0
		})
	}
}

// accessorize paints the one-sided items after mirroring and before the outline, so they
// are outlined like the rest of the figure: a feather standing up from the character's
// left side of the head, a flower over the right ear, a scarf's loose end.
func accessorize(sp *sprite, t *traits) {
	hrx, hy, top := t.headRX, t.headY, t.headY-t.headRY
	if t.scarf {
		sTop := shouldersTop(t)
		x0 := centre + t.neckHW
		sp.paintWhole(mScarf, func(x, y int) (bool, int, int) {
			if y < sTop || y >= sTop+12*du {
				return false, 0, 0
			}
			// The tail hangs down and a little outwards.
			l := x0 + (y-sTop)/5
			return x >= l && x < l+3*du+du/2, -30, 20
		})
	}
	if t.feather {
		bx, by := centre+hrx-2*du, top+6*du
		tx, ty := centre+hrx+6*du, top-5*du
		if t.head == wearWizard {
			bx, by, tx, ty = centre+hrx+2*du, top+3*du, centre+hrx+9*du, top-5*du
		}
		sp.paintWhole(mFeather, featherShape(bx, by, tx, ty, 2*du+du/4))
	}
	if t.flower && t.head != wearFlowers {
		cx, cy := centre-hrx-du/2, hy-5*du
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			sp.paintWhole(mFlower, ellipse(cx+d[0]*(du+du/2), cy+d[1]*(du+du/2), du+du/2, du+du/2))
		}
		sp.paintWhole(mFlowerMid, ellipse(cx, cy, du, du))
	}
}

// featherShape is a feather from its quill at (bx, by) to its tip at (tx, ty), widest
// two thirds of the way up, lit on one side of the shaft and shaded on the other.
func featherShape(bx, by, tx, ty, maxW int) shape {
	ax, ay := int64(tx-bx), int64(ty-by)
	l2 := ax*ax + ay*ay
	l := int64(isqrt(int(l2)))
	return func(x, y int) (bool, int, int) {
		px, py := int64(x-bx), int64(y-by)
		along := (px*ax + py*ay) * 1000 / max(l2, 1) // 0 at the quill, 1000 at the tip
		if along < 0 || along > 1000 {
			return false, 0, 0
		}
		side := (px*ay - py*ax) / max(l, 1) // signed distance from the shaft
		// The vane swells to its widest at two thirds and tapers to a point.
		var w int64
		if along < 660 {
			w = int64(maxW) * along / 660
		} else {
			w = int64(maxW) * (1000 - along) / 340
		}
		if along < 120 {
			w = int64(du / 3) // the bare quill
		}
		if side < -w || side > w {
			return false, 0, 0
		}
		if side < 0 {
			return true, -40, -30
		}
		return true, 50, 10
	}
}

// drawMarkings adds the one-sided skin markings after mirroring: a tattoo of chevrons on
// the character's left cheek and freckles across both cheeks.
func drawMarkings(sp *sprite, t *traits, l layout, seed uint64) {
	onSkinPx := func(m material) bool {
		return m == mSkin || m == mStubble || m == mBlush || m == mFur || m == mScale
	}
	if t.tattoo {
		// A diamond on the brow, over the nose.
		br := l.browRow
		for _, d := range [6][2]int{{31, br - 4}, {32, br - 4}, {30, br - 3}, {33, br - 3}, {31, br - 2}, {32, br - 2}} {
			if onSkinPx(sp.matAt(d[0], d[1])) {
				sp.dot(mTattoo, d[0], d[1])
			}
		}
		cx := 63 - (l.eyeCol + 1)
		for _, y := range []int{l.eyeRow + 3, l.eyeRow + 5} {
			for _, d := range [3][2]int{{-1, 1}, {0, 0}, {1, 1}} {
				if onSkinPx(sp.matAt(cx+d[0], y+d[1])) {
					sp.dot(mTattoo, cx+d[0], y+d[1])
				}
			}
		}
		if onSkinPx(sp.matAt(cx, l.eyeRow+7)) {
			sp.dot(mTattoo, cx, l.eyeRow+7)
		}
	}
	if t.freckles {
		for _, side := range []int{0, 1} {
			for y := l.eyeRow + 3; y <= l.eyeRow+5; y++ {
				for x := l.eyeCol; x < l.eyeCol+5; x++ {
					fx := x
					if side == 1 {
						fx = 63 - x
					}
					if hash2(seed, fx, y)%3 == 0 && onSkinPx(sp.matAt(fx, y)) {
						sp.dot(mFreckle, fx, y)
					}
				}
			}
		}
	}
}
