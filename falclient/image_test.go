package falclient_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	goimage "image"
	_ "image/jpeg"
	"image/png"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

// avatarReq is an avatar request with the API's defaults applied, at a small size.
func avatarReq() domain.ImageRequest {
	return domain.ImageRequest{
		Kind:          domain.ImageAvatar,
		Prompt:        "A scarred dwarf blacksmith with a braided red beard",
		Style:         domain.StylePixelArt,
		WorldTone:     "dark fantasy medieval",
		Width:         96,
		Height:        64,
		GuidanceScale: 7.5,
		Steps:         28,
		Seed:          1234,
		Model:         domain.ImageModelDev,
	}
}

func newImageModel(srv *faltest.Server, mods ...func(*falclient.Config)) *falclient.ImageModel {
	return falclient.NewImageModel(newClient(srv, mods...))
}

// submitted returns the body of the last submit, decoded.
func submitted(t *testing.T, srv *faltest.Server) map[string]any {
	t.Helper()
	var body []byte
	for _, r := range srv.Requests() {
		if r.Kind == faltest.KindSubmit {
			body = r.Body
		}
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatalf("submit body %q: %v", body, err)
	}
	return in
}

func decodeImage(t *testing.T, data []byte) (goimage.Image, string) {
	t.Helper()
	img, format, err := goimage.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img, format
}

const avatarPrompt = "pixel art, 16-bit, crisp pixels, limited palette, clean dark outlines, retro video game sprite art, " +
	"no anti-aliasing, dark fantasy medieval, character portrait, head and shoulders, centered. " +
	"A scarred dwarf blacksmith with a braided red beard"

