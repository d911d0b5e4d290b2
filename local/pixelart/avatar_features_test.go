package pixelart

import (
	"bytes"
	"image"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

var allEmotions = []domain.Emotion{domain.EmotionNeutral, domain.EmotionJoy, domain.EmotionTrust, domain.EmotionFear,
	domain.EmotionSurprise, domain.EmotionSadness, domain.EmotionDisgust, domain.EmotionAnger, domain.EmotionAnticipation}

// withoutEmotion returns the traits but the emotion's.
func withoutEmotion(traits []string) []string {
	return slices.DeleteFunc(slices.Clone(traits), func(s string) bool { return strings.HasPrefix(s, "emotion:") })
}

// TestAvatarEmotions checks that the nine emotions of one character give nine different
// faces and nothing else: the same traits apart from the emotion, and every pixel that
// differs inside the head.
func TestAvatarEmotions(t *testing.T) {
	for _, style := range []string{domain.StylePixelArt, domain.StyleAnime, domain.StyleRealistic} {
		for _, prompt := range []string{"a dwarf blacksmith with a red beard", "a young elf woman with braids", "an orc warrior", "an old wizard"} {
			t.Run(style+"/"+prompt, func(t *testing.T) {
				base := avatar(prompt, 3)
				base.Style, base.Width, base.Height = style, 256, 256
				var (
					imgs   []image.Image
					datas  [][]byte
					traits []string
				)
				for _, e := range allEmotions {
					req := base
					req.Emotion = e
					res := generate(t, req)
					if !slices.Contains(res.Traits, "emotion:"+string(e)) {
						t.Errorf("%s: traits %v lack emotion:%s", e, res.Traits, e)
					}
					if rest := withoutEmotion(res.Traits); traits == nil {
						traits = rest
					} else if !slices.Equal(rest, traits) {
						t.Errorf("%s changes other traits:\n%v\n%v", e, rest, traits)
					}
					for j, d := range datas {
						if bytes.Equal(d, res.Data) {
							t.Errorf("%s draws the same picture as %s", e, allEmotions[j])
						}
					}
					datas = append(datas, res.Data)
					imgs = append(imgs, decode(t, res.Data))
				}
				// Only the face changes: every differing pixel is inside the head's box.
				a := buildAvatar(base, lookFor(style))
				scale := a.k * a.sp.s // output pixels per design unit
				x0, x1 := (a.tr.headRX*-1+centre)*scale/q+a.ox*a.k, (centre+a.tr.headRX)*scale/q+a.ox*a.k
				y0, y1 := (a.tr.headY-a.tr.headRY)*scale/q+a.oy*a.k, (a.tr.headY+a.tr.headRY)*scale/q+a.oy*a.k
				for i := 1; i < len(imgs); i++ {
					b := imgs[0].Bounds()
					for y := b.Min.Y; y < b.Max.Y; y++ {
						for x := b.Min.X; x < b.Max.X; x++ {
							if imgs[0].At(x, y) == imgs[i].At(x, y) {
								continue
							}
							if x < x0-scale || x > x1+scale || y < y0-scale || y > y1+scale {
								t.Fatalf("%s differs from neutral at (%d, %d), outside the head (%d..%d, %d..%d)",
									allEmotions[i], x, y, x0, x1, y0, y1)
							}
						}
					}
				}
			})
		}
	}
}

// TestAvatarEmptyEmotion checks that without an Emotion the prompt's mood word, or the
// seed, chooses the face, and says so in the traits.
func TestAvatarEmptyEmotion(t *testing.T) {
	for prompt, want := range map[string]domain.Emotion{
		"a grinning pirate": domain.EmotionJoy, "a stern captain": domain.EmotionAnger, "a weeping widow": domain.EmotionSadness,
		"a terrified squire": domain.EmotionFear, "a sly merchant": domain.EmotionAnticipation, "a kind healer": domain.EmotionTrust,
		"a wide-eyed novice": domain.EmotionSurprise, "a calm monk, later smiling": domain.EmotionNeutral,
	} {
		req := avatar(prompt, 1)
		req.Width, req.Height = 128, 128
		if res := generate(t, req); !slices.Contains(res.Traits, "emotion:"+string(want)) {
			t.Errorf("%q: traits %v, want emotion:%s", prompt, res.Traits, want)
		}
	}
	seen := map[string]bool{}
	for seed := range int64(40) {
		req := avatar("a villager", seed)
		req.Width, req.Height = 128, 128
		for _, tr := range generate(t, req).Traits {
			if strings.HasPrefix(tr, "emotion:") {
				seen[tr] = true
			}
		}
	}
	if len(seen) < 3 {
		t.Errorf("forty seeds give only the expressions %v", seen)
	}
}

// TestAvatarTransparent checks that a transparent avatar has no backdrop: the corners are
// fully transparent, the face opaque and as it is over a backdrop.
func TestAvatarTransparent(t *testing.T) {
	for _, style := range []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic} {
		t.Run(style, func(t *testing.T) {
			req := avatar("an elf ranger with a green cloak", 4)
			req.Style, req.Width, req.Height = style, 256, 320
			opaque := decode(t, generate(t, req).Data)
			req.Transparent = true
			res := generate(t, req)
			img := decode(t, res.Data)
			if style != domain.StyleRealistic {
				if _, ok := img.(*image.Paletted); !ok {
					t.Errorf("decodes as %T, want a paletted PNG", img)
				}
			}
			for _, p := range []image.Point{{0, 0}, {255, 0}, {0, 319}, {255, 319}, {8, 160}} {
				if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
					t.Errorf("pixel %v has alpha %d, want 0", p, a>>8)
				}
			}
			if _, _, _, a := opaque.At(0, 0).RGBA(); a != 0xffff {
				t.Errorf("an avatar with a backdrop has a corner alpha %d", a>>8)
			}
			// The nose, in the middle of the face.
			a := buildAvatar(req, lookFor(style))
			l := layoutOf(&a.tr, lookFor(style).bigEyes)
			cx := (a.ox+31*a.sp.s)*a.k + a.k/2 - (a.cw*a.k-req.Width)/2
			cy := (a.oy+l.noseRow*a.sp.s)*a.k + a.k/2 - (a.ch*a.k-req.Height)/2
			r, g, b, al := img.At(cx, cy).RGBA()
			r2, g2, b2, _ := opaque.At(cx, cy).RGBA()
			if al != 0xffff || r != r2 || g != g2 || b != b2 {
				t.Errorf("face pixel (%d, %d) = %d %d %d alpha %d, want %d %d %d opaque", cx, cy, r>>8, g>>8, b>>8, al>>8, r2>>8, g2>>8, b2>>8)
			}
			if !slices.Contains(res.Traits, "backdrop:none") {
				t.Errorf("traits %v lack backdrop:none", res.Traits)
			}
		})
	}
}

