package falclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// The FLUX endpoints ImageModel calls (fal's published FLUX schemas).
const (
	FluxDevEndpoint     = "fal-ai/flux/dev"
	FluxSchnellEndpoint = "fal-ai/flux/schnell"
	FluxProEndpoint     = "fal-ai/flux-pro/v1.1"
	// FluxGeneralEndpoint is FLUX.1 [dev] with extensions; of the four it alone accepts a
	// negative prompt.
	FluxGeneralEndpoint = "fal-ai/flux-general"
	// FluxImageToImageEndpoint is FLUX.1 [dev] image-to-image, which draws variations and
	// sprites from a source image; FluxGeneralImageToImageEndpoint is its flux-general
	// form, for a negative prompt.
	FluxImageToImageEndpoint        = "fal-ai/flux/dev/image-to-image"
	FluxGeneralImageToImageEndpoint = "fal-ai/flux-general/image-to-image"
)

// spriteStrength is the image-to-image strength of a sprite drawn from an avatar: enough
// room to change the expression, little enough to keep the face and clothes (FLUX keeps
// the source at 0 and ignores it near 1).
const spriteStrength = 0.55

// emotionFaces describe each emotion's expression in the prompt of a sprite.
var emotionFaces = map[domain.Emotion]string{
	domain.EmotionNeutral:      "neutral calm expression",
	domain.EmotionJoy:          "joyful expression, wide smile",
	domain.EmotionTrust:        "warm trusting expression, soft smile",
	domain.EmotionFear:         "frightened expression, wide eyes, raised brows",
	domain.EmotionSurprise:     "surprised expression, open mouth, raised brows",
	domain.EmotionSadness:      "sad expression, downturned mouth, glistening eyes",
	domain.EmotionDisgust:      "disgusted expression, wrinkled nose, sneer",
	domain.EmotionAnger:        "angry expression, furrowed brows, clenched jaw",
	domain.EmotionAnticipation: "eager expectant expression, raised brow, slight smile",
}

// CustomStyle is the ImageResult.Style of an image drawn with a CustomStylePrompt, which
// replaces the preset.
const CustomStyle = "custom"

// stylePrompts are the prompt prefixes of the style presets.
var stylePrompts = map[string]string{
	domain.StylePixelArt: "pixel art, 16-bit, crisp pixels, limited palette, clean dark outlines, " +
		"retro video game sprite art, no anti-aliasing",
	domain.StyleRealistic: "photorealistic, natural lighting, detailed skin and material textures, " +
		"sharp focus, shallow depth of field, 35mm photograph",
	domain.StyleAnime: "anime style, cel shading, clean line art, vibrant colors, " +
		"high-quality anime key visual",
	domain.StylePainterly: "digital painting, visible brush strokes, rich color, soft painterly light, " +
		"concept art illustration",
}

// framings say what kind of picture to compose, after the style and the world's tone.
var framings = map[domain.ImageKind]string{
	domain.ImageAvatar:     "character portrait, head and shoulders, centered",
	domain.ImageBackground: "wide establishing shot, no characters",
}

// imageDefaults are the sizes used when a request carries none (the API's defaults).
var imageDefaults = map[domain.ImageKind][2]int{
	domain.ImageAvatar:     {512, 512},
	domain.ImageBackground: {1344, 768},
}

// fluxSpec is what one FLUX endpoint takes besides prompt, image_size, seed and
// num_images (fal's published FLUX schemas). A field an endpoint does not list is never sent.
type fluxSpec struct {
	endpoint string
	// maxSteps bounds num_inference_steps (from 1); 0 means the endpoint takes none.
	maxSteps int
	guidance bool // guidance_scale, 1 to 20
	// checker: enable_safety_checker; tolerance: safety_tolerance, which replaced it in
	// flux-pro v1.1's current schema.
	checker   bool
	tolerance bool
	// png: output_format "png". flux-general's schema has no output_format, so its
	// images come in its default format (JPEG, as far as known).
	png      bool
	negative bool // negative_prompt
	// source: image_url and strength, the image-to-image endpoints' source.
	source bool
}

var (
	fluxDev     = fluxSpec{endpoint: FluxDevEndpoint, maxSteps: 50, guidance: true, checker: true, png: true}
	fluxSchnell = fluxSpec{endpoint: FluxSchnellEndpoint, maxSteps: 12, guidance: true, checker: true, png: true}
	fluxPro     = fluxSpec{endpoint: FluxProEndpoint, tolerance: true, png: true}
	fluxGeneral = fluxSpec{endpoint: FluxGeneralEndpoint, maxSteps: 50, guidance: true, checker: true, negative: true}

	fluxImageToImage        = fluxSpec{endpoint: FluxImageToImageEndpoint, maxSteps: 50, guidance: true, checker: true, png: true, source: true}
	fluxGeneralImageToImage = fluxSpec{endpoint: FluxGeneralImageToImageEndpoint, maxSteps: 50, guidance: true, checker: true, negative: true, source: true}
)

