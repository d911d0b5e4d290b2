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
// What is drawn comes from the seed and from keywords in the prompt (the lists are in
// traits.go):
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
// The scene comes from keywords in the prompt (sceneFor; the full table is
// sceneKeywords), tried in this order so that a cave in the mountains is a cave and a
// harbour town is a town:
//
//	dungeon    dungeon, crypt, cave, cavern, tomb, catacombs, cellar, prison, vault,
//	           sewer, mine, underground, labyrinth, corridor, throne room, great hall…
//	town       town, village, city, street, market, square, tavern, inn, castle,
//	           fortress, rooftops, skyline, metropolis, bazaar…
//	coast      coast, sea, ocean, beach, shore, harbour, port, bay, island, cove, pier,
//	           lighthouse, lake, waves…
//	desert     desert, dune, sand, oasis, wasteland, badlands, canyon, mesa, pyramid…
//	forest     forest, woods, woodland, jungle, grove, trees, pine, glade, swamp…
//	mountains  mountain, peak, summit, alps, range, glacier, highlands, pass, cliff,
//	           volcano, snow…
//	plains     anything else: rolling hills, meadows and a few trees
//
// The time of day comes from "night"/"moonlit"/"starry", "dusk"/"sunset"/"evening",
// "dawn"/"sunrise"/"morning" or "noon"/"day"/"sunny" (the first of those groups that
// matches), else from the tone (dark fantasy leans to dusk and night, neon to night,
// cheerful to day), else from the seed. A scene is a posterised sky gradient with
// ordered (Bayer) dithering, a sun with its halo or a crescent or full moon with stars,
// clouds of stacked puffs, parallax silhouettes from 1-D fractal value noise that fade
// into the horizon's haze with distance (atmospheric perspective), and the scene's own
// elements: snow-capped ridges and wooded foothills; rows of pines with fireflies after
// dark; gabled houses with lit windows, chimneys, cobbles, street lamps and a castle (or,
// in a neon tone, a skyline of towers with window grids and signs); a torchlit brick wall
// with banners round an archway over a receding flagstone floor; a sea mirroring the sky
// with ripples, glitter and foam under a headland with a lighthouse; mesas, shaded dunes
// and saguaros (pyramids on request). Pixel-art backgrounds are drawn at a quarter of the
// output size.
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
// lookFor). Anime is cel-shaded: flat base and shadow colours, a hard highlight, ink
// outlines on every part and layer, bigger eyes, flat sky bands. Painterly has a
// softened palette leaning to a warm ground, no outline, five dithered shades, bigger
// background pixels, and is enlarged with hashed brush-stroke dithering between
// neighbouring colours instead of hard blocks. Realistic renders avatars at twice the
// resolution and backgrounds at half the pixel size, with continuous shading, unbanded
// gradients and a smooth (bilinear) enlargement. Any other style renders as pixel art.
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
// ignored: a renderer without a model has nothing for them to steer. What is drawn comes
// from Seed, Prompt and WorldTone alone, so asking again at another size or in another
// style gives the same character, framed or rendered differently; a background keeps its
// scene, time of day and palette, its silhouettes re-laid for the new proportions.
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
// product could pass 2³¹ (so 32-bit platforms agree too), and the standard library's
// PNG encoder is deterministic for a given Go release (a future compress/flate could
// change the bytes, never the pixels). Only ImageResult.InferenceTime varies.
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
