package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/local/speech"
)

// countingImages counts the calls that reach an image engine, so a test can tell a cache
// hit (no call) from a new picture.
type countingImages struct {
	domain.ImageModel
	calls atomic.Int64
}

func (c *countingImages) Generate(ctx context.Context, r domain.ImageRequest) (domain.ImageResult, error) {
	c.calls.Add(1)
	return c.ImageModel.Generate(ctx, r)
}

// countingSynth counts the syntheses that reach a speech engine.
type countingSynth struct {
	domain.SpeechSynth
	calls atomic.Int64
}

func (c *countingSynth) Synthesize(ctx context.Context, r domain.SpeechRequest) (domain.SpeechResult, error) {
	c.calls.Add(1)
	return c.SpeechSynth.Synthesize(ctx, r)
}

// identity is the traits that say who a character is (domain.IdentityTraitCategories).
func identity(traits *[]string) []string {
	var out []string
	if traits == nil {
		return out
	}
	for _, t := range *traits {
		cat, _, _ := strings.Cut(t, ":")
		if slices.Contains(domain.IdentityTraitCategories, cat) {
			out = append(out, t)
		}
	}
	return out
}

// fileOf is the file id a signed URL downloads.
func fileOf(t *testing.T, signed string) string {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/v1/files/")
}

// makeAvatar draws an avatar for the character and returns its result.
func makeAvatar(t *testing.T, c *gen.ClientWithResponses, characterID, description string, seed int64) gen.ImageJobResult {
	t.Helper()
	av, err := c.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{
		Description: description, Seed: &seed, CharacterId: &characterID, Width: ptr(256), Height: ptr(256),
	})
	if err != nil || av.JSON202 == nil {
		t.Fatalf("avatar: %v %s", err, av.Body)
	}
	return imageResult(t, waitJob(t, c, av.JSON202.JobId))
}

// decodePNG downloads a signed image URL and decodes it.
func decodePNG(t *testing.T, b *bundle, signed string) (image.Image, []byte) {
	t.Helper()
	res, body := download(t, b.url, signed, nil)
	if res.StatusCode != 200 {
		t.Fatalf("download %s: %d", signed, res.StatusCode)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return img, body
}

func jobCount(t *testing.T, c *gen.ClientWithResponses) int {
	t.Helper()
	res, err := c.ListJobsWithResponse(t.Context(), nil)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("list jobs: %v", err)
	}
	return res.JSON200.Total
}

