package domain

import (
	"context"
	"time"
)

// ImageKind is what an image is for.
type ImageKind string

// The image kinds, which are also job types.
const (
	ImageAvatar     ImageKind = "avatar"
	ImageBackground ImageKind = "background"
)

// Image styles and models, as the API names them.
const (
	StylePixelArt  = "pixel_art"
	StyleRealistic = "realistic"
	StyleAnime     = "anime"
	StylePainterly = "painterly"

	ImageModelDev     = "dev"
	ImageModelSchnell = "schnell"
	ImageModelPro     = "pro"
)

// ImageRequest is one image to generate. Fields carry the API's defaults already applied.
type ImageRequest struct {
	Kind ImageKind
	// Prompt is the avatar's physical description or the background's scene.
	Prompt            string
	Style             string
	CustomStylePrompt string
	WorldTone         string
	Width, Height     int
	GuidanceScale     float64
	Steps             int
	Seed              int64
	NegativePrompt    string
	// Model is "dev", "schnell" or "pro".
	Model string
	// Emotion, when set, is the expression the face shows (a sprite set draws one image
	// per emotion); empty leaves the expression to the engine.
	Emotion Emotion `json:",omitempty"`
	// Transparent asks for no backdrop behind an avatar: its pixels are transparent
	// where the engine can (the local engine can, FLUX cannot).
	Transparent bool `json:",omitempty"`
	// Source, when set, makes the request a variation of an existing image: Prompt names
	// what changes, and the picture keeps the source's identity.
	Source *ImageSource `json:",omitempty"`
	// Strength is how far a variation moves from its source, from 0 (the source
	// itself) to 1 (only the identity kept); only read with Source.
	Strength float64 `json:",omitempty"`
}

// ImageSource is the image a variation or a sprite set starts from.
type ImageSource struct {
	// FileID is the tenant's source file.
	FileID string
	// Kind, Prompt, Seed, Style and WorldTone are the request Troupe made the source
	// from; Prompt is empty when Troupe did not make it (an imported card's avatar).
	Kind      ImageKind
	Prompt    string
	Seed      int64
	Style     string
	WorldTone string
	// Data and ContentType are the source's bytes, read by the job runner just before
	// the call: they are never stored with the job.
	Data        []byte `json:"-"`
	ContentType string `json:"-"`
}

// ImageResult is a generated image, as bytes: Troupe stores every image in its own media
// store, so a URL it hands out never expires with a provider's.
type ImageResult struct {
	Data        []byte
	ContentType string
	Width       int
	Height      int
	Seed        int64
	Engine      string
	Model       string
	// Style is the style actually rendered, which a local engine may have approximated.
	Style string
	// InferenceTime is the provider's own timing when it reports one; zero when unknown.
	InferenceTime time.Duration
	// Transparent says the picture has a transparent background, as the request asked
	// and the engine could draw.
	Transparent bool
	// Traits are what the engine chose to draw, as "category:value" or "item" words
	// ("eyes:blue", "apron", "scene:tavern", "weather:rain"), when it can say (the local
	// engine can; a model cannot); nil otherwise. A variation or a sprite of the same
	// character repeats its identity traits (see IdentityTraits).
	Traits []string
}

// IdentityTraitCategories are the trait categories that make a character who it is; a
// variation or a sprite keeps them unless its prompt names a change.
var IdentityTraitCategories = []string{"species", "skin", "eyes", "hair", "hair_style", "beard", "head", "ears", "mark"}

// ImageModel is an image engine: fal.ai FLUX or the local pixel-art renderer.
//
// Failures are *Error values as for TextModel (CodeFalServiceError, CodeProviderTimeout,
// CodeEngineUnavailable); a canceled ctx stops the call.
type ImageModel interface {
	Generate(ctx context.Context, req ImageRequest) (ImageResult, error)
	Status(ctx context.Context) DependencyHealth
}