// fluxModels maps the API's model names to their endpoints.
var fluxModels = map[string]fluxSpec{
	domain.ImageModelDev:     fluxDev,
	domain.ImageModelSchnell: fluxSchnell,
	domain.ImageModelPro:     fluxPro,
}

// ImageModel implements domain.ImageModel with fal's FLUX endpoints.
//
// The model picks the endpoint: dev → fal-ai/flux/dev, schnell → fal-ai/flux/schnell,
// pro → fal-ai/flux-pro/v1.1. A request with a negative prompt goes to
// fal-ai/flux-general whatever its model, because no other FLUX endpoint accepts one.
// The result's Model is the endpoint used.
//
// The prompt is "<style>, <world tone>, <framing>. <description>": the preset's text (or
// the custom style prompt, which replaces it), the world's tone, the framing of the kind
// (a head-and-shoulders portrait for avatars, an establishing shot without characters for
// backgrounds), then the avatar's description or the background's scene. Each endpoint
// gets only the fields it takes: steps are clamped to its range (schnell: 1 to 12),
// guidance to 1 to 20, and zero leaves either at the endpoint's default; pro takes
// neither. Images are asked for as PNG where the endpoint lets us choose, because JPEG
// smears pixel art's hard edges; flux-general answers in its default format (JPEG).
// Width and height are passed as a custom image_size, as requested.
//
// A request with a Source (a variation, or a sprite drawn from an avatar) goes to FLUX
// image-to-image (fal-ai/flux/dev/image-to-image, or flux-general's for a negative prompt)
// with the source's bytes as a data URI in image_url and the request's Strength (a
// sprite's is spriteStrength); its prompt leads with the source's own description when
// Troupe made it. Image-to-image takes no size: the picture has the source's, and the
// result reports it. A sprite's Emotion adds its expression to the prompt. FLUX draws no
// transparent backgrounds: Transparent is ignored, and the result says so. The model is
// always FLUX.1 [dev] for a source: fal publishes no other FLUX image-to-image.
//
// The request runs through fal's queue, so a canceled ctx cancels it upstream. The image
// is then downloaded from fal's media URL without the key (fal's CDN is public and the key
// must not leave fal's API hosts), under the client's Timeout and retries.
//
// An image fal's safety checker flags (has_nsfw_concepts) comes back blacked out: it is
// not downloaded, and Generate fails with CodeFalServiceError and details
// {"reason": "nsfw"}, so nobody stores or shows a black square as a success.
type ImageModel struct {
	c *Client
}

var _ domain.ImageModel = (*ImageModel)(nil)

// NewImageModel returns an ImageModel calling fal through c.
func NewImageModel(c *Client) *ImageModel { return &ImageModel{c: c} }

// fluxInput is the union of the FLUX endpoints' inputs; fields an endpoint does not take
// stay empty and are omitted.
type fluxInput struct {
	Prompt              string     `json:"prompt"`
	NegativePrompt      string     `json:"negative_prompt,omitempty"`
	ImageSize           *imageSize `json:"image_size,omitempty"`
	NumInferenceSteps   int        `json:"num_inference_steps,omitempty"`
	GuidanceScale       float64    `json:"guidance_scale,omitempty"`
	Seed                int64      `json:"seed"`
	NumImages           int        `json:"num_images"`
	EnableSafetyChecker *bool      `json:"enable_safety_checker,omitempty"`
	SafetyTolerance     string     `json:"safety_tolerance,omitempty"`
	OutputFormat        string     `json:"output_format,omitempty"`
	ImageURL            string     `json:"image_url,omitempty"`
	Strength            *float64   `json:"strength,omitempty"`
}

// imageSize is FLUX's custom image_size.
type imageSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// fluxOutput is a FLUX output. The loosely typed fields are read leniently: fal's schema
// leaves timings untyped, and a strange seed must not lose a finished image.
type fluxOutput struct {
	Images          []fluxImage     `json:"images"`
	Seed            json.RawMessage `json:"seed"`
	Timings         json.RawMessage `json:"timings"`
	HasNSFWConcepts json.RawMessage `json:"has_nsfw_concepts"`
}