// TestVariations: a variation of a character's avatar or of a file keeps who the
// character is, links to its source and leaves the source alone; a request without one
// source, or with another tenant's, is refused and queues nothing.
func TestVariations(t *testing.T) {
	t.Parallel()
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, db)
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"})
			src := makeAvatar(t, b.demo, ch.Id, "an orc warrior with a scar and green eyes", 41)

			for _, body := range []gen.VariationRequest{
				{CharacterId: &ch.Id, Prompt: "wearing a blue hood", Seed: ptr(int64(7))},
				{FileId: &src.FileId, Prompt: "wearing a blue hood", Seed: ptr(int64(7)), Strength: ptr(0.9)},
			} {
				res, err := b.demo.CreateVariationWithResponse(t.Context(), nil, body)
				if err != nil || res.JSON202 == nil {
					t.Fatalf("variation: %v %d %s", err, res.StatusCode(), res.Body)
				}
				j := waitJob(t, b.demo, res.JSON202.JobId)
				if j.Status != gen.JobStatusCompleted || j.Type != gen.JobTypeVariation || j.Result == nil || j.Result.Variation == nil {
					t.Fatalf("variation job %+v", j)
				}
				v := *j.Result.Variation
				checkSignedFile(t, v.FileId, v.ImageUrl, v.ExpiresAt)
				if v.SourceFileId == nil || *v.SourceFileId != src.FileId || v.FileId == src.FileId {
					t.Fatalf("variation %s of %s links to %v", v.FileId, src.FileId, v.SourceFileId)
				}
				if v.Width != src.Width || v.Height != src.Height || v.Engine != "local" {
					t.Errorf("variation %dx%d on %s, source %dx%d", v.Width, v.Height, v.Engine, src.Width, src.Height)
				}
				if got, want := identity(v.Traits), identity(src.Traits); len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("identity traits %v, source's %v", got, want)
				}
				if !slices.Contains(*v.Traits, "headwear:hood") {
					t.Errorf("asked for a hood, drew %v", *v.Traits)
				}
				_, changed := decodePNG(t, b, v.ImageUrl)
				_, original := decodePNG(t, b, src.ImageUrl)
				if bytes.Equal(changed, original) {
					t.Error("the variation is the source's image")
				}
			}
			got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)
			if got.JSON200 == nil || got.JSON200.AvatarUrl == nil || fileOf(t, *got.JSON200.AvatarUrl) != src.FileId {
				t.Fatalf("a variation changed the character's avatar: %s", got.Body)
			}

			plain := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "trickster"})
			bg, err := b.demo.CreateBackgroundWithResponse(t.Context(), nil, gen.BackgroundRequest{Prompt: "a tavern", Width: ptr(512), Height: ptr(512)})
			if err != nil || bg.JSON202 == nil {
				t.Fatalf("background: %v", err)
			}
			scene := imageResult(t, waitJob(t, b.demo, bg.JSON202.JobId))
			before := jobCount(t, b.demo)
			for _, c := range []struct {
				name   string
				client *gen.ClientWithResponses
				body   gen.VariationRequest
				status int
				code   string
			}{
				{"no source", b.demo, gen.VariationRequest{Prompt: "smiling"}, 422, "VALIDATION_ERROR"},
				{"two sources", b.demo, gen.VariationRequest{FileId: &src.FileId, CharacterId: &ch.Id, Prompt: "smiling"}, 422, "VALIDATION_ERROR"},
				{"a character without an avatar", b.demo, gen.VariationRequest{CharacterId: &plain.Id, Prompt: "smiling"}, 422, "VALIDATION_ERROR"},
				{"an unknown file", b.demo, gen.VariationRequest{FileId: ptr("file_nope"), Prompt: "smiling"}, 404, "FILE_NOT_FOUND"},
				{"an unknown character", b.demo, gen.VariationRequest{CharacterId: ptr("chr_nope"), Prompt: "smiling"}, 404, "CHAR_NOT_FOUND"},
				{"a strength above 1", b.demo, gen.VariationRequest{FileId: &src.FileId, Prompt: "smiling", Strength: ptr(1.5)}, 422, "VALIDATION_ERROR"},
				{"another tenant's file", b.other, gen.VariationRequest{FileId: &src.FileId, Prompt: "smiling"}, 404, "FILE_NOT_FOUND"},
				{"a background", b.demo, gen.VariationRequest{FileId: &scene.FileId, Prompt: "at night"}, 422, "VALIDATION_ERROR"},
			} {
				res, err := c.client.CreateVariationWithResponse(t.Context(), nil, c.body)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode() != c.status || !strings.Contains(string(res.Body), `"`+c.code+`"`) {
					t.Errorf("%s: %d %s, want %d %s", c.name, res.StatusCode(), res.Body, c.status, c.code)
				}
			}
			if after := jobCount(t, b.demo); after != before {
				t.Errorf("refused variations queued %d jobs", after-before)
			}
		})
	}
}