// identityOf returns the identity traits of a trait list, in order.
func identityOf(traits []string) []string {
	var out []string
	for _, tr := range traits {
		cat, _, _ := strings.Cut(tr, ":")
		if slices.Contains(domain.IdentityTraitCategories, cat) {
			out = append(out, tr)
		}
	}
	return out
}

// TestAvatarVariation checks variations of a source Troupe made: identity kept, the named
// change drawn, the strength moving the rest, and strength 0 with no prompt giving back
// the source itself.
func TestAvatarVariation(t *testing.T) {
	src := avatar("an orc warrior with a scar", 3)
	src.Width, src.Height = 256, 256
	source := generate(t, src)
	variation := func(prompt string, strength float64, seed int64) domain.ImageRequest {
		req := avatar(prompt, seed)
		req.Width, req.Height, req.Strength = 256, 256, strength
		req.Source = &domain.ImageSource{Kind: domain.ImageAvatar, Prompt: src.Prompt, Seed: src.Seed, Style: src.Style, WorldTone: src.WorldTone}
		return req
	}
	if same := generate(t, variation("", 0, 99)); !bytes.Equal(same.Data, source.Data) {
		t.Error("a strength-0 variation with no prompt is not the source")
	}
	// At strength 0 only what the prompt names changes.
	zero := generate(t, variation("wearing a blue hood", 0, 42))
	for _, tr := range source.Traits {
		if !strings.HasPrefix(tr, "headwear") && !slices.Contains(zero.Traits, tr) {
			t.Errorf("strength 0 lost the source's %s: %v", tr, zero.Traits)
		}
	}
	var datas [][]byte
	for _, s := range []float64{0, 0.3, 0.6, 1} {
		res := generate(t, variation("wearing a blue hood", s, 42))
		if got, want := identityOf(res.Traits), identityOf(source.Traits); !slices.Equal(got, want) {
			t.Errorf("strength %v: identity %v, want the source's %v", s, got, want)
		}
		for _, w := range []string{"species:orc", "mark:scar", "headwear:hood", "headwear_colour:blue"} {
			if !slices.Contains(res.Traits, w) {
				t.Errorf("strength %v: traits %v lack %s", s, res.Traits, w)
			}
		}
		for _, d := range datas {
			if bytes.Equal(d, res.Data) {
				t.Errorf("strength %v draws the same picture as a lower strength", s)
			}
		}
		datas = append(datas, res.Data)
	}
	// At low strength only the hood changes: the outfit and backdrop are the source's.
	low := generate(t, variation("wearing a blue hood", 0.1, 42))
	for _, tr := range source.Traits {
		if strings.HasPrefix(tr, "outfit:") || strings.HasPrefix(tr, "backdrop:") || strings.HasPrefix(tr, "emotion:") {
			if !slices.Contains(low.Traits, tr) {
				t.Errorf("strength 0.1 lost the source's %s: %v", tr, low.Traits)
			}
		}
	}
	// A named identity change is made; the rest of the identity stays.
	white := generate(t, variation("with white hair", 0.2, 42))
	if !slices.Contains(white.Traits, "hair:white") {
		t.Errorf("\"with white hair\": traits %v", white.Traits)
	}
	for _, tr := range identityOf(source.Traits) {
		if !strings.HasPrefix(tr, "hair:") && !slices.Contains(white.Traits, tr) {
			t.Errorf("\"with white hair\" lost %s: %v", tr, white.Traits)
		}
	}
	// The variation's own seed only matters once the strength re-draws something.
	a, b := generate(t, variation("wearing a blue hood", 0.1, 1)), generate(t, variation("wearing a blue hood", 0.1, 2))
	if !bytes.Equal(a.Data, b.Data) {
		t.Error("at strength 0.1 the request's seed changed the picture")
	}
	a, b = generate(t, variation("wearing a blue hood", 0.9, 1)), generate(t, variation("wearing a blue hood", 0.9, 2))
	if bytes.Equal(a.Data, b.Data) {
		t.Error("at strength 0.9 the request's seed changed nothing")
	}
}

