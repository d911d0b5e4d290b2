// Package pixelart is Troupe's offline image engine: it implements domain.ImageModel with
// seed-driven pixel art drawn by the standard library, so the API makes avatars and
// backgrounds with no key, no network and no GPU.
//
// # Avatars
//
// A bust portrait is designed on a 64×64 grid in the manner of Bollinger's pixel robots:
// the mask (which material each pixel is, and its surface normal) is drawn on the left
// half only and mirrored, then given a 1-pixel dark outline; only then are asymmetric
// touches added (the nose's lit and shadowed sides, eye glints, a raised brow or a sneer,
// scars, an eyepatch, a tattoo, a feather). Each pixel is lit from the upper left on
// five-step hue-shifted ramps from curated palettes, with contours drawn where a nearer
// part overlaps a further one and shadows cast by hair and hats.
//
// What is drawn comes from keywords in the prompt first (the lists are in traits.go,
// colours.go, avatar_words.go and expression.go), the seed for whatever they leave open:
//
//	species   human, elf, drow ("dark elf"), dwarf, orc, goblin, demon ("tiefling"),
//	          undead ("vampire", "lich"), lizardfolk, beastfolk ("werewolf",
//	          "catfolk"), robot, android, cyborg; each brings its skin, ears, head
//	          shape, eyes and features (tusks, horns, fangs, fur, scales)
//	colours   a colour word before a part colours it: "glowing blue eyes", "a long red
//	          beard", "green skin", "a blue hood", "a white apron", "golden armour", "a
//	          silver circlet", "a red scarf", "in black"; "dark brown", "platinum
//	          blonde", "pale blue" and "light brown" shade or name a colour; a colour
//	          with no noun colours the clothes, "pale", "fair", "tan", "dusky" alone the
//	          skin. Eyes: blue, green, brown, hazel, amber, gold, yellow, orange, red,
//	          pink, violet, teal, cyan, grey, silver, white, black. Hair: black,
//	          dark_brown, brown, auburn, copper, red, ginger, orange, blonde, gold,
//	          yellow, platinum, grey, silver, white, blue, pink, purple, green, teal.
//	          Skin: pale, fair, tan, olive, brown, dark, ebony and green, yellow_green,
//	          blue, teal, violet, red, grey, metal, pink, orange, gold
//	marks     scars (a pale slash with a dark edge over brow and cheek), eyepatches,
//	          tattoos, freckles; "glowing eyes" brighten the iris and add a halo pixel
//	headwear  hood, helmet (with a plume), wizard hat, crown, circlet, flower crown,
//	          cap; a hood, helmet or hat the seed chose never hides a named hair
//	          colour or style, ears, earrings or a flower
//	clothes   tunic, shirt, robe, armour (breastplate, pauldrons, gorget), cloak,
//	          noble dress, vest; and over any of them an apron, a cloak, a scarf, a
//	          collar, a breastplate, pauldrons or a gorget
//	jewellery necklace, amulet, earrings, in gold, silver, bronze or black metal
//	extras    glasses, a feather, a flower in the hair
//	mood      the Emotion (one outside the nine is ignored), else the prompt's
//	          earliest mood word ("grinning", "stern", "weeping", "sly"…), else the
//	          seed (calm, warm, a grin, a knowing look or a scowl)
//
// The nine emotions are nine faces (expression.go): neutral level brows and a straight
// mouth; joy arched brows, smiling eyes and an open grin; trust a soft closed smile; fear
// raised, tilted brows, wide eyes, a clenched grimace and a bead of sweat; surprise high
// brows, wide eyes and a round open mouth; sadness drooping brows and lids, a frown and a
// tear; disgust a squint, a wrinkled nose and a one-sided sneer baring the teeth; anger
// knitted brows with a crease, narrowed eyes and a wide scowl; anticipation one raised
// brow, a sideways glance and a half smile. The face has its own random streams, so the
// same request with another Emotion changes the face's pixels and nothing else.
//
// Transparent leaves the backdrop out: pixels outside the character (and its outline)
// have alpha 0 in the PNG, through a transparent palette entry (tRNS) for paletted
// pictures and premultiplied blending for the realistic style's smooth enlargement.
//
// A Source makes a variation (variation.go). The character is the source's: its prompt
// and seed when Troupe made it, else the request's prompt and a seed hashed from the
// source's bytes. The identity traits (species, skin, eyes, hair, hair_style, beard,
// head, ears, mark) stay the source's unless the request's prompt names a new value
// ("with white hair"); whatever else that prompt names ("wearing a blue hood",
// "smiling") replaces the source's. Strength decides what else moves, re-drawn from a
// seed derived from the request's Seed: from 0.25 the expression and the backdrop, from
// 0.5 the clothes', cloak's, hat's, armour's and accessories' colours, from 0.75 the
// outfit, headwear and items the seed chose, and from 0.9 the source prompt's own
// clothes and items too, so only the identity is kept. Strength 0 with no prompt gives
// back the source, pixel for pixel.
//
// ImageResult.Traits says what was chosen and drawn, in this order: the identity
// categories of domain.IdentityTraitCategories, each once, "species:…", "skin:…",
// "eyes:…", "hair:…" (a colour, or "none" when bald and clean-shaven), "hair_style:…"
// (bald, short, long, spiky, braids, none), "beard:…" (none, stubble, moustache, goatee,
// full, long), "head:…" (round, oval, square, broad), "ears:…" (round, pointed, long,
// none) and "mark:…" (scar, eyepatch, tattoo, freckles, each present one, or none); then
// "age:…" (young, adult, old), "emotion:…", "headwear:…" (none, hood, helmet,
// wizard_hat, crown, circlet, flower_crown, cap), "outfit:…" (tunic, shirt, robe,
// armour, cloak, noble, vest), the colours "clothes_colour:…", "cloak_colour:…",
// "headwear_colour:…", "vest_colour:…", "armour_colour:…" (steel, bronze, gold, black
// or a painted colour) when those are drawn; the items "cloak", "apron", "scarf",
// "collar", "necklace", "amulet", "pauldrons", "breastplate", "gorget", "earring",
// "glasses", "plume", "feather", "flower", "tusks", "horns", "fangs", "fur", "scales",
// "antenna"; "apron_colour:…", "scarf_colour:…", "feather_colour:…", "flower_colour:…",
// "jewellery_colour:…"; "glow:eyes"; and "backdrop:…" (a backdrop's colour name, or
// none when transparent). Colour values are the words listed above, and for clothes
// red, crimson, blue, navy, green, emerald, olive, purple, black, white, grey, silver,
// brown, tan, gold, yellow, orange, teal, pink.
//
// # Backgrounds
//
// A background prompt is first read into a plan (planFor): a scene, inside or outside,
// and its modifiers. The scene is the first of these with a keyword in the prompt
// (whole words, not negated: "not a forest" is no forest):
//
//	street     street, alley, avenue, boulevard, high street, crossroads… unless the
//	           prompt says "inside"; a tavern or shop named with it, or "outside the
//	           tavern", is a front on the street with its sign
//	rooms      tavern (tavern, inn, pub, bar, saloon, common room…), shop (shop, store,
//	           apothecary, emporium, bakery, smithy…), library (library, archive…),
//	           crypt (crypt, tomb, catacombs, mausoleum…), hall (throne room, great hall,
//	           hall but not "town hall", chapel, cathedral…, "inside the castle"), cave
//	           (cave, cavern, grotto, mine…), dungeon (dungeon, prison, cell, sewer,
//	           vault, cellar, labyrinth…), in that order: a tavern cellar is a tavern, a
//	           crypt under a chapel a crypt, and a tavern is never a dungeon
//	places     harbour (harbour, port, docks, pier, quay, boats…), castle (castle,
//	           citadel, fortress, palace…), town (town, village, city, market, square,
//	           skyline…), coast (coast, sea, beach, lake, lighthouse, ship…), desert,
//	           forest, mountains (mountain, peak, pass, snow, tundra…)
//	hints      candlelit, fireside: a tavern; torchlit, corridor, tunnel, underground: a
//	           dungeon; interior, indoors, room: a hall; only when nothing above
//	           matched, so "a torchlit street" is a street
//	ruin       ruin, ruins, ruined, rubble, colonnade…: ruins in the desert, forest or
//	           mountains named with them, or a ruined castle; alone (or in a town) a
//	           scene of broken columns on a grassy rise
//	plains     anything else: rolling hills, meadows and a few trees
//
// The modifiers: rain (rain, storm, wet…), snow (snow, winter, frozen…; "blizzard" and
// "snowing" make it fall thickly) and fog (fog, mist, haze…) over any exterior (indoors
// rain and snow show through a window); neon lights for a cyberpunk, neon or futuristic
// prompt or world tone; candles, torches and a hearth in any room; mountains, forest
// and a castle behind a settlement. The time of day comes from "night"/"moonlit"/
// "starry", "dusk"/"sunset"/"evening", "dawn"/"sunrise"/"morning" or "noon"/"day"/
// "sunny" (the first of those groups that matches), else night or dusk for a prompt lit
// by candles, lamps or torches, else from the tone (dark fantasy leans to dusk and
// night, neon to night, cheerful to day), else from the seed.
//
// ImageResult.Traits says what was chosen and drawn: "scene:<name>", "setting:interior"
// or "setting:exterior", "time:day|dawn|dusk|night", "weather:rain" or "weather:snow"
// and "weather:fog" when shown, then the elements drawn, sorted: "bar", "barrels",
// "beams", "candles", "hearth", "shelves" and "window" in a tavern, "street",
// "buildings", "signs", "neon", "lamps", "puddles" and "tavern" on a street, "castle",
// "towers", "ruin", "columns", "boats", "pier", "peaks", "trail", "moon", "stars"….
//
// Exteriors are a posterised sky gradient with ordered (Bayer) dithering, a sun with its
// halo or a crescent or full moon with stars, clouds of stacked puffs, and parallax
// silhouettes from 1-D fractal value noise that fade into the horizon's haze with
// distance; where a layer would meet the sky in a straight line (the sea, the desert
// floor) it fades into the horizon's colour. Streets, halls and crypts are drawn in
// one-point perspective from world coordinates, their mortar and seams one native pixel
// thick at any depth; rooms are lit by their flames and windows, warm where bright. The
// elements: beams, a bar, shelves of bottles, barrels, a hearth, candles and a
// chandelier in a tavern; shelves of jars, potions, books and crates over a counter in
// a shop; columns, a carpet, a throne on a dais, leaded windows, banners and torches in
// a hall; niches with skulls, a sarcophagus, candles and cobwebs in a crypt; rings of
// rock with stalactites round a cave mouth or a glow of crystals (a mine has timbers and
// rails); a torchlit brick wall with banners round an archway in a dungeon; facades,
// hanging or neon blade signs, lamps and cobbles or asphalt down a street; a castle
// with towers, pennants and a gate on its hill; houses on a quay, a pier and boats
// mirrored in a harbour; snow-capped ridges, wooded foothills and a trail; rows of pines
// with fireflies after dark; gabled houses with lit windows, street lamps and a castle
// (or a neon skyline); a sea under a headland with a lighthouse; mesas, dunes and
// saguaros (pyramids on request); broken columns and walls. Weather is laid over the
// finished exterior: slanting rain with puddles (a wet street mirrors its signs and
// windows), snow on every surface open to the sky with falling flakes, and fog in soft
// banks round the horizon, thickest over far layers, dithered right through so that no
// row of fog or sky ever jumps from the one above as a seam. Pixel-art backgrounds are
// drawn at a quarter of the output size; pixel-art, anime and painterly ones are kept
// to 256 colours (the most used, the rest mapped to the nearest) so they encode as
// small paletted PNGs.
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
// Only Seed, Prompt, WorldTone, Style, Width and Height affect the picture, and for
// avatars Emotion (the face), Transparent (the backdrop), Source and Strength (a
// variation). CustomStylePrompt, NegativePrompt, GuidanceScale, Steps and Model are
// accepted and ignored: a renderer without a model has nothing for them to steer. What
// is drawn comes from Seed, Prompt and WorldTone alone (and a variation's Source), so
// asking again at another size or in another style gives the same character, framed or
// rendered differently; a background keeps its scene, time of day and palette, its
// silhouettes re-laid for the new proportions.
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
// change the bytes, never the pixels). The request's one float that steers a picture, a
// variation's Strength, is turned into a whole percentage by a single multiplication and
// rounding (strengthPct), which every platform computes alike. Only
// ImageResult.InferenceTime varies.
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
	// ModelName changes whenever the same request draws a different picture, because
	// the cache of identical requests keys on it: v2 follows prompts more closely.
	ModelName = "pixel-art-v2"
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
		c      *canvas
		k      int
		traits []string
		err    error
	)
	switch req.Kind {
	case domain.ImageAvatar:
		c, k, traits, err = renderAvatar(ctx, req, lk)
	case domain.ImageBackground:
		c, k, traits, err = renderBackground(ctx, req, lk)
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
		Traits:        traits,
		Transparent:   req.Transparent && req.Kind == domain.ImageAvatar,
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
