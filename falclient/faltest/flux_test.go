package faltest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/falclient/faltest"
)

// runFlux runs endpoint synchronously and decodes its output.
func runFlux(t *testing.T, srv *faltest.Server, endpoint, body string) (int, faltest.FluxOutput, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL()+"/"+endpoint, strings.NewReader(body))
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out faltest.FluxOutput
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, out, string(raw)
}

// get downloads url without a key.
func get(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), data
}

func decode(t *testing.T, data []byte) (image.Image, string) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img, format
}

func TestFluxOutput(t *testing.T) {
	srv := faltest.New(t)
	code, out, raw := runFlux(t, srv, faltest.FluxDev,
		`{"prompt":"a red dragon","image_size":{"width":96,"height":64},"seed":7,"num_inference_steps":28,"guidance_scale":3.5,"output_format":"png","unknown":"ignored"}`)
	if code != 200 {
		t.Fatalf("%d %s", code, raw)
	}
	// The output's shape, key by key, as fal's.
	var keys map[string]json.RawMessage
	_ = json.Unmarshal([]byte(raw), &keys)
	if got := slices.Sorted(maps.Keys(keys)); !slices.Equal(got, []string{"has_nsfw_concepts", "images", "prompt", "seed", "timings"}) {
		t.Errorf("output keys %v", got)
	}
	if !strings.Contains(raw, `"images":[{"url":"`+srv.URL()+`/files/`) || !strings.Contains(raw, `"width":96,"height":64,"content_type":"image/png"}]`) ||
		!strings.Contains(raw, `"timings":{"inference":0.01}`) || !strings.Contains(raw, `"has_nsfw_concepts":[false]`) {
		t.Errorf("output %s", raw)
	}
	if out.Seed != 7 || out.Prompt != "a red dragon" || len(out.Images) != 1 {
		t.Fatalf("output %+v", out)
	}
	u := out.Images[0].URL
	if !strings.HasSuffix(u, ".png") {
		t.Errorf("url %s", u)
	}
	code, ct, data := get(t, u)
	if code != 200 || ct != "image/png" {
		t.Fatalf("download %d %s", code, ct)
	}
	img, format := decode(t, data)
	if format != "png" || img.Bounds() != image.Rect(0, 0, 96, 64) {
		t.Errorf("image %s %v", format, img.Bounds())
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Kind != faltest.KindFile || last.Endpoint != faltest.FilesEndpoint || last.Method != "GET" {
		t.Errorf("download recorded as %+v", last)
	}

	// Same prompt and seed, same picture; another seed, another picture.
	_, again, _ := runFlux(t, srv, faltest.FluxDev, `{"prompt":"a red dragon","image_size":{"width":96,"height":64},"seed":7,"output_format":"png"}`)
	_, other, _ := runFlux(t, srv, faltest.FluxDev, `{"prompt":"a red dragon","image_size":{"width":96,"height":64},"seed":8,"output_format":"png"}`)
	if again.Images[0].URL != u || other.Images[0].URL == u {
		t.Errorf("determinism: %s %s %s", u, again.Images[0].URL, other.Images[0].URL)
	}

	if code, _, _ := get(t, srv.URL()+"/files/nope.png"); code != 404 {
		t.Errorf("unknown file: %d", code)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "HEAD", u, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(data)) {
		t.Errorf("HEAD: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// allBlack reports whether every pixel of img is opaque black.
func allBlack(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, b, a := img.At(x, y).RGBA(); r != 0 || g != 0 || b != 0 || a != 0xffff {
				return false
			}
		}
	}
	return true
}

func TestFluxDefaults(t *testing.T) {
	srv := faltest.New(t)
	// No size: landscape_4_3. No seed: one derived from the prompt. No format: JPEG.
	_, a, raw := runFlux(t, srv, faltest.FluxSchnell, `{"prompt":"a castle"}`)
	_, b, _ := runFlux(t, srv, faltest.FluxSchnell, `{"prompt":"a castle","seed":null}`)
	if len(a.Images) != 1 || a.Images[0].Width != 1024 || a.Images[0].Height != 768 || a.Images[0].ContentType != "image/jpeg" {
		t.Fatalf("output %s", raw)
	}
	if a.Seed != b.Seed || a.Seed <= 0 || a.Images[0].URL != b.Images[0].URL {
		t.Errorf("derived seeds %d %d", a.Seed, b.Seed)
	}
	_, ct, data := get(t, a.Images[0].URL)
	if img, format := decode(t, data); format != "jpeg" || ct != "image/jpeg" || img.Bounds().Dx() != 1024 {
		t.Errorf("default image %s %s %v", format, ct, img.Bounds())
	}

	// Presets, several images, and flux-general, which has no output_format.
	_, out, raw := runFlux(t, srv, faltest.FluxGeneral, `{"prompt":"x","image_size":"portrait_16_9","num_images":2,"output_format":"png","negative_prompt":"blur"}`)
	if len(out.Images) != 2 || out.Images[1].Width != 576 || out.Images[1].Height != 1024 || out.Images[0].ContentType != "image/jpeg" ||
		out.Images[0].URL == out.Images[1].URL || len(out.HasNSFWConcepts) != 2 {
		t.Errorf("flux-general %s", raw)
	}

	// sync_mode inlines the image.
	_, out, _ = runFlux(t, srv, faltest.FluxPro, `{"prompt":"x","image_size":{"width":32,"height":16},"output_format":"png","sync_mode":true}`)
	data64, ok := strings.CutPrefix(out.Images[0].URL, "data:image/png;base64,")
	data, err := base64.StdEncoding.DecodeString(data64)
	if !ok || err != nil {
		t.Fatalf("sync_mode url %.60s", out.Images[0].URL)
	}
	if img, _ := decode(t, data); img.Bounds() != image.Rect(0, 0, 32, 16) {
		t.Errorf("sync image %v", img.Bounds())
	}
}

func TestFluxValidation(t *testing.T) {
	srv := faltest.New(t)
	tests := []struct {
		endpoint, body, loc string
	}{
		{faltest.FluxDev, `{}`, "prompt"},
		{faltest.FluxDev, `{"prompt":""}`, "prompt"},
		{faltest.FluxDev, `[]`, "body"},
		{faltest.FluxDev, `{"prompt":"x","image_size":"huge"}`, "image_size"},
		{faltest.FluxDev, `{"prompt":"x","image_size":{"width":0,"height":64}}`, "width"},
		{faltest.FluxDev, `{"prompt":"x","image_size":{"width":64,"height":20000}}`, "height"},
		{faltest.FluxDev, `{"prompt":"x","image_size":{"width":"64"}}`, "width"},
		{faltest.FluxDev, `{"prompt":"x","image_size":{"width":64.5}}`, "width"},
		{faltest.FluxDev, `{"prompt":"x","image_size":12}`, "image_size"},
		{faltest.FluxDev, `{"prompt":"x","num_inference_steps":51}`, "num_inference_steps"},
		{faltest.FluxSchnell, `{"prompt":"x","num_inference_steps":13}`, "num_inference_steps"},
		{faltest.FluxDev, `{"prompt":"x","guidance_scale":25}`, "guidance_scale"},
		{faltest.FluxDev, `{"prompt":"x","seed":"abc"}`, "seed"},
		{faltest.FluxDev, `{"prompt":"x","num_images":5}`, "num_images"},
		{faltest.FluxDev, `{"prompt":"x","output_format":"webp"}`, "output_format"},
		{faltest.FluxDev, `{"prompt":"x","enable_safety_checker":"yes"}`, "enable_safety_checker"},
		{faltest.FluxPro, `{"prompt":"x","safety_tolerance":"7"}`, "safety_tolerance"},
		{faltest.FluxPro, `{"prompt":"x","safety_tolerance":2}`, "safety_tolerance"},
		{faltest.FluxGeneral, `{"prompt":"x","negative_prompt":3}`, "negative_prompt"},
	}
	for _, tt := range tests {
		code, _, raw := runFlux(t, srv, tt.endpoint, tt.body)
		if code != 422 || !strings.Contains(raw, `"loc":["body"`) || !strings.Contains(raw, `"`+tt.loc+`"]`) {
			t.Errorf("%s %s: %d %s", tt.endpoint, tt.body, code, raw)
		}
	}
	// Fields an endpoint does not take are ignored, however odd.
	for _, tt := range []struct{ endpoint, body string }{
		{faltest.FluxPro, `{"prompt":"x","image_size":"square","num_inference_steps":500,"guidance_scale":-1,"enable_safety_checker":"?"}`},
		{faltest.FluxDev, `{"prompt":"x","image_size":"square","negative_prompt":7,"safety_tolerance":9,"loras":[]}`},
		{faltest.FluxGeneral, `{"prompt":"x","image_size":"square","output_format":"bmp"}`},
	} {
		if code, _, raw := runFlux(t, srv, tt.endpoint, tt.body); code != 200 {
			t.Errorf("%s %s: %d %s", tt.endpoint, tt.body, code, raw)
		}
	}
}

func TestFluxNSFW(t *testing.T) {
	srv := faltest.New(t)
	srv.NSFWNext(2)
	body := `{"prompt":"x","image_size":{"width":8,"height":8},"output_format":"png"}`
	_, out, _ := runFlux(t, srv, faltest.FluxDev, body)
	if !slices.Equal(out.HasNSFWConcepts, []bool{true}) {
		t.Fatalf("flags %v", out.HasNSFWConcepts)
	}
	_, _, data := get(t, out.Images[0].URL)
	if img, _ := decode(t, data); !allBlack(img) {
		t.Error("flagged image not blacked out")
	}
	// With the checker off the flag stays but the picture is not blacked out.
	_, out, _ = runFlux(t, srv, faltest.FluxDev, strings.Replace(body, `{`, `{"enable_safety_checker":false,`, 1))
	_, _, data = get(t, out.Images[0].URL)
	if img, _ := decode(t, data); !out.HasNSFWConcepts[0] || allBlack(img) {
		t.Errorf("checker off: %v", out.HasNSFWConcepts)
	}
	if _, out, _ = runFlux(t, srv, faltest.FluxDev, body); out.HasNSFWConcepts[0] {
		t.Error("only the next 2 results are flagged")
	}
}

func TestFluxFaultsAndQueue(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(0, 0))
	srv.FailNext(faltest.FluxDev, 1, 503, "")
	if code, _, _ := runFlux(t, srv, faltest.FluxDev, `{"prompt":"x"}`); code != 503 {
		t.Errorf("injected failure: %d", code)
	}
	code, sub, _ := do(t, "POST", srv.URL()+"/"+faltest.FluxSchnell, key, `{"prompt":"x","image_size":"square"}`, submitHeader)
	if code != 200 {
		t.Fatalf("submit %d", code)
	}
	if code, st, _ := do(t, "GET", sub["status_url"].(string), key, "", nil); code != 200 || st["status"] != "COMPLETED" {
		t.Fatalf("status %d %v", code, st)
	}
	code, res, _ := do(t, "GET", sub["response_url"].(string), key, "", nil)
	images, _ := res["images"].([]any)
	if code != 200 || len(images) != 1 {
		t.Fatalf("result %d %v", code, res)
	}
	u := images[0].(map[string]any)["url"].(string)
	srv.FailNext(faltest.FilesEndpoint, 1, 502, "")
	if code, _, _ := get(t, u); code != 502 {
		t.Errorf("injected download failure: %d", code)
	}
	if code, _, _ := get(t, u); code != 200 {
		t.Errorf("download: %d", code)
	}
	if n := srv.Count(faltest.FilesEndpoint, faltest.KindFile); n != 2 {
		t.Errorf("%d downloads recorded", n)
	}

	// A handler set with Handle replaces the built-in one, which stays reachable.
	builtin := srv.FluxHandler(faltest.FluxDev)
	srv.Handle(faltest.FluxDev, func(in json.RawMessage) (any, *faltest.Failure) { return builtin(in) })
	if code, _, raw := runFlux(t, srv, faltest.FluxDev, `{"prompt":"x","image_size":"square"}`); code != 200 {
		t.Errorf("wrapped: %d %s", code, raw)
	}
}