// TestSpriteSets: a sprite set draws one transparent portrait per emotion with the
// character's identity, lists them on the character, and speak and conversation turns
// answer with the sprite of their line's emotion; a second set replaces only its own
// emotions, and bad requests change nothing.
func TestSpriteSets(t *testing.T) {
	t.Parallel()
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, db)
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Hilde")})
			src := makeAvatar(t, b.demo, ch.Id, "a dwarf innkeeper with a braided red beard and an apron", 12)

			res, err := b.demo.CreateSpritesWithResponse(t.Context(), ch.Id, nil, gen.SpriteSetRequest{Width: ptr(256), Height: ptr(256)})
			if err != nil || res.JSON202 == nil {
				t.Fatalf("sprites: %v %d %s", err, res.StatusCode(), res.Body)
			}
			j := waitJob(t, b.demo, res.JSON202.JobId)
			if j.Status != gen.JobStatusCompleted || j.Type != gen.JobTypeSprites || j.Result == nil || j.Result.Sprites == nil {
				t.Fatalf("sprites job %+v", j)
			}
			set := *j.Result.Sprites
			if set.CharacterId != ch.Id || set.SourceFileId == nil || *set.SourceFileId != src.FileId || !set.Transparent || set.Width != 256 {
				t.Fatalf("sprite set %+v", set)
			}
			if len(set.Sprites) != len(domain.SpriteEmotions) {
				t.Fatalf("%d sprites, want one per emotion (%d)", len(set.Sprites), len(domain.SpriteEmotions))
			}
			files := map[string]bool{}
			for i, s := range set.Sprites {
				if string(s.Emotion) != string(domain.SpriteEmotions[i]) || files[s.FileId] {
					t.Fatalf("sprite %d: %s %s", i, s.Emotion, s.FileId)
				}
				files[s.FileId] = true
				checkSignedFile(t, s.FileId, s.ImageUrl, s.ExpiresAt)
				if got, want := identity(s.Traits), identity(src.Traits); len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("%s sprite's identity %v, the avatar's %v", s.Emotion, got, want)
				}
				img, _ := decodePNG(t, b, s.ImageUrl)
				if _, _, _, a := img.At(0, 0).RGBA(); a != 0 || img.Bounds().Dx() != 256 {
					t.Errorf("%s sprite: corner alpha %d, width %d; want a transparent 256-pixel sprite", s.Emotion, a, img.Bounds().Dx())
				}
			}

			got, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)
			if got.JSON200 == nil || got.JSON200.Sprites == nil || len(*got.JSON200.Sprites) != len(set.Sprites) {
				t.Fatalf("the character lists its sprites: %s", got.Body)
			}
			byEmotion := map[string]string{}
			for i, s := range *got.JSON200.Sprites {
				if s.Emotion != set.Sprites[i].Emotion || s.FileId != set.Sprites[i].FileId {
					t.Fatalf("character sprite %d: %+v, job's %+v", i, s, set.Sprites[i])
				}
				byEmotion[string(s.Emotion)] = s.FileId
			}

			for _, line := range []string{"Good evening!", "You thief, I will break your nose!", "My husband died last winter."} {
				r := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Kestrel", line)}})
				if r.SpriteUrl == nil || fileOf(t, *r.SpriteUrl) != byEmotion[r.Emotion] {
					t.Errorf("speak with emotion %s answered sprite %v, want %s", r.Emotion, r.SpriteUrl, byEmotion[r.Emotion])
				}
			}
			other := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"})
			conv, err := b.demo.CreateConversationWithResponse(t.Context(), nil, gen.ConversationCreateRequest{Participants: []string{ch.Id, other.Id}})
			if err != nil || conv.JSON201 == nil {
				t.Fatalf("conversation: %v %s", err, conv.Body)
			}
			for _, tr := range advance(t, b.demo, conv.JSON201.Id, gen.ConversationTurnRequest{Message: playerLine("Hilde, a room for the night?")}).Turns {
				switch {
				case tr.SpeakerId == ch.Id && (tr.SpriteUrl == nil || fileOf(t, *tr.SpriteUrl) != byEmotion[string(tr.Emotion)]):
					t.Errorf("Hilde's %s turn answered sprite %v", tr.Emotion, tr.SpriteUrl)
				case tr.SpeakerId == other.Id && tr.SpriteUrl != nil:
					t.Errorf("a speaker without sprites answered %s", *tr.SpriteUrl)
				}
			}

			// A second set of one emotion replaces that one only.
			again, _ := b.demo.CreateSpritesWithResponse(t.Context(), ch.Id, nil, gen.SpriteSetRequest{
				Emotions: &[]gen.Emotion{gen.EmotionJoy}, Seed: ptr(int64(3)), Width: ptr(256), Height: ptr(256),
			})
			if j := waitJob(t, b.demo, again.JSON202.JobId); j.Status != gen.JobStatusCompleted || len(j.Result.Sprites.Sprites) != 1 {
				t.Fatalf("one-emotion set: %+v", j)
			} else {
				byEmotion["joy"] = j.Result.Sprites.Sprites[0].FileId
			}
			after, _ := b.demo.GetCharacterWithResponse(t.Context(), ch.Id)
			for _, s := range *after.JSON200.Sprites {
				if s.FileId != byEmotion[string(s.Emotion)] {
					t.Errorf("after the joy set, %s is %s, want %s", s.Emotion, s.FileId, byEmotion[string(s.Emotion)])
				}
			}

			plain := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "trickster"})
			before := jobCount(t, b.demo)
			for _, c := range []struct {
				name   string
				id     string
				body   gen.SpriteSetRequest
				status int
				code   string
			}{
				{"an unknown character", "chr_nope", gen.SpriteSetRequest{Description: ptr("a bard")}, 404, "CHAR_NOT_FOUND"},
				{"no avatar and no description", plain.Id, gen.SpriteSetRequest{}, 422, "VALIDATION_ERROR"},
				{"an emotion twice", ch.Id, gen.SpriteSetRequest{Emotions: &[]gen.Emotion{gen.EmotionJoy, gen.EmotionJoy}}, 422, "VALIDATION_ERROR"},
				{"an unknown emotion", ch.Id, gen.SpriteSetRequest{Emotions: &[]gen.Emotion{"smug"}}, 422, "VALIDATION_ERROR"},
				{"a size too big", ch.Id, gen.SpriteSetRequest{Width: ptr(4096)}, 422, "VALIDATION_ERROR"},
			} {
				res, err := b.demo.CreateSpritesWithResponse(t.Context(), c.id, nil, c.body)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode() != c.status || !strings.Contains(string(res.Body), `"`+c.code+`"`) {
					t.Errorf("%s: %d %s, want %d %s", c.name, res.StatusCode(), res.Body, c.status, c.code)
				}
			}
			if n := jobCount(t, b.demo); n != before {
				t.Errorf("refused sprite sets queued %d jobs", n-before)
			}
			if p, _ := b.demo.GetCharacterWithResponse(t.Context(), plain.Id); p.JSON200 == nil || p.JSON200.Sprites == nil || len(*p.JSON200.Sprites) != 0 {
				t.Errorf("a refused set gave sprites: %s", p.Body)
			}
		})
	}
}

