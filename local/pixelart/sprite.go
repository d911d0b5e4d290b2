package pixelart

// The avatar's mask: a grid of materials and surface normals, drawn on the left half only
// and mirrored (Bollinger's mask-and-mirror), then given a 1-pixel outline.

// q is the number of fixed-point steps in one design unit. The bust is designed on a
// 64×64 unit grid; a sprite samples it at one (pixel art) or two (realistic) pixels per
// unit, so every shape is written once and rendered at either resolution.
const (
	q      = 16
	design = 64
	centre = design / 2 * q
)

// material is what a mask pixel is made of.
type material uint8

// The materials, roughly back to front. The order of the "body" materials (up to
// mFlower) is their depth: where two meet, the nearer one draws the contour.
const (
	mNone material = iota
	mCloth
	mCape
	mTrim
	mArmor
	mApron
	mHairBack
	mNeck
	mScarf
	mEar
	mSkin
	mBeard
	mHair
	mHat
	mHelm
	mGold
	mHorn
	mFeather
	mFlower
	// Features sit on a body part and draw no contours of their own.
	mEyeWhite
	mIris
	mLid
	mBrow
	mMouth
	mMouthIn
	mTeeth
	mLip
	mTusk
	mGlow
	mHalo
	mFrame
	mNoseShade
	mNoseLight
	mBlush
	mScar
	mScarShade
	mPatch
	mStubble
	mWrinkle
	mGrille
	mGem
	mGlint
	mTear
	mFur
	mScale
	mFreckle
	mTattoo
	mFlowerMid
	mMuzzle
	mNosePad
	mOutline
)

// isBody reports whether m is a body part (which takes light and draws contours) rather
// than a feature or the outline.
func (m material) isBody() bool { return m > mNone && m <= mFlower }

// sprite is an avatar mask at n×n pixels, s pixels per design unit.
type sprite struct {
	n, s int
	mat  []material
	// nx, ny are each pixel's surface normal, −100..100 (z is implied), for lighting.
	nx, ny []int8
}

// newSprite returns an empty mask grid pixels square.
func newSprite(grid int) *sprite {
	return &sprite{n: grid, s: grid / design, mat: make([]material, grid*grid),
		nx: make([]int8, grid*grid), ny: make([]int8, grid*grid)}
}

// shape tests a point in fixed-point design units (q per unit) and returns whether it is
// inside and the surface normal there.
type shape func(x, y int) (in bool, nx, ny int)

// pos returns the fixed-point design coordinate of the centre of pixel p.
func (sp *sprite) pos(p int) int { return (2*p + 1) * q / (2 * sp.s) }

// paint fills the left half of the shape with m. Everything is painted back to front, so
// later shapes cover earlier ones.
func (sp *sprite) paint(m material, sh shape) {
	half := sp.n / 2
	for py := range sp.n {
		y := sp.pos(py)
		for px := range half {
			if in, nx, ny := sh(sp.pos(px), y); in {
				i := py*sp.n + px
				sp.mat[i] = m
				sp.nx[i], sp.ny[i] = int8(clamp(nx, -100, 100)), int8(clamp(ny, -100, 100))
			}
		}
	}
}

// paintFlat fills the left half of the shape with m, keeping the normals already there
// (for features drawn onto a lit surface).
func (sp *sprite) paintFlat(m material, sh shape) {
	half := sp.n / 2
	for py := range sp.n {
		y := sp.pos(py)
		for px := range half {
			if in, _, _ := sh(sp.pos(px), y); in {
				sp.mat[py*sp.n+px] = m
			}
		}
	}
}

// paintWhole fills the whole shape with m, on both halves: the one-sided parts (a
// feather, a flower, a scarf's tail) painted after mirroring.
func (sp *sprite) paintWhole(m material, sh shape) {
	for py := range sp.n {
		y := sp.pos(py)
		for px := range sp.n {
			if in, nx, ny := sh(sp.pos(px), y); in {
				i := py*sp.n + px
				sp.mat[i] = m
				sp.nx[i], sp.ny[i] = int8(clamp(nx, -100, 100)), int8(clamp(ny, -100, 100))
			}
		}
	}
}

// mirror copies the left half onto the right, flipping the normals' x.
func (sp *sprite) mirror() {
	for py := range sp.n {
		row := py * sp.n
		for px := range sp.n / 2 {
			i, j := row+px, row+sp.n-1-px
			sp.mat[j], sp.nx[j], sp.ny[j] = sp.mat[i], -sp.nx[i], sp.ny[i]
		}
	}
}