type fluxImage struct {
	URL         string `json:"url"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
}

// Generate draws req with FLUX and returns the image's bytes.
func (m *ImageModel) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	if !m.c.Configured() {
		return domain.ImageResult{}, errNoKey()
	}
	spec, err := fluxFor(req)
	if err != nil {
		return domain.ImageResult{}, err
	}
	style, prefix, err := stylePrompt(req)
	if err != nil {
		return domain.ImageResult{}, err
	}
	in := spec.input(req, imagePrompt(req.Kind, prefix, req.WorldTone, subjectPrompt(req)))

	var out fluxOutput
	if err := m.c.Subscribe(ctx, spec.endpoint, in, &out); err != nil {
		return domain.ImageResult{}, err
	}
	o := &op{endpoint: spec.endpoint, key: m.c.cfg.Key}
	if len(out.Images) == 0 || out.Images[0].URL == "" {
		return domain.ImageResult{}, o.badAnswer(http.StatusOK, nil, errors.New("output without an image URL"))
	}
	if flagged(out.HasNSFWConcepts) {
		return domain.ImageResult{}, nsfwError(spec.endpoint)
	}
	img := out.Images[0]
	data, ct, err := m.c.downloadImage(ctx, spec.endpoint, img.URL, img.ContentType)
	if err != nil {
		return domain.ImageResult{}, err
	}
	res := domain.ImageResult{
		Data:          data,
		ContentType:   ct,
		Width:         img.Width,
		Height:        img.Height,
		Seed:          in.Seed,
		Engine:        engineName,
		Model:         spec.endpoint,
		Style:         style,
		InferenceTime: inferenceTime(out.Timings),
	}
	if in.ImageSize != nil {
		// fal echoes the size; when it does not, the size asked for is the size drawn.
		res.Width, res.Height = or0(res.Width, in.ImageSize.Width), or0(res.Height, in.ImageSize.Height)
	}
	if seed, ok := outputSeed(out.Seed); ok {
		res.Seed = seed
	}
	return res, nil
}

// Status reports the engine ready when a key is set, without calling fal.
func (m *ImageModel) Status(context.Context) domain.DependencyHealth {
	h := domain.DependencyHealth{Status: domain.StatusOK, Engine: engineName, Model: FluxDevEndpoint}
	if !m.c.Configured() {
		h.Status, h.Detail = domain.StatusUnavailable, "FAL_KEY is not set"
	}
	return h
}

// fluxFor picks the endpoint of a request: by model, or flux-general for a negative
// prompt. An empty model is dev, the API's default. A request with a source image (a
// variation, or a sprite drawn from an avatar) goes to dev's image-to-image endpoint
// whatever its model, the one FLUX image-to-image fal publishes besides flux-general's.
func fluxFor(req domain.ImageRequest) (fluxSpec, error) {
	spec, ok := fluxModels[or(req.Model, domain.ImageModelDev)]
	if !ok {
		return fluxSpec{}, domain.ValidationError(domain.FieldError{Field: "model", Message: "must be one of dev, schnell, pro"})
	}
	negative := strings.TrimSpace(req.NegativePrompt) != ""
	switch {
	case req.Source != nil && negative:
		return fluxGeneralImageToImage, nil
	case req.Source != nil:
		return fluxImageToImage, nil
	case negative:
		return fluxGeneral, nil
	}
	return spec, nil
}

// subjectPrompt is what the picture shows: the description, the changes of a
// variation, and the expression of a sprite. A variation or sprite with a source image
// keeps who it shows from the image; the source's own description, when Troupe made it,
// leads so the model knows who that is.
func subjectPrompt(req domain.ImageRequest) string {
	parts := []string{}
	if req.Source != nil && strings.TrimSpace(req.Source.Prompt) != "" {
		parts = append(parts, "the same character as in the image: "+oneLine(req.Source.Prompt))
	}
	if p := strings.TrimSpace(req.Prompt); p != "" {
		parts = append(parts, p)
	}
	if face, ok := emotionFaces[req.Emotion]; ok {
		parts = append(parts, face)
	}
	return strings.Join(parts, ". ")
}

// minStrength is the lowest image-to-image strength fal accepts; the API's 0 (keep the
// source) is sent as it.
const minStrength = 0.01

// sourceStrength is the image-to-image strength of req: a sprite's fixed one, else the
// request's, within what fal accepts.
func sourceStrength(req domain.ImageRequest) float64 {
	if req.Emotion != "" {
		return spriteStrength
	}
	return min(max(req.Strength, minStrength), 1)
}

// stylePrompt returns the style rendered and its prompt text: the custom style prompt
// when given, else the preset's (pixel_art when none is named).
func stylePrompt(req domain.ImageRequest) (style, prompt string, err error) {
	if custom := strings.TrimSpace(req.CustomStylePrompt); custom != "" {
		return CustomStyle, custom, nil
	}
	style = or(req.Style, domain.StylePixelArt)
	prompt, ok := stylePrompts[style]
	if !ok {
		return "", "", domain.ValidationError(domain.FieldError{Field: "style", Message: "must be one of pixel_art, realistic, anime, painterly"})
	}
	return style, prompt, nil
}

// imagePrompt composes "<style>, <tone>, <framing>. <subject>", leaving out empty parts.
func imagePrompt(kind domain.ImageKind, style, tone, subject string) string {
	var head []string
	for _, s := range []string{style, tone, framings[kind]} {
		if s = strings.TrimRight(oneLine(s), " ,."); s != "" {
			head = append(head, s)
		}
	}
	prompt := strings.Join(head, ", ")
	if subject = strings.TrimSpace(subject); subject != "" {
		if prompt != "" {
			prompt += ". "
		}
		prompt += subject
	}
	return prompt
}

// oneLine collapses runs of whitespace, newlines included, into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// input builds the endpoint's input for req.
func (spec fluxSpec) input(req domain.ImageRequest, prompt string) fluxInput {
	size := imageDefaults[req.Kind]
	if size == [2]int{} {
		size = imageDefaults[domain.ImageAvatar]
	}
	in := fluxInput{Prompt: prompt, Seed: req.Seed, NumImages: 1}
	if !spec.source {
		// Image-to-image takes no size: the picture has its source's.
		in.ImageSize = &imageSize{Width: or0(req.Width, size[0]), Height: or0(req.Height, size[1])}
	}
	if spec.negative {
		in.NegativePrompt = strings.TrimSpace(req.NegativePrompt)
	}
	// Zero steps or guidance leave the endpoint's default.
	if spec.maxSteps > 0 && req.Steps > 0 {
		in.NumInferenceSteps = min(req.Steps, spec.maxSteps)
	}
	if spec.guidance && req.GuidanceScale > 0 && !math.IsNaN(req.GuidanceScale) {
		in.GuidanceScale = min(max(req.GuidanceScale, 1), 20)
	}
	if spec.checker {
		on := true
		in.EnableSafetyChecker = &on
	}
	if spec.tolerance {
		// "1" is strictest, "6" most permissive; "2" is fal's default, sent so a change
		// of default cannot loosen it.
		in.SafetyTolerance = "2"
	}
	if spec.png {
		in.OutputFormat = "png"
	}
	if spec.source && req.Source != nil {
		// A data URI, which fal's image-to-image endpoints take in place of a URL: the
		// source never needs a public address of its own.
		in.ImageURL = "data:" + or(req.Source.ContentType, "image/png") + ";base64," + base64.StdEncoding.EncodeToString(req.Source.Data)
		strength := sourceStrength(req)
		in.Strength = &strength
	}
	return in
}

// flagged reports whether the first image was flagged NSFW.
func flagged(raw json.RawMessage) bool {
	var v []bool
	return json.Unmarshal(raw, &v) == nil && len(v) > 0 && v[0]
}

func nsfwError(endpoint string) *domain.Error {
	return &domain.Error{
		Code:    domain.CodeFalServiceError,
		Message: "fal.ai's safety checker flagged the generated image, so it was withheld.",
		Details: map[string]any{"endpoint": endpoint, "reason": "nsfw"},
		Err:     fmt.Errorf("fal %s: image flagged NSFW", endpoint),
	}
}

// outputSeed reads the output's seed, an integer that may be written as 1234 or 1234.0.
func outputSeed(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	if f, err := n.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return int64(f), true
	}
	return 0, false
}

// inferenceTime reads timings.inference, in seconds; zero when absent or not a number.
func inferenceTime(raw json.RawMessage) time.Duration {
	var t struct {
		Inference *float64 `json:"inference"`
	}
	if json.Unmarshal(raw, &t) != nil || t.Inference == nil || *t.Inference <= 0 || *t.Inference > 1e6 {
		return 0
	}
	return time.Duration(*t.Inference * float64(time.Second))
}

func or0(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// downloadImage fetches a generated image and returns its bytes and image content type:
// the response's (or the data URI's), else the file object's (declared), else sniffed.
func (c *Client) downloadImage(ctx context.Context, endpoint, rawURL, declared string) ([]byte, string, error) {
	data, header, err := c.download(ctx, endpoint, rawURL, imageMedia)
	if err != nil {
		return nil, "", err
	}
	return imageData(&op{endpoint: endpoint, key: c.cfg.Key}, data, header, declared)
}

// imageData checks that data is an image and names its content type: the first image
// type among the response's, the file object's and the sniffed one.
func imageData(o *op, data []byte, header, declared string) ([]byte, string, error) {
	if len(data) > 0 {
		for _, t := range []string{header, declared, http.DetectContentType(data)} {
			if mt, _, err := mime.ParseMediaType(t); err == nil && strings.HasPrefix(mt, "image/") {
				return data, mt, nil
			}
		}
	}
	return nil, "", downloadErr(o.badAnswer(http.StatusOK, data[:min(len(data), maxDetailBody)], errors.New("the image URL did not serve an image")))
}
