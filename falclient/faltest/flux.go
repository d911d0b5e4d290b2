package faltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"
	"strings"
)

// The FLUX endpoints New registers built-in handlers for (fal's published FLUX schemas).
const (
	FluxDev     = "fal-ai/flux/dev"
	FluxSchnell = "fal-ai/flux/schnell"
	FluxPro     = "fal-ai/flux-pro/v1.1"
	FluxGeneral = "fal-ai/flux-general"
	// FluxImageToImage and FluxGeneralImageToImage take a source image (image_url, a URL
	// or a data URI) and a strength.
	FluxImageToImage        = "fal-ai/flux/dev/image-to-image"
	FluxGeneralImageToImage = "fal-ai/flux-general/image-to-image"
)

// FluxOutput is a FLUX endpoint's output, shaped like fal's.
type FluxOutput struct {
	Images          []FluxImage        `json:"images"`
	Timings         map[string]float64 `json:"timings"`
	Seed            int64              `json:"seed"`
	HasNSFWConcepts []bool             `json:"has_nsfw_concepts"`
	Prompt          string             `json:"prompt"`
}

// FluxImage is one generated image: where to download it, its size and content type.
type FluxImage struct {
	URL         string `json:"url"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
}

// FluxInference is the inference time, in seconds, every FLUX output reports.
const FluxInference = 0.01

// MaxImageSide is the largest custom image_size width or height the FLUX handlers take.
// fal's own bound is unconfirmed (fal's published FLUX schemas); 14142 is the one its toolkit
// is believed to use.
const MaxImageSide = 14142

// fluxSpec is which tuning fields an endpoint reads; any other field is ignored, as fal
// ignores unknown fields.
type fluxSpec struct {
	maxSteps  int  // num_inference_steps from 1 to maxSteps; 0: no such field
	guidance  bool // guidance_scale, 1 to 20
	checker   bool // enable_safety_checker
	tolerance bool // safety_tolerance, "1" to "6"
	format    bool // output_format, jpeg or png
	negative  bool // negative_prompt
	source    bool // image_url (required) and strength, 0 to 1
}

// fluxSpecs follows fal's published FLUX schemas: pro takes no steps or guidance and, in fal's
// current schema, safety_tolerance instead of enable_safety_checker; flux-general takes
// negative_prompt but, in the schema seen, no output_format (its images are JPEG).
var fluxSpecs = map[string]fluxSpec{
	FluxDev:     {maxSteps: 50, guidance: true, checker: true, format: true},
	FluxSchnell: {maxSteps: 12, guidance: true, checker: true, format: true},
	FluxPro:     {tolerance: true, format: true},
	FluxGeneral: {maxSteps: 50, guidance: true, checker: true, negative: true},

	FluxImageToImage:        {maxSteps: 50, guidance: true, checker: true, format: true, source: true},
	FluxGeneralImageToImage: {maxSteps: 50, guidance: true, checker: true, negative: true, source: true},
}

// imagePresets are the image_size presets' pixel sizes (fal's "Common Model Arguments").
var imagePresets = map[string][2]int{
	"square_hd":      {1024, 1024},
	"square":         {512, 512},
	"portrait_4_3":   {768, 1024},
	"portrait_16_9":  {576, 1024},
	"landscape_4_3":  {1024, 768},
	"landscape_16_9": {1024, 576},
}

// registerFlux installs the built-in FLUX handlers; Handle replaces them.
func (s *Server) registerFlux() {
	for endpoint := range fluxSpecs {
		s.handlers[endpoint] = s.FluxHandler(endpoint)
	}
}

// NSFWNext flags the next n FLUX results as NSFW, as fal's safety checker does: their
// has_nsfw_concepts are true and, unless the input disabled the checker, the images are
// black (fal's behaviour here is unconfirmed; see fal's published FLUX schemas).
func (s *Server) NSFWNext(n int) {
	s.media.mu.Lock()
	defer s.media.mu.Unlock()
	s.media.nsfw += max(n, 0)
}

func (s *Server) takeNSFW() bool {
	s.media.mu.Lock()
	defer s.media.mu.Unlock()
	if s.media.nsfw == 0 {
		return false
	}
	s.media.nsfw--
	return true
}

// FluxHandler returns the built-in handler of a FLUX endpoint (FluxDev, FluxSchnell,
// FluxPro, FluxGeneral, FluxImageToImage or FluxGeneralImageToImage), for tests that wrap it. It validates the input as fal does
// (422 with fal's validation error shape), renders a deterministic picture of the
// requested size from the prompt and seed, and serves it at {URL}/files/{id}.png (or
// .jpeg), or inlines it as a data URI with sync_mode. Without a seed it uses one derived
// from the prompt. It panics for any other endpoint.
func (s *Server) FluxHandler(endpoint string) HandlerFunc {
	spec, ok := fluxSpecs[endpoint]
	if !ok {
		panic("faltest: no built-in FLUX handler for " + endpoint)
	}
	return func(input json.RawMessage) (any, *Failure) {
		in, fail := parseFlux(spec, input)
		if fail != nil {
			return nil, fail
		}
		nsfw := s.takeNSFW()
		out := FluxOutput{
			Timings: map[string]float64{"inference": FluxInference},
			Seed:    in.seed,
			Prompt:  in.prompt,
		}
		for i := range in.images {
			// A source image changes the picture as a model would: the same prompt and
			// seed from another source give another image.
			img := picture(in.prompt+in.source, in.seed, i, in.width, in.height)
			if nsfw && in.checker {
				draw.Draw(img, img.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
			}
			data, ct := encodeImage(img, in.format)
			url := "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data)
			if !in.sync {
				url = s.PutFile(data, ct)
			}
			out.Images = append(out.Images, FluxImage{URL: url, Width: in.width, Height: in.height, ContentType: ct})
			out.HasNSFWConcepts = append(out.HasNSFWConcepts, nsfw)
		}
		return out, nil
	}
}

// fluxInput is a validated FLUX input.
type fluxInput struct {
	prompt        string
	width, height int
	seed          int64
	images        int
	format        string // "png" or "jpeg"
	checker       bool
	sync          bool
	// source is a digest of the image-to-image source, empty for text-to-image.
	source string
}

// parseFlux validates a FLUX input against spec. Fields the endpoint does not take are
// ignored; null counts as absent.
func parseFlux(spec fluxSpec, input json.RawMessage) (fluxInput, *Failure) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(input, &raw); err != nil || raw == nil {
		return fluxInput{}, invalidAt("Input should be a valid dictionary", "dict_type", "body")
	}
	for k, v := range raw {
		if string(v) == "null" {
			delete(raw, k)
		}
	}
	in := fluxInput{width: 1024, height: 768, images: 1, format: "jpeg", checker: true}
	if err := json.Unmarshal(raw["prompt"], &in.prompt); err != nil || in.prompt == "" {
		return in, invalidAt("Field required", "missing", "body", "prompt")
	}
	if v, ok := raw["image_size"]; ok && !spec.source {
		w, h, fail := parseImageSize(v)
		if fail != nil {
			return in, fail
		}
		in.width, in.height = w, h
	}
	in.seed = promptSeed(in.prompt)
	if v, ok := raw["seed"]; ok {
		n, ok := integer(v)
		if !ok {
			return in, invalidAt("Input should be a valid integer", "int_parsing", "body", "seed")
		}
		in.seed = n
	}
	if v, ok := raw["num_images"]; ok {
		n, ok := integer(v)
		if !ok || n < 1 || n > 4 {
			return in, invalidAt("Input should be an integer from 1 to 4", "int_range", "body", "num_images")
		}
		in.images = int(n)
	}
	if v, ok := raw["num_inference_steps"]; ok && spec.maxSteps > 0 {
		n, ok := integer(v)
		if !ok || n < 1 || n > int64(spec.maxSteps) {
			return in, invalidAt(fmt.Sprintf("Input should be an integer from 1 to %d", spec.maxSteps), "int_range", "body", "num_inference_steps")
		}
	}
	if v, ok := raw["guidance_scale"]; ok && spec.guidance {
		var g float64
		if json.Unmarshal(v, &g) != nil || g < 1 || g > 20 {
			return in, invalidAt("Input should be a number from 1 to 20", "float_range", "body", "guidance_scale")
		}
	}
	if v, ok := raw["enable_safety_checker"]; ok && spec.checker {
		if json.Unmarshal(v, &in.checker) != nil {
			return in, invalidAt("Input should be a valid boolean", "bool_type", "body", "enable_safety_checker")
		}
	}
	if v, ok := raw["safety_tolerance"]; ok && spec.tolerance {
		var t string
		if json.Unmarshal(v, &t) != nil || len(t) != 1 || t < "1" || t > "6" {
			return in, invalidAt("Input should be '1', '2', '3', '4', '5' or '6'", "literal_error", "body", "safety_tolerance")
		}
	}
	if v, ok := raw["output_format"]; ok && spec.format {
		if json.Unmarshal(v, &in.format) != nil || (in.format != "jpeg" && in.format != "png") {
			return in, invalidAt("Input should be 'jpeg' or 'png'", "enum", "body", "output_format")
		}
	}
	if v, ok := raw["negative_prompt"]; ok && spec.negative {
		var n string
		if json.Unmarshal(v, &n) != nil {
			return in, invalidAt("Input should be a valid string", "string_type", "body", "negative_prompt")
		}
	}
	if spec.source {
		var url string
		if err := json.Unmarshal(raw["image_url"], &url); err != nil || url == "" {
			return in, invalidAt("Field required", "missing", "body", "image_url")
		}
		if !strings.HasPrefix(url, "data:image/") && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
			return in, invalidAt("Input should be a valid URL or data URI", "url_parsing", "body", "image_url")
		}
		sum := sha256.Sum256([]byte(url))
		in.source = " " + hex.EncodeToString(sum[:8])
		if v, ok := raw["strength"]; ok {
			var st float64
			if json.Unmarshal(v, &st) != nil || st < 0.01 || st > 1 {
				return in, invalidAt("Input should be a number from 0.01 to 1", "float_range", "body", "strength")
			}
		}
		// Image-to-image draws at its source's size; image_size is not one of its fields.
		if w, h, ok := dataURISize(url); ok {
			in.width, in.height = w, h
		}
	}
	if v, ok := raw["sync_mode"]; ok {
		if json.Unmarshal(v, &in.sync) != nil {
			return in, invalidAt("Input should be a valid boolean", "bool_type", "body", "sync_mode")
		}
	}
	return in, nil
}

// parseImageSize reads image_size: a preset name or {"width": …, "height": …}, each
// side defaulting to 512 and from 1 to MaxImageSide.
func parseImageSize(v json.RawMessage) (w, h int, fail *Failure) {
	var preset string
	if json.Unmarshal(v, &preset) == nil {
		p, ok := imagePresets[preset]
		if !ok {
			return 0, 0, invalidAt("Input should be 'square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3' or 'landscape_16_9'",
				"enum", "body", "image_size")
		}
		return p[0], p[1], nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil || obj == nil {
		return 0, 0, invalidAt("Input should be a valid dictionary or a preset name", "model_type", "body", "image_size")
	}
	side := func(name string) (int, *Failure) {
		raw, ok := obj[name]
		if !ok || string(raw) == "null" {
			return 512, nil
		}
		n, ok := integer(raw)
		if !ok || n < 1 || n > MaxImageSide {
			return 0, invalidAt(fmt.Sprintf("Input should be an integer from 1 to %d", MaxImageSide), "int_range", "body", "image_size", name)
		}
		return int(n), nil
	}
	if w, fail = side("width"); fail != nil {
		return 0, 0, fail
	}
	if h, fail = side("height"); fail != nil {
		return 0, 0, fail
	}
	return w, h, nil
}

// integer reads a JSON number with an integral value that fits an int64.
func integer(v json.RawMessage) (int64, bool) {
	var f float64
	if json.Unmarshal(v, &f) != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	var n int64
	if json.Unmarshal(v, &n) == nil {
		return n, true // exact, beyond float64's 2^53
	}
	return int64(f), true // e.g. 1024.0
}

// promptSeed is the seed used when the input has none: fal picks a random one, the fake
// one derived from the prompt, so outputs stay deterministic. Like fal's, it fits 32 bits.
func promptSeed(prompt string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(prompt))
	return int64(h.Sum32() & math.MaxInt32)
}

// picture renders the index-th image for prompt and seed: a diagonal gradient between two
// colours with a few rectangles on top, all keyed on a hash of the three.
func picture(prompt string, seed int64, index, w, h int) *image.RGBA {
	var key [16]byte
	binary.BigEndian.PutUint64(key[:8], uint64(seed))
	binary.BigEndian.PutUint64(key[8:], uint64(index))
	sum := sha256.Sum256(append(key[:], prompt...))
	var ramp [256][4]uint8 // the gradient's colours, so the pixel loop only copies
	for t := range ramp {
		for c := range 3 {
			ramp[t][c] = uint8((int(sum[c])*(255-t) + int(sum[3+c])*t) / 255)
		}
		ramp[t][3] = 255
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h)) // opaque, so RGBA; the encoders have fast paths for it
	den := max((w-1)*h+(h-1)*w, 1)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			copy(row[4*x:], ramp[(x*h+y*w)*255/den][:])
		}
	}
	for i := range 4 {
		b := sum[6+6*i : 12+6*i]
		x0, y0 := int(b[0])*w/256, int(b[1])*h/256
		r := image.Rect(x0, y0, x0+(int(b[2])%128+32)*w/512, y0+(int(b[3])%128+32)*h/512)
		fill := color.RGBA{b[4], b[5], b[4] ^ b[5], 255}
		draw.Draw(img, r.Intersect(img.Bounds()), image.NewUniform(fill), image.Point{}, draw.Src)
	}
	return img
}

// encodeImage encodes img as PNG or JPEG and returns the bytes and their content type.
func encodeImage(img image.Image, format string) ([]byte, string) {
	var buf bytes.Buffer
	if format == "png" {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		_ = enc.Encode(&buf, img)
		return buf.Bytes(), "image/png"
	}
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	return buf.Bytes(), "image/jpeg"
}

// invalidAt is a 422 answer for the field at loc, in fal's validation error shape.
func invalidAt(msg, typ string, loc ...string) *Failure {
	b, _ := json.Marshal(map[string]any{"detail": []map[string]any{{"loc": loc, "msg": msg, "type": typ}}})
	return &Failure{Status: http.StatusUnprocessableEntity, Body: string(b)}
}

// dataURISize is the size of the image in a base64 data URI, when it decodes.
func dataURISize(uri string) (int, int, bool) {
	_, payload, ok := strings.Cut(uri, ";base64,")
	if !ok {
		return 0, 0, false
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return 0, 0, false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}