// outline turns every empty pixel 4-adjacent to the figure into outline (Bollinger's
// border pass), so the figure reads against any backdrop.
func (sp *sprite) outline() {
	n := sp.n
	out := make([]bool, len(sp.mat))
	for py := range n {
		for px := range n {
			if sp.mat[py*n+px] != mNone {
				continue
			}
			for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
				x, y := px+d[0], py+d[1]
				if x >= 0 && y >= 0 && x < n && y < n {
					if m := sp.mat[y*n+x]; m != mNone && m != mOutline {
						out[py*n+px] = true
						break
					}
				}
			}
		}
	}
	for i, o := range out {
		if o {
			sp.mat[i] = mOutline
		}
	}
}

// dot sets one pixel's material by its 64-grid design coordinates (each covering s×s
// pixels), on either half: the asymmetric touches (glints, scars, the nose's shadow side)
// that make a mirrored face look lit and alive.
func (sp *sprite) dot(m material, ux, uy int) {
	if ux < 0 || uy < 0 || ux >= design || uy >= design {
		return
	}
	for dy := range sp.s {
		for dx := range sp.s {
			sp.mat[(uy*sp.s+dy)*sp.n+ux*sp.s+dx] = m
		}
	}
}

// matAt returns the material at 64-grid design coordinates (the top-left pixel of the
// unit), or mNone outside.
func (sp *sprite) matAt(ux, uy int) material {
	if ux < 0 || uy < 0 || ux >= design || uy >= design {
		return mNone
	}
	return sp.mat[uy*sp.s*sp.n+ux*sp.s]
}

// The shapes. All coordinates are fixed-point design units.

// ellipse is an axis-aligned ellipse with a domed normal.
func ellipse(cx, cy, rx, ry int) shape {
	rx, ry = max(rx, 1), max(ry, 1)
	r2 := int64(rx) * int64(rx) * int64(ry) * int64(ry)
	return func(x, y int) (bool, int, int) {
		dx, dy := int64(x-cx), int64(y-cy)
		if dx*dx*int64(ry)*int64(ry)+dy*dy*int64(rx)*int64(rx) > r2 {
			return false, 0, 0
		}
		return true, int(dx * 100 / int64(rx)), int(dy * 100 / int64(ry))
	}
}

// box is the rectangle [x0, x1)×[y0, y1), facing the viewer.
func box(x0, y0, x1, y1 int) shape {
	return func(x, y int) (bool, int, int) {
		return x >= x0 && x < x1 && y >= y0 && y < y1, 0, 0
	}
}

// column is a shape symmetric about the centre line: between y0 and y1 it is hw(y) wide
// either side. Its normal curves round like a cylinder's.
func column(y0, y1 int, hw func(y int) int) shape {
	return func(x, y int) (bool, int, int) {
		if y < y0 || y >= y1 {
			return false, 0, 0
		}
		w := hw(y)
		dx := x - centre
		if w <= 0 || abs(dx) >= w {
			return false, 0, 0
		}
		return true, dx * 80 / w, 0
	}
}

// tri is the triangle a, b, c, facing the viewer.
func tri(ax, ay, bx, by, cx, cy int) shape {
	edge := func(px, py, qx, qy, x, y int) int64 {
		return int64(qx-px)*int64(y-py) - int64(qy-py)*int64(x-px)
	}
	return func(x, y int) (bool, int, int) {
		e1, e2, e3 := edge(ax, ay, bx, by, x, y), edge(bx, by, cx, cy, x, y), edge(cx, cy, ax, ay, x, y)
		in := (e1 >= 0 && e2 >= 0 && e3 >= 0) || (e1 <= 0 && e2 <= 0 && e3 <= 0)
		return in, 0, 0
	}
}

// union is inside either shape, with the first one's normal where both are.
func union(shapes ...shape) shape {
	return func(x, y int) (bool, int, int) {
		for _, s := range shapes {
			if in, nx, ny := s(x, y); in {
				return true, nx, ny
			}
		}
		return false, 0, 0
	}
}

// minus is inside a but not b.
func minus(a, b shape) shape {
	return func(x, y int) (bool, int, int) {
		if in, _, _ := b(x, y); in {
			return false, 0, 0
		}
		return a(x, y)
	}
}

// clip is inside a and within the rows [y0, y1).
func clip(a shape, y0, y1 int) shape {
	return func(x, y int) (bool, int, int) {
		if y < y0 || y >= y1 {
			return false, 0, 0
		}
		return a(x, y)
	}
}

// tilt adds to a shape's normal, to bend the light on it (a hat brim, a visor).
func tilt(a shape, dnx, dny int) shape {
	return func(x, y int) (bool, int, int) {
		in, nx, ny := a(x, y)
		return in, nx + dnx, ny + dny
	}
}