// TestAvatarImportedVariation checks a variation of an image Troupe did not make: the
// identity comes from a hash of its bytes, the description from the request's prompt.
func TestAvatarImportedVariation(t *testing.T) {
	req := func(data string, prompt string, strength float64) domain.ImageRequest {
		r := avatar(prompt, 5)
		r.Width, r.Height, r.Strength = 128, 128, strength
		r.Source = &domain.ImageSource{Kind: domain.ImageAvatar, Data: []byte(data), ContentType: "image/png"}
		return r
	}
	a, again := generate(t, req("card one", "a woman with red hair", 0.2)), generate(t, req("card one", "a woman with red hair", 0.2))
	if !bytes.Equal(a.Data, again.Data) {
		t.Error("the same imported image varied twice gave different pictures")
	}
	if !slices.Contains(a.Traits, "hair:red") {
		t.Errorf("the description's red hair is not drawn: %v", a.Traits)
	}
	other := generate(t, req("card two", "a woman with red hair", 0.2))
	if bytes.Equal(a.Data, other.Data) {
		t.Error("two imported images gave the same picture")
	}
	hooded := generate(t, req("card one", "a woman with red hair in a hood", 0.2))
	if got, want := identityOf(hooded.Traits), identityOf(a.Traits); !slices.Equal(got, want) {
		t.Errorf("adding a hood changed the identity: %v, want %v", got, want)
	}
}

// TestTraitVocabulary checks the shape of every avatar's traits: the identity categories
// first, each once (marks may repeat), in domain.IdentityTraitCategories order, then the
// rest; lower-case words, no spaces, no repeats; and the same list on every call.
func TestTraitVocabulary(t *testing.T) {
	for i, c := range avatarEvalCases {
		req := avatarEvalRequest(i, c, 64)
		res := generate(t, req)
		again := generate(t, req)
		if !slices.Equal(res.Traits, again.Traits) {
			t.Fatalf("%q: traits differ between calls", c.prompt)
		}
		var cats []string
		for _, tr := range res.Traits {
			if tr != strings.ToLower(tr) || strings.ContainsAny(tr, " \t") {
				t.Errorf("%q: trait %q is not a lower-case word", c.prompt, tr)
			}
			if cat, _, ok := strings.Cut(tr, ":"); ok && slices.Contains(domain.IdentityTraitCategories, cat) {
				if len(cats) == 0 || cats[len(cats)-1] != cat {
					cats = append(cats, cat)
				}
			}
		}
		if !slices.Equal(cats, domain.IdentityTraitCategories) {
			t.Errorf("%q: identity categories %v, want %v", c.prompt, cats, domain.IdentityTraitCategories)
		}
		if got := identityOf(res.Traits); !slices.Equal(got, res.Traits[:len(got)]) {
			t.Errorf("%q: identity traits are not first: %v", c.prompt, res.Traits)
		}
		// What is drawn does not depend on the style.
		for _, style := range []string{domain.StyleAnime, domain.StyleRealistic} {
			other := req
			other.Style = style
			if got := generate(t, other).Traits; !slices.Equal(got, res.Traits) {
				t.Errorf("%q: %s traits %v differ from pixel art's %v", c.prompt, style, got, res.Traits)
			}
		}
		seen := map[string]bool{}
		for _, tr := range res.Traits {
			if seen[tr] {
				t.Errorf("%q: %s twice", c.prompt, tr)
			}
			seen[tr] = true
		}
	}
}

func TestStrengthPct(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want int
	}{{0, 0}, {-1, 0}, {0.004, 0}, {0.25, 25}, {0.5, 50}, {0.999, 100}, {1, 100}, {7, 100}} {
		if got := strengthPct(tt.in); got != tt.want {
			t.Errorf("strengthPct(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
	nan := 0.0
	nan /= nan
	if got := strengthPct(nan); got != 0 {
		t.Errorf("strengthPct(NaN) = %d", got)
	}
}
