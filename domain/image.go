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
}

// ImageModel is an image engine: fal.ai FLUX or the local pixel-art renderer.
//
// Failures are *Error values as for TextModel (CodeFalServiceError, CodeProviderTimeout,
// CodeEngineUnavailable); a canceled ctx stops the call.
type ImageModel interface {
	Generate(ctx context.Context, req ImageRequest) (ImageResult, error)
	Status(ctx context.Context) DependencyHealth
}
