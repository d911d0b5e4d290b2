package domain

import "testing"

// TestCacheKey: requests that ask for the same picture share a key; a change of anything
// that changes the picture, or of the engine that draws it, gives another.
func TestCacheKey(t *testing.T) {
	local := DependencyHealth{Engine: "local", Model: "pixel-art-v2"}
	base := ImageRequest{Kind: ImageAvatar, Prompt: "an elf ranger", Style: StylePixelArt, Width: 512, Height: 512, Seed: 5, Model: ImageModelDev}
	key := func(typ JobType, engine DependencyHealth, r ImageRequest) string {
		t.Helper()
		k, err := cacheKey(typ, engine, r)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	want := key(JobAvatar, local, base)
	for name, change := range map[string]func(*ImageRequest, *DependencyHealth, *JobType){
		"seed":    func(r *ImageRequest, _ *DependencyHealth, _ *JobType) { r.Seed = 6 },
		"prompt":  func(r *ImageRequest, _ *DependencyHealth, _ *JobType) { r.Prompt = "an elf archer" },
		"size":    func(r *ImageRequest, _ *DependencyHealth, _ *JobType) { r.Width = 256 },
		"style":   func(r *ImageRequest, _ *DependencyHealth, _ *JobType) { r.Style = StyleAnime },
		"emotion": func(r *ImageRequest, _ *DependencyHealth, _ *JobType) { r.Emotion = EmotionJoy },
		"source": func(r *ImageRequest, _ *DependencyHealth, _ *JobType) {
			r.Source = &ImageSource{FileID: "file_a"}
		},
		"engine":   func(_ *ImageRequest, e *DependencyHealth, _ *JobType) { e.Engine = "fal" },
		"model":    func(_ *ImageRequest, e *DependencyHealth, _ *JobType) { e.Model = "pixel-art-v3" },
		"job type": func(_ *ImageRequest, _ *DependencyHealth, typ *JobType) { *typ = JobVariation },
	} {
		r, e, typ := base, local, JobAvatar
		change(&r, &e, &typ)
		if key(typ, e, r) == want {
			t.Errorf("a different %s gave the same key", name)
		}
	}
	// The source's bytes are read at run time and never part of the key: its file id is.
	withBytes := base
	withBytes.Source = &ImageSource{FileID: "file_a", Data: []byte{1, 2, 3}}
	withoutBytes := base
	withoutBytes.Source = &ImageSource{FileID: "file_a"}
	if key(JobVariation, local, withBytes) != key(JobVariation, local, withoutBytes) {
		t.Error("the source's bytes changed the key")
	}
}