// TestIdenticalRequestsAreCached: the same image or speech request of a tenant is answered
// from the stored result with no engine call, as a new file of its own, metered as a cache
// hit; "cache": false and Cache-Control: no-cache make a new call, and another tenant never
// sees the entry.
func TestIdenticalRequestsAreCached(t *testing.T) {
	t.Parallel()
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			images := &countingImages{ImageModel: pixelart.New()}
			synth := &countingSynth{SpeechSynth: speech.New()}
			b := setup(t, db, func(o *setupOptions) { o.images, o.synth = images, synth })
			ctx := t.Context()
			avatar := func(c *gen.ClientWithResponses, body gen.AvatarRequest, params *gen.CreateAvatarParams) gen.Job {
				t.Helper()
				res, err := c.CreateAvatarWithResponse(ctx, params, body)
				if err != nil || res.JSON202 == nil {
					t.Fatalf("avatar: %v %s", err, res.Body)
				}
				return waitJob(t, c, res.JSON202.JobId)
			}
			req := gen.AvatarRequest{Description: "an elf ranger  with glowing blue eyes", Seed: ptr(int64(5)), Width: ptr(256), Height: ptr(256)}
			first := avatar(b.demo, req, nil)
			if images.calls.Load() != 1 || first.Cached != nil || first.Result.Avatar.Cached {
				t.Fatalf("first request: %d calls, cached %v", images.calls.Load(), first.Cached)
			}
			req.Description = "an elf ranger with glowing blue eyes " // the same, spaced differently
			hit := avatar(b.demo, req, nil)
			if images.calls.Load() != 1 || hit.Cached == nil || !*hit.Cached || !hit.Result.Avatar.Cached {
				t.Fatalf("identical request: %d calls, job cached %v", images.calls.Load(), hit.Cached)
			}
			a, h := imageResult(t, first), imageResult(t, hit)
			if a.FileId == h.FileId || a.SeedUsed != h.SeedUsed || a.Width != h.Width || !slices.Equal(*a.Traits, *h.Traits) {
				t.Fatalf("hit %+v, first %+v: want the same image as a file of its own", h, a)
			}
			if _, x := decodePNG(t, b, a.ImageUrl); !bytes.Equal(x, func() []byte { _, y := decodePNG(t, b, h.ImageUrl); return y }()) {
				t.Error("the hit's bytes differ from the first image's")
			}

			for _, c := range []struct {
				name   string
				client *gen.ClientWithResponses
				body   gen.AvatarRequest
				params *gen.CreateAvatarParams
			}{
				{`"cache": false`, b.demo, withCache(req, false), nil},
				{"Cache-Control: no-cache", b.demo, req, &gen.CreateAvatarParams{CacheControl: ptr("no-cache")}},
				{"another seed", b.demo, gen.AvatarRequest{Description: req.Description, Seed: ptr(int64(6)), Width: req.Width, Height: req.Height}, nil},
				{"another tenant", b.other, req, nil},
			} {
				calls := images.calls.Load()
				if j := avatar(c.client, c.body, c.params); j.Cached != nil || images.calls.Load() != calls+1 {
					t.Errorf("%s: cached %v, %d calls; want a new call", c.name, j.Cached, images.calls.Load()-calls)
				}
			}
			// The bypass replaced the entry; the next identical request still hits.
			calls := images.calls.Load()
			if j := avatar(b.demo, req, nil); j.Cached == nil || images.calls.Load() != calls {
				t.Errorf("after a bypass: cached %v, %d new calls", j.Cached, images.calls.Load()-calls)
			}

			speech := func(text string, noCache bool) gen.Job {
				t.Helper()
				body := gen.SpeechRequest{Text: text, VoiceId: ptr("local-en-us-f3")}
				if noCache {
					body.Cache = ptr(false)
				}
				res, err := b.demo.CreateSpeechWithResponse(ctx, nil, body)
				if err != nil || res.JSON202 == nil {
					t.Fatalf("tts: %v %s", err, res.Body)
				}
				return waitJob(t, b.demo, res.JSON202.JobId)
			}
			s1 := speech("The forge is hot today.", false)
			s2 := speech("The forge is hot today.", false)
			if synth.calls.Load() != 1 || s2.Result.Tts.Cached == nil || !*s2.Result.Tts.Cached || s2.Result.Tts.FileId == s1.Result.Tts.FileId ||
				len(s2.Result.Tts.Words) != len(s1.Result.Tts.Words) {
				t.Fatalf("identical speech: %d syntheses, second %+v", synth.calls.Load(), s2.Result.Tts)
			}
			if speech("The forge is hot today.", true); synth.calls.Load() != 2 {
				t.Errorf(`"cache": false spoke from the cache`)
			}

			u := usage(t, b.demo, gen.GetUsageParams{})
			if u.Totals.CacheHits != 3 || line(u.Totals, gen.UsageMetricCacheHits, "avatar") != 2 || line(u.Totals, gen.UsageMetricCacheHits, "tts") != 1 {
				t.Errorf("usage: %d cache hits, lines %+v", u.Totals.CacheHits, u.Totals.Lines)
			}
		})
	}
}