// TestImageEndpoints checks that each model reaches its endpoint with exactly the fields
// that endpoint takes, and that the image comes back as bytes of the requested size.
func TestImageEndpoints(t *testing.T) {
	size := map[string]any{"width": 96.0, "height": 64.0}
	tests := []struct {
		name     string
		model    string
		negative string
		endpoint string
		input    map[string]any
		format   string
	}{
		{"dev", domain.ImageModelDev, "", falclient.FluxDevEndpoint, map[string]any{
			"prompt": avatarPrompt, "image_size": size, "seed": 1234.0, "num_inference_steps": 28.0, "guidance_scale": 7.5,
			"num_images": 1.0, "enable_safety_checker": true, "output_format": "png",
		}, "png"},
		{"schnell clamps steps", domain.ImageModelSchnell, "", falclient.FluxSchnellEndpoint, map[string]any{
			"prompt": avatarPrompt, "image_size": size, "seed": 1234.0, "num_inference_steps": 12.0, "guidance_scale": 7.5,
			"num_images": 1.0, "enable_safety_checker": true, "output_format": "png",
		}, "png"},
		{"pro takes no steps or guidance", domain.ImageModelPro, "", falclient.FluxProEndpoint, map[string]any{
			"prompt": avatarPrompt, "image_size": size, "seed": 1234.0,
			"num_images": 1.0, "safety_tolerance": "2", "output_format": "png",
		}, "png"},
		{"negative prompt routes to flux-general", domain.ImageModelPro, "  blurry, text  ", falclient.FluxGeneralEndpoint, map[string]any{
			"prompt": avatarPrompt, "negative_prompt": "blurry, text", "image_size": size, "seed": 1234.0,
			"num_inference_steps": 28.0, "guidance_scale": 7.5, "num_images": 1.0, "enable_safety_checker": true,
		}, "jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			req := avatarReq()
			req.Model, req.NegativePrompt = tt.model, tt.negative
			res, err := newImageModel(srv).Generate(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if n := srv.Count(tt.endpoint, faltest.KindSubmit); n != 1 {
				t.Fatalf("%d submits to %s; requests %+v", n, tt.endpoint, srv.Requests())
			}
			if in := submitted(t, srv); !reflect.DeepEqual(in, tt.input) {
				t.Errorf("input\n%v\nwant\n%v", in, tt.input)
			}
			img, format := decodeImage(t, res.Data)
			if format != tt.format || res.ContentType != "image/"+tt.format || img.Bounds() != goimage.Rect(0, 0, 96, 64) {
				t.Errorf("image %s %s %v", format, res.ContentType, img.Bounds())
			}
			want := domain.ImageResult{Width: 96, Height: 64, Seed: 1234, Engine: "fal", Model: tt.endpoint,
				Style: domain.StylePixelArt, InferenceTime: 10 * time.Millisecond, ContentType: res.ContentType}
			got := res
			got.Data = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("result %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestImagePrompt(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*domain.ImageRequest)
		prompt string
		style  string
	}{
		{"pixel art avatar", func(*domain.ImageRequest) {}, avatarPrompt, domain.StylePixelArt},
		{"realistic background", func(r *domain.ImageRequest) {
			r.Kind, r.Style, r.Prompt = domain.ImageBackground, domain.StyleRealistic, "A misty mountain pass at dawn\nwith a ruined watchtower"
		}, "photorealistic, natural lighting, detailed skin and material textures, sharp focus, shallow depth of field, " +
			"35mm photograph, dark fantasy medieval, wide establishing shot, no characters. " +
			"A misty mountain pass at dawn\nwith a ruined watchtower", domain.StyleRealistic},
		{"anime", func(r *domain.ImageRequest) { r.Style, r.WorldTone = domain.StyleAnime, "" },
			"anime style, cel shading, clean line art, vibrant colors, high-quality anime key visual, " +
				"character portrait, head and shoulders, centered. A scarred dwarf blacksmith with a braided red beard", domain.StyleAnime},
		{"painterly", func(r *domain.ImageRequest) {
			r.Style, r.WorldTone = domain.StylePainterly, "cozy\n solarpunk village."
		},
			"digital painting, visible brush strokes, rich color, soft painterly light, concept art illustration, " +
				"cozy solarpunk village, character portrait, head and shoulders, centered. A scarred dwarf blacksmith with a braided red beard", domain.StylePainterly},
		{"custom style replaces the preset", func(r *domain.ImageRequest) { r.CustomStylePrompt = " ink wash, sumi-e. " },
			"ink wash, sumi-e, dark fantasy medieval, character portrait, head and shoulders, centered. " +
				"A scarred dwarf blacksmith with a braided red beard", falclient.CustomStyle},
		{"no style named", func(r *domain.ImageRequest) { r.Style = "" }, avatarPrompt, domain.StylePixelArt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			req := avatarReq()
			tt.modify(&req)
			res, err := newImageModel(srv).Generate(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if p := submitted(t, srv)["prompt"]; p != tt.prompt || res.Style != tt.style {
				t.Errorf("prompt %q (style %s)\nwant   %q (style %s)", p, res.Style, tt.prompt, tt.style)
			}
		})
	}
}

func TestImageInvalid(t *testing.T) {
	srv := faltest.New(t)
	for _, modify := range []func(*domain.ImageRequest){
		func(r *domain.ImageRequest) { r.Model = "ultra" },
		func(r *domain.ImageRequest) { r.Style = "cubist" },
	} {
		req := avatarReq()
		modify(&req)
		if _, err := newImageModel(srv).Generate(t.Context(), req); domain.ErrorCode(err) != domain.CodeValidation {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

// TestImageQueue checks that Generate follows the queue to completion, then downloads
// the image without the key.
func TestImageQueue(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(2, 3))
	if _, err := newImageModel(srv).Generate(t.Context(), avatarReq()); err != nil {
		t.Fatal(err)
	}
	var kinds []faltest.Kind
	for _, r := range srv.Requests() {
		kinds = append(kinds, r.Kind)
		if auth := r.Header.Get("Authorization"); (r.Kind == faltest.KindFile) != (auth == "") {
			t.Errorf("%s request with Authorization %q", r.Kind, auth)
		}
	}
	want := []faltest.Kind{faltest.KindSubmit,
		faltest.KindStatus, faltest.KindStatus, faltest.KindStatus, faltest.KindStatus, faltest.KindStatus, faltest.KindStatus,
		faltest.KindResult, faltest.KindFile}
	if !slices.Equal(kinds, want) {
		t.Fatalf("requests %v, want %v", kinds, want)
	}
}

func TestImageCancel(t *testing.T) {
	// The caller gives up once the request is queued upstream (fal knows its id), so the
	// client owes fal a cancel.
	ctx, cancel := context.WithCancel(t.Context())
	srv := faltest.New(t, faltest.WithQueueSteps(1<<30, 0), faltest.WithObserver(func(r faltest.Recorded) {
		if r.Kind == faltest.KindStatus {
			cancel()
		}
	}))
	_, err := newImageModel(srv).Generate(ctx, avatarReq())
	var de *domain.Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &de) {
		t.Fatalf("err %v", err)
	}
	if n := srv.Count(falclient.FluxDevEndpoint, faltest.KindCancel); n != 1 {
		t.Errorf("%d cancels reached fal", n)
	}
	if n := srv.Count(faltest.FilesEndpoint, faltest.KindFile); n != 0 {
		t.Errorf("%d downloads", n)
	}
}

func TestImageFailures(t *testing.T) {
	dev := falclient.FluxDevEndpoint
	tests := []struct {
		name   string
		inject func(*faltest.Server)
		modify func(*domain.ImageRequest)
		key    string
		code   domain.Code
		status int    // upstream_status, when not 0
		stage  string // details' stage
	}{
		{"wrong key", nil, nil, "wrong", domain.CodeFalServiceError, 401, ""},
		{"invalid input (422 from the result)", nil, func(r *domain.ImageRequest) { r.Width = 20000 }, "", domain.CodeFalServiceError, 422, ""},
		{"500 persistent", func(s *faltest.Server) { s.FailNext(dev, 10, 500, "") }, nil, "", domain.CodeFalServiceError, 500, ""},
		{"503 then success", func(s *faltest.Server) { s.FailNext(dev, 2, 503, "") }, nil, "", "", 0, ""},
		{"stalled submit", func(s *faltest.Server) { s.StallNext(dev, 1) }, nil, "", domain.CodeProviderTimeout, 0, ""},
		{"download 503 then success", func(s *faltest.Server) { s.FailNext(faltest.FilesEndpoint, 2, 503, "") }, nil, "", "", 0, ""},
		{"download 404", func(s *faltest.Server) { s.FailNext(faltest.FilesEndpoint, 1, 404, "") }, nil, "", domain.CodeFalServiceError, 404, "download"},
		{"download dropped", func(s *faltest.Server) { s.DropNext(faltest.FilesEndpoint, 10) }, nil, "", domain.CodeFalServiceError, 0, "download"},
		{"stalled download", func(s *faltest.Server) { s.StallNext(faltest.FilesEndpoint, 1) }, nil, "", domain.CodeProviderTimeout, 0, ""},
		{"no image", func(s *faltest.Server) {
			s.Handle(dev, func(json.RawMessage) (any, *faltest.Failure) { return map[string]any{"images": []any{}}, nil })
		}, nil, "", domain.CodeFalServiceError, 0, ""},
		{"not an image", func(s *faltest.Server) {
			s.Handle(dev, func(json.RawMessage) (any, *faltest.Failure) {
				return faltest.FluxOutput{Images: []faltest.FluxImage{{URL: s.PutFile([]byte("<html>oops</html>"), "text/html")}}}, nil
			})
		}, nil, "", domain.CodeFalServiceError, 0, "download"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			if tt.inject != nil {
				tt.inject(srv)
			}
			req := avatarReq()
			if tt.modify != nil {
				tt.modify(&req)
			}
			m := newImageModel(srv, func(c *falclient.Config) {
				c.Timeout = 200 * time.Millisecond
				if tt.key != "" {
					c.Key = tt.key
				}
			})
			res, err := m.Generate(t.Context(), req)
			if tt.code == "" {
				if err != nil || len(res.Data) == 0 {
					t.Fatalf("%v", err)
				}
				return
			}
			de := domainErr(t, err)
			if de.Code != tt.code || (tt.status != 0 && de.Details["upstream_status"] != tt.status) ||
				(tt.stage != "" && de.Details["stage"] != tt.stage) {
				t.Errorf("%v %v", de, de.Details)
			}
			if de.Code == domain.CodeFalServiceError && de.Details["endpoint"] != dev {
				t.Errorf("details %v", de.Details)
			}
		})
	}
}

func TestImageNSFW(t *testing.T) {
	srv := faltest.New(t)
	srv.NSFWNext(1)
	m := newImageModel(srv)
	_, err := m.Generate(t.Context(), avatarReq())
	de := domainErr(t, err)
	if de.Code != domain.CodeFalServiceError || de.Details["reason"] != "nsfw" || de.Details["endpoint"] != falclient.FluxDevEndpoint {
		t.Errorf("%v %v", de, de.Details)
	}
	if n := srv.Count(faltest.FilesEndpoint, faltest.KindFile); n != 0 {
		t.Errorf("the flagged image was downloaded %d times", n)
	}
	if _, err := m.Generate(t.Context(), avatarReq()); err != nil {
		t.Errorf("next image: %v", err)
	}
}

// TestImageOutputFallbacks checks the result when fal's output omits what it usually
// carries: the size and seed requested, no inference time, the file object's content
// type when the download has none of its own. It also takes a data URI image.
func TestImageOutputFallbacks(t *testing.T) {
	srv := faltest.New(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, goimage.NewGray(goimage.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	srv.Handle(falclient.FluxDevEndpoint, func(json.RawMessage) (any, *faltest.Failure) {
		return map[string]any{
			"images":  []map[string]any{{"url": srv.PutFile(data, "application/octet-stream"), "content_type": "image/png"}},
			"seed":    "not a number",
			"timings": []int{1},
		}, nil
	})
	res, err := newImageModel(srv).Generate(t.Context(), avatarReq())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Data, data) || res.ContentType != "image/png" || res.Width != 96 || res.Height != 64 ||
		res.Seed != 1234 || res.InferenceTime != 0 {
		t.Errorf("result %+v", res)
	}

	srv.Handle(falclient.FluxDevEndpoint, func(json.RawMessage) (any, *faltest.Failure) {
		return map[string]any{"images": []map[string]any{{"url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(data), "width": 96, "height": 64}}, "seed": 5.0}, nil
	})
	res, err = newImageModel(srv).Generate(t.Context(), avatarReq())
	if err != nil || !bytes.Equal(res.Data, data) || res.ContentType != "image/png" || res.Seed != 5 {
		t.Errorf("data URI: %+v %v", res, err)
	}
}

func TestImageStatus(t *testing.T) {
	srv := faltest.New(t)
	if h := newImageModel(srv).Status(t.Context()); h != (domain.DependencyHealth{Status: domain.StatusOK, Engine: "fal", Model: "fal-ai/flux/dev"}) {
		t.Errorf("with a key: %+v", h)
	}
	m := falclient.NewImageModel(falclient.New(falclient.Config{}))
	if h := m.Status(t.Context()); h.Status != domain.StatusUnavailable || h.Engine != "fal" || h.Model != "fal-ai/flux/dev" || h.Detail == "" {
		t.Errorf("without a key: %+v", h)
	}
	if _, err := m.Generate(t.Context(), avatarReq()); domain.ErrorCode(err) != domain.CodeEngineUnavailable {
		t.Errorf("Generate without a key: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}
