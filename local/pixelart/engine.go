// Package pixelart is Troupe's offline image engine: it implements domain.ImageModel with
// seed-driven pixel art drawn by the standard library, so the API makes avatars and
// backgrounds with no key, no network and no GPU.
//
// # Avatars
//
// A bust portrait is designed on a 64×64 grid in the manner of Bollinger's pixel robots:
// the mask (which material each pixel is, and its surface normal) is drawn on the left
// half only and mirrored, then given a 1-pixel dark outline; only then are asymmetric
// touches added (the nose's lit and shadowed sides, eye glints, scars, an eyepatch). Each
// pixel is lit from the upper left on five-step hue-shifted ramps from curated palettes
// (six human skin tones plus green, yellow-green, blue, violet, red, grey and metal ones;
// natural and fantasy hair; cloth, trim, metal and gold), with contours drawn where a
// nearer part overlaps a further one and shadows cast by hair and hats.
//
// What is drawn comes from the seed and from keywords in the prompt (see traits.go):
// "orc"/"goblin" give green skin (and tusks or long ears), "elf" pointed ears, "dwarf" a
// broad head and a long beard, "robot"/"android"/"cyborg" metal skin, "knight"/"armor" a
// helmet and armour, "wizard"/"mage" a pointed hat and robe, "king"/"queen" a crown,
// "hood"/"thief" a hood and cloak, "old"/"grey" grey hair, "red hair"/"red beard" red hair
// and any other colour word before a noun colours that hair, eyes, skin or clothes.
// The seed settles whatever the prompt leaves open: head shape, hair style (bald, short,
// long, spiky, braids), headwear (none, hood, helmet, wizard hat, crown, cap), facial hair,
// collar or armour, expression and backdrop.
//
// # Backgrounds
//
// A scene is chosen from the prompt's keywords (sceneFor: mountains, forest, town,
// dungeon, coast, desert, else rolling plains), its time of day from "night", "dawn",
// "dusk", "noon" and their synonyms, and its palette from the world tone. It is a
// posterised sky gradient with ordered (Bayer) dithering, a sun or a moon and stars,
// clouds, parallax silhouettes from 1-D fractal value noise fading into the haze with
// distance, and the scene's own elements: pines, houses with lit windows, brick walls and
// torches, a rippling sea with reflections, dunes.
//
// # Tones
//
// The world tone grades every colour (palette.go): "dark", "grim", "gothic" darken and
// desaturate; "dark fantasy" leans dusky purple; "sci-fi", "cyberpunk", "neon" lean
// indigo with cyan and magenta lights; "post-apocalyptic" leans rust and ochre;
// "mysterious" teal; "heroic" gold; "cheerful", "bright", "whimsical" saturate.
//
// # Styles and sizes
//
// Pixel art is the native style. The others are the closest honest local renderings, and
// ImageResult.Style says so: "pixel_art", or e.g. "painterly (local approximation)" (see
// lookFor). Anime is cel-shaded with flat colours, ink outlines and bigger eyes; painterly
// has a softened palette, no outline, heavy dithering and big dithered brush blocks;
// realistic renders avatars at twice the resolution with continuous shading and enlarges
// smoothly. Any other style renders as pixel art.
//
// The picture is rendered at a small native size (avatars: the bust's 64 or 128 pixels
// fill the short side; backgrounds: a quarter of the output size for pixel art) and
// enlarged by an integer factor that just covers Width×Height, then the centre is
// cropped to exactly Width×Height; the crop is always under one native pixel, so nothing
// is cut off. A wide or tall avatar gets more backdrop beside or above the bust, which
// stays on the bottom edge. Output is PNG: paletted when the picture has at most 256
// colours (all pixel-art, anime and painterly pictures in practice), RGB otherwise.
//
// Only Seed, Prompt, WorldTone, Style, Width and Height affect the picture.
// CustomStylePrompt, NegativePrompt, GuidanceScale, Steps and Model are accepted and
// ignored: a renderer without a model has nothing for them to steer. The character or
// scene itself comes from Seed, Prompt and WorldTone alone, so asking again at another
// size or in another style draws the same character, framed or rendered differently.
//
// # Determinism
//
// The same request gives a byte-identical PNG on every machine and run. Every random
// choice comes from an in-house splitmix64 stream (rand.go) seeded with an FNV-1a hash of
// the request, and per-pixel choices from a stateless hash of the position; noise is
// hashed value noise (noise.go); nothing iterates over a map; palettes are ordered by
// first use. No floating point is used to render at all: every colour blend, noise
// octave, curve and distance is integer (or 16.16 fixed-point) arithmetic and the one sine
// wave is a table, because the Go specification lets compilers fuse x*y+z into one FMA
// instruction (and does on arm64, ppc64 and s390x), which would make float results differ
// between platforms. Integer arithmetic is exact everywhere, int64 is used wherever a
// product could pass 2³¹, and the stdlib PNG encoder is deterministic for a given Go
// release. Only ImageResult.InferenceTime varies.
package pixelart

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// The engine and model names reported in results and health checks.
const (
	EngineName = "local"
	ModelName  = "pixel-art-v1"
)