func withCache(r gen.AvatarRequest, cache bool) gen.AvatarRequest {
	r.Cache = &cache
	return r
}

// TestVisualIdentityOnFal: on fal, variations and sprites are FLUX image-to-image calls
// with the source as a data URI, and an identical request makes no call at all.
func TestVisualIdentityOnFal(t *testing.T) {
	t.Parallel()
	fake := faltest.New(t, faltest.WithQueueSteps(1, 1))
	client := falclient.New(falclient.Config{
		Key: fake.Key(), RunURL: fake.URL(), QueueURL: fake.URL(), PollInterval: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
	})
	b := setup(t, func(o *setupOptions) { o.images = falclient.NewImageModel(client) })
	submitted := func(endpoint string) []map[string]any {
		var out []map[string]any
		for _, r := range fake.Requests() {
			if r.Endpoint == endpoint && r.Kind == faltest.KindSubmit {
				var in map[string]any
				if err := json.Unmarshal(r.Body, &in); err != nil {
					t.Fatal(err)
				}
				out = append(out, in)
			}
		}
		return out
	}
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "hunter", Archetype: "explorer"})
	src := makeAvatar(t, b.demo, ch.Id, "an elf ranger with silver hair", 9)
	again := makeAvatar(t, b.demo, ch.Id, "an elf ranger with silver hair", 9)
	if n := len(submitted(falclient.FluxDevEndpoint)); n != 1 || !again.Cached || src.Cached {
		t.Fatalf("two identical avatars made %d fal calls (second cached %v)", n, again.Cached)
	}
	fresh, err := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{
		Description: "an elf ranger with silver hair", Seed: ptr(int64(9)), Width: ptr(256), Height: ptr(256), Cache: ptr(false),
	})
	if err != nil || fresh.JSON202 == nil {
		t.Fatalf("avatar: %v %s", err, fresh.Body)
	}
	if r := imageResult(t, waitJob(t, b.demo, fresh.JSON202.JobId)); r.Cached || len(submitted(falclient.FluxDevEndpoint)) != 2 {
		t.Fatalf(`"cache": false: cached %v, %d fal calls; want a second call`, r.Cached, len(submitted(falclient.FluxDevEndpoint)))
	}

	res, err := b.demo.CreateVariationWithResponse(t.Context(), nil, gen.VariationRequest{CharacterId: &ch.Id, Prompt: "wearing a red cloak", Seed: ptr(int64(3))})
	if err != nil || res.JSON202 == nil {
		t.Fatalf("variation: %v %s", err, res.Body)
	}
	j := waitJob(t, b.demo, res.JSON202.JobId)
	if j.Status != gen.JobStatusCompleted || j.Result.Variation == nil || j.Result.Variation.Model != falclient.FluxImageToImageEndpoint ||
		*j.Result.Variation.SourceFileId != again.FileId || j.Result.Variation.Width != again.Width || j.Result.Variation.Height != again.Height {
		t.Fatalf("variation on fal: %+v", j)
	}
	calls := submitted(falclient.FluxImageToImageEndpoint)
	if len(calls) != 1 {
		t.Fatalf("%d image-to-image calls, want 1", len(calls))
	}
	in := calls[0]
	if url, _ := in["image_url"].(string); !strings.HasPrefix(url, "data:image/png;base64,") || in["strength"] != 0.6 ||
		!strings.Contains(in["prompt"].(string), "wearing a red cloak") || !strings.Contains(in["prompt"].(string), "silver hair") {
		t.Errorf("image-to-image input: strength %v, prompt %q, image_url %.40v", in["strength"], in["prompt"], in["image_url"])
	}

	sp, err := b.demo.CreateSpritesWithResponse(t.Context(), ch.Id, nil, gen.SpriteSetRequest{Emotions: &[]gen.Emotion{gen.EmotionJoy, gen.EmotionAnger}})
	if err != nil || sp.JSON202 == nil {
		t.Fatalf("sprites: %v %s", err, sp.Body)
	}
	set := waitJob(t, b.demo, sp.JSON202.JobId)
	if set.Status != gen.JobStatusCompleted || len(set.Result.Sprites.Sprites) != 2 || set.Result.Sprites.Transparent {
		t.Fatalf("sprites on fal: %+v", set)
	}
	calls = submitted(falclient.FluxImageToImageEndpoint)[1:]
	if len(calls) != 2 || !strings.Contains(calls[0]["prompt"].(string), "smile") || !strings.Contains(calls[1]["prompt"].(string), "angry") {
		t.Fatalf("sprite calls: %v", calls)
	}
}
