package pixelart

import (
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// Faces: the nine emotions as brows, eyes and a mouth placed pixel by pixel on the design
// grid, as a pixel artist draws an expression sheet. The symmetric part of each face is
// drawn before mirroring (drawExpression); the one-sided touches (a raised brow, a sneer,
// a tear, a sideways glance) after it (expressionTouches).

// emotionWords are the mood words that give an avatar its expression when the request
// names no Emotion; the earliest one in the prompt wins ("a kind but stern old man" is
// kind).
var emotionWords = []struct {
	e     domain.Emotion
	words []string
}{
	{domain.EmotionJoy, []string{"smiling", "smile", "smiles", "grinning", "grin", "grins", "laughing", "laughs", "happy", "cheerful", "jolly", "merry", "joyful", "joyous", "cheery", "beaming", "delighted", "gleeful", "jovial"}},
	{domain.EmotionTrust, []string{"kind", "kindly", "gentle", "friendly", "warm", "serene", "trusting", "trustworthy", "loyal", "soft smile", "benevolent", "caring", "compassionate", "warm-hearted", "welcoming", "motherly", "fatherly"}},
	{domain.EmotionFear, []string{"scared", "frightened", "afraid", "fearful", "terrified", "nervous", "anxious", "timid", "panicked", "worried", "horrified", "cowering", "petrified"}},
	{domain.EmotionSurprise, []string{"surprised", "shocked", "astonished", "amazed", "startled", "wide-eyed", "stunned", "awestruck", "gasping"}},
	{domain.EmotionSadness, []string{"sad", "sorrowful", "melancholy", "melancholic", "weary", "tired", "crying", "tearful", "grieving", "mournful", "gloomy", "depressed", "unhappy", "forlorn", "weeping", "heartbroken", "despairing", "downcast"}},
	{domain.EmotionDisgust, []string{"disgusted", "sneering", "sneer", "sneers", "contemptuous", "disdainful", "haughty", "revolted", "arrogant", "scornful", "snooty", "repulsed"}},
	{domain.EmotionAnger, []string{"angry", "furious", "scowling", "scowl", "scowls", "grumpy", "stern", "fierce", "menacing", "cruel", "mean", "snarling", "enraged", "irate", "surly", "gruff", "severe", "hostile", "wrathful", "brooding", "sinister", "evil", "raging", "glaring", "frowning", "grim-faced"}},
	{domain.EmotionAnticipation, []string{"eager", "curious", "mischievous", "sly", "smirking", "smirk", "cunning", "scheming", "expectant", "alert", "excited", "keen", "wry", "playful", "impish", "devious", "crafty", "wily"}},
	{domain.EmotionNeutral, []string{"neutral", "calm", "stoic", "expressionless", "impassive", "composed", "blank", "placid", "deadpan", "serious"}},
}

// emotionOf returns the emotion the prompt's earliest mood word names.
func emotionOf(w words) (domain.Emotion, bool) {
	best, at := domain.Emotion(""), -1
	for _, ew := range emotionWords {
		for _, word := range ew.words {
			if !w.has(word) {
				continue
			}
			// index searches the hyphen-split text, so "wide-eyed" is looked up as
			// "wide eyed".
			if i := w.index(strings.ReplaceAll(word, "-", " ")); i >= 0 && (at < 0 || i < at) {
				best, at = ew.e, i
			}
		}
	}
	return best, at >= 0
}

// knownEmotion reports whether e is one of the nine.
func knownEmotion(e domain.Emotion) bool {
	switch e {
	case domain.EmotionNeutral, domain.EmotionJoy, domain.EmotionTrust, domain.EmotionFear, domain.EmotionSurprise,
		domain.EmotionSadness, domain.EmotionDisgust, domain.EmotionAnger, domain.EmotionAnticipation:
		return true
	}
	return false
}

// seededEmotion is the expression the seed gives a portrait whose prompt names no mood:
// mostly calm or warm, sometimes a grin, a knowing look or a scowl; never fear,
// surprise, sadness or disgust, which a portrait should not wear by chance.
func seededEmotion(r *rng) domain.Emotion {
	return []domain.Emotion{domain.EmotionNeutral, domain.EmotionTrust, domain.EmotionJoy, domain.EmotionAnticipation,
		domain.EmotionAnger}[r.pick(40, 34, 10, 10, 6)]
}

// An eyeShape is a small template of one (the left) eye: rows from top relative to the
// eye row, columns from one left of the eye to one right of it. '.' leaves the pixel,
// 'L' is the lid line, 'l' a lash drawn on women only, 'W' the white, 'I' the iris and
// 'c' a crease in the skin.
type eyeShape struct {
	top  int
	rows []string
}

// The eye shapes: open (calm), wide (surprise), fear's wide eyes under raised lids,
// joy's smiling arch, anger's narrowed lids, disgust's squint, sadness's drooping lids.
var (
	eyeOpen   = eyeShape{-1, []string{"l.....", ".LLLL.", ".WIIW.", "..II.."}}
	eyeWide   = eyeShape{-2, []string{"l.....", ".LLLL.", ".WIIW.", ".WIIW.", "..WW.."}}
	eyeFear   = eyeShape{-2, []string{"l.....", "..LLL.", ".LWWW.", ".WIIW.", "..WW.."}}
	eyeSmile  = eyeShape{0, []string{"l.LL..", ".LIIL."}}
	eyeNarrow = eyeShape{0, []string{"......", "lLLLL.", ".WIIW."}}
	eyeSquint = eyeShape{0, []string{"......", "lLLLL.", ".WIIW.", "..cc.."}}
	eyeDroop  = eyeShape{0, []string{"..LLL.", "lLIIW.", "..II.."}}

	// The anime eyes: taller irises under a heavy lash line that flicks outwards.
	bigOpen   = eyeShape{-2, []string{"L.....", "LLLLL.", ".WIIW.", ".WIIW.", "..II.."}}
	bigWide   = eyeShape{-3, []string{"L.....", "LLLLL.", ".WWWW.", ".WIIW.", ".WIIW.", "..II.."}}
	bigFear   = eyeShape{-3, []string{"L.....", "LLLLL.", ".WWWW.", ".WIIW.", "..WW.."}}
	bigSmile  = eyeShape{-1, []string{"L.LL..", "LLIIL.", "..II.."}}
	bigNarrow = eyeShape{-1, []string{"L.....", "LLLLL.", ".WIIW.", "..II.."}}
	bigSquint = eyeShape{-1, []string{"L.....", "LLLLL.", ".WIIW.", "..II..", "..cc.."}}
	bigDroop  = eyeShape{-1, []string{"..LLL.", "LLIIW.", ".WIIW.", "..II.."}}
)

// A mouthShape is a template of the mouth's left half, right-aligned on the centre line:
// rows from top relative to the mouth row, four columns for a narrow mouth; a wide mouth
// repeats column stretch. 'M' is the mouth line, 'O' the dark inside, 'T' teeth, 'L' the
// lower lip's light. closed mouths get a woman's upper-lip colour.
type mouthShape struct {
	top     int
	rows    []string
	stretch int
	closed  bool
}

// The mouths: a straight line, a soft closed smile, an open grin, fear's clenched
// grimace, surprise's round O, a frown, anger's wide scowl, and the plain line disgust
// curls up on one side.
var (
	mouthLine     = mouthShape{0, []string{"..MM", "...L"}, 3, true}
	mouthSoft     = mouthShape{-1, []string{".M..", "..MM", "...L"}, 3, true}
	mouthGrin     = mouthShape{-1, []string{".M..", "..MM", "..MT", "...M"}, 3, false}
	mouthGrimace  = mouthShape{0, []string{"..MM", ".MTT", "..MM"}, 3, false}
	mouthO        = mouthShape{-1, []string{"...M", "..MO", "..MO", "...M"}, 0, false}
	mouthFrown    = mouthShape{0, []string{"...M", "..M."}, 3, true}
	mouthScowl    = mouthShape{0, []string{".MMM", "M..."}, 3, true}
	mouthBaseLine = mouthShape{0, []string{"..MM"}, 3, true}
)

// faceLook is one emotion's face: each brow pixel's row offset (outer end first,
// negative is up), the eyes, the mouth, and whether the brows knit over the nose.
type faceLook struct {
	brow        [4]int
	eye, bigEye eyeShape
	mouth       mouthShape
	knit        bool
}

// faceFor returns the face of an emotion; anything else is the neutral face.
func faceFor(e domain.Emotion) faceLook {
	switch e {
	case domain.EmotionJoy:
		return faceLook{[4]int{0, -1, -1, 0}, eyeSmile, bigSmile, mouthGrin, false}
	case domain.EmotionTrust:
		return faceLook{[4]int{1, 0, 0, 0}, eyeOpen, bigOpen, mouthSoft, false}
	case domain.EmotionFear:
		return faceLook{[4]int{-1, -1, -2, -2}, eyeFear, bigFear, mouthGrimace, false}
	case domain.EmotionSurprise:
		return faceLook{[4]int{-1, -2, -2, -1}, eyeWide, bigWide, mouthO, false}
	case domain.EmotionSadness:
		return faceLook{[4]int{1, 1, 0, -1}, eyeDroop, bigDroop, mouthFrown, false}
	case domain.EmotionDisgust:
		return faceLook{[4]int{0, 0, 1, 1}, eyeSquint, bigSquint, mouthBaseLine, false}
	case domain.EmotionAnger:
		return faceLook{[4]int{-1, 0, 1, 2}, eyeNarrow, bigNarrow, mouthScowl, true}
	case domain.EmotionAnticipation:
		return faceLook{[4]int{0, 0, 0, 0}, eyeOpen, bigOpen, mouthLine, false}
	}
	return faceLook{[4]int{0, 0, 0, 0}, eyeOpen, bigOpen, mouthLine, false}
}

// drawExpression paints the symmetric part of the face: brows, eyes and mouth.
func drawExpression(sp *sprite, t *traits, l layout, bigEyes bool) {
	f := faceFor(t.emotion)
	ec, er := l.eyeCol, l.eyeRow
	eye := f.eye
	if bigEyes {
		eye = f.bigEye
	}
	irisRow := -1
	for i, row := range eye.rows {
		y := er + eye.top + i
		for j, ch := range row {
			x := ec - 1 + j
			switch ch {
			case 'L':
				sp.paint(mLid, cell(x, y, 1, 1))
			case 'l':
				if t.female {
					sp.paint(mLid, cell(x, y, 1, 1))
				}
			case 'W':
				sp.paint(mEyeWhite, cell(x, y, 1, 1))
			case 'I':
				sp.paint(mIris, cell(x, y, 1, 1))
				if irisRow < 0 {
					irisRow = y
				}
			case 'c':
				sp.paint(mWrinkle, cell(x, y, 1, 1))
			}
		}
	}
	if t.glowEyes && irisRow >= 0 {
		// A glow spills onto the skin beside each eye.
		sp.paintOver(mHalo, []material{mSkin}, cell(ec-1, irisRow, 1, 1))
		sp.paintOver(mHalo, []material{mSkin}, cell(ec+4, irisRow, 1, 1))
	}
	// Brows, shaped by the mood.
	for i, d := range f.brow {
		sp.paint(mBrow, cell(ec+i, l.browRow+d, 1, 1))
	}
	if f.knit {
		// Knitted brows meet over the nose, with a crease between them.
		sp.paint(mBrow, cell(ec+4, l.browRow+f.brow[3], 1, 1))
		sp.paint(mWrinkle, cell(31, l.browRow, 1, 2))
	}
	// The mouth.
	mw, mr := t.mouthW, l.mouthRow
	m := f.mouth
	for i, row := range m.rows {
		if mw >= 3 {
			row = row[:m.stretch] + row[m.stretch:m.stretch+1] + row[m.stretch:]
		}
		y := mr + m.top + i
		x0 := 32 - len(row)
		for j, ch := range row {
			var mat material
			switch ch {
			case 'M':
				mat = mMouth
			case 'O':
				mat = mMouthIn
			case 'T':
				mat = mTeeth
			case 'L':
				mat = mLip
			default:
				continue
			}
			sp.paint(mat, cell(x0+j, y, 1, 1))
		}
	}
	if t.female && m.closed {
		sp.paint(mLip, cell(32-mw+1, mr-1, mw-1, 1))
	}
}

// expressionTouches adds the one-sided parts of a face, after mirroring: the raised brow
// and sideways glance of anticipation, the sneer of disgust, the tear of sadness and the
// sweat of fear. The right half of the grid is the character's left.
func expressionTouches(sp *sprite, t *traits, l layout, bigEyes bool) {
	ec, er, br, mr, mw := l.eyeCol, l.eyeRow, l.browRow, l.mouthRow, t.mouthW
	rx := func(x int) int { return 63 - x } // the mirror of a left-half column
	head := headShape(t)
	switch t.emotion {
	case domain.EmotionAnticipation:
		// One brow arches up.
		for i, d := range [4]int{-1, -2, -2, -1} {
			x := rx(ec + i)
			if sp.matAt(x, br) == mBrow {
				sp.restore(head, x, br)
				sp.dot(mBrow, x, br+d)
			}
		}
		// Both irises slide towards the character's left: a sideways, expectant look.
		// Each eye spans four columns from a; its iris moves from a+1..a+2 to a+2..a+3.
		for _, a := range []int{ec, rx(ec + 3)} {
			for y := er - 3; y <= er+3; y++ {
				if sp.matAt(a+1, y) != mIris || sp.matAt(a+2, y) != mIris {
					continue
				}
				switch sp.matAt(a+3, y) {
				case mEyeWhite:
					sp.dot(mIris, a+3, y)
					sp.dot(mEyeWhite, a+1, y)
				case mSkin:
					sp.dot(mIris, a+3, y)
					sp.restore(head, a+1, y)
				}
			}
		}
		// A corner of the mouth lifts.
		sp.dot(mMouth, 32+mw, mr-1)
	case domain.EmotionDisgust:
		// The upper lip curls up on one side, baring the teeth, and the nose wrinkles.
		for x := 32; x < 32+mw; x++ {
			sp.dot(mMouth, x, mr-1)
			sp.dot(mTeeth, x, mr)
		}
		sp.dot(mMouth, 32+mw, mr-1)
		nr := l.noseRow
		for _, d := range [2][2]int{{34, nr - 1}, {35, nr - 2}} {
			if m := sp.matAt(d[0], d[1]); m == mSkin || m == mStubble {
				sp.dot(mWrinkle, d[0], d[1])
			}
		}
	case domain.EmotionSadness:
		// A tear runs from one eye.
		for y := er + 3; y <= er+4; y++ {
			if m := sp.matAt(ec+1, y); m == mSkin || m == mBlush || m == mStubble || m == mWrinkle {
				sp.dot(mTear, ec+1, y)
			}
		}
	case domain.EmotionFear:
		// A bead of sweat at the temple.
		x := rx(ec) + 2
		for y := br; y <= br+1; y++ {
			if m := sp.matAt(x, y); m == mSkin {
				sp.dot(mTear, x, y)
			}
		}
	}
}

// restore puts skin back at the design pixel (ux, uy), with the head's own normals, where
// a one-sided touch moves a feature away.
func (sp *sprite) restore(head shape, ux, uy int) {
	if ux < 0 || uy < 0 || ux >= design || uy >= design {
		return
	}
	for dy := range sp.s {
		for dx := range sp.s {
			px, py := ux*sp.s+dx, uy*sp.s+dy
			i := py*sp.n + px
			sp.mat[i] = mSkin
			_, nx, ny := head(sp.pos(px), sp.pos(py))
			sp.nx[i], sp.ny[i] = int8(clamp(nx, -100, 100)), int8(clamp(ny, -100, 100))
		}
	}
}