// The sizes the engine renders. The API already limits requests to 256–1024 pixels for
// avatars and 512–2048 for backgrounds; these bounds only keep a programming error from
// allocating gigabytes.
const (
	MinSize = 64
	MaxSize = 4096
)

// Engine is the offline image engine. It holds no state and is safe for concurrent use.
type Engine struct{}

var _ domain.ImageModel = (*Engine)(nil)

// New returns the engine.
func New() *Engine { return &Engine{} }

// Generate renders the avatar or background req asks for as a PNG of exactly
// req.Width×req.Height. A size outside MinSize..MaxSize or an unknown kind is a
// programmer error and fails with domain.CodeInternal; a canceled ctx stops rendering
// between phases and returns ctx.Err().
func (e *Engine) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return domain.ImageResult{}, err
	}
	if req.Width < MinSize || req.Width > MaxSize || req.Height < MinSize || req.Height > MaxSize {
		return domain.ImageResult{}, domain.Errorf(domain.CodeInternal,
			"local image size %d×%d is outside %d..%d", req.Width, req.Height, MinSize, MaxSize)
	}
	lk := lookFor(req.Style)
	var (
		c   *canvas
		k   int
		err error
	)
	switch req.Kind {
	case domain.ImageAvatar:
		c, k, err = renderAvatar(ctx, req, lk)
	case domain.ImageBackground:
		c, k, err = renderBackground(ctx, req, lk)
	default:
		return domain.ImageResult{}, domain.Errorf(domain.CodeInternal, "local image kind %q is unknown", req.Kind)
	}
	if err != nil {
		return domain.ImageResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return domain.ImageResult{}, err
	}
	img := upscale(c, req.Width, req.Height, k, lk.filter)
	if err := ctx.Err(); err != nil {
		return domain.ImageResult{}, err
	}
	data, err := encodePNG(img)
	if err != nil {
		return domain.ImageResult{}, &domain.Error{Code: domain.CodeInternal, Message: "the local image could not be encoded", Err: err}
	}
	return domain.ImageResult{
		Data:          data,
		ContentType:   "image/png",
		Width:         req.Width,
		Height:        req.Height,
		Seed:          req.Seed,
		Engine:        EngineName,
		Model:         ModelName,
		Style:         lk.reported,
		InferenceTime: time.Since(start),
	}, nil
}

// encodePNG encodes img. Paletted pictures are mostly long runs and compress well at the
// default level; smooth RGB ones use the fastest level, which costs a little size and
// saves most of the time.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if _, ok := img.(*image.Paletted); !ok {
		enc.CompressionLevel = png.BestSpeed
	}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Status reports the engine as healthy: it has no dependency that can fail.
func (e *Engine) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{
		Status: domain.StatusOK,
		Engine: EngineName,
		Model:  ModelName,
		Detail: fmt.Sprintf("offline seed-driven pixel art, %d..%d px", MinSize, MaxSize),
	}
}
