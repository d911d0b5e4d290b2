package server_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/server/servertest"
)

// untilDone polls a job every millisecond until it ends, and returns how long it took
// from start: a finer clock than waitJob's, for latencies of a few milliseconds.
func untilDone(b *testing.B, c *gen.ClientWithResponses, id string, start time.Time) time.Duration {
	for {
		res, err := c.GetJobWithResponse(b.Context(), id)
		if err != nil || res.JSON200 == nil {
			b.Fatalf("get job: %v", err)
		}
		switch res.JSON200.Status {
		case gen.JobStatusCompleted:
			return time.Since(start)
		case gen.JobStatusFailed, gen.JobStatusCanceled:
			b.Fatalf("job %s %s", id, res.JSON200.Status)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkVisualIdentity measures, on the local engine over SQLite, from submit to
// completed: a new 512×512 avatar (the baseline), a variation of it, a nine-emotion
// sprite set, and an identical avatar answered from the cache; and the engine's own
// render time for an avatar, a variation and a sprite set, without the queue. Medians in
// milliseconds, and the cache hit's ratio to a new avatar.
func BenchmarkVisualIdentity(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := servertest.Client(b, srv.URL, servertest.DemoKey)
	ctx := b.Context()
	ch, err := c.CreateCharacterWithResponse(ctx, nil, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver"})
	if err != nil || ch.JSON201 == nil {
		b.Fatalf("character: %v", err)
	}
	id := ch.JSON201.Id
	desc := "a dwarf innkeeper with a braided red beard and an apron"
	avatar := func(seed int64) (string, time.Time) {
		start := time.Now()
		res, err := c.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: desc, Seed: &seed, CharacterId: &id})
		if err != nil || res.JSON202 == nil {
			b.Fatalf("avatar: %v", err)
		}
		return res.JSON202.JobId, start
	}
	cachedJob, start := avatar(1)
	untilDone(b, c, cachedJob, start)

	engine := pixelart.New()
	base := domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: desc, Style: domain.StylePixelArt, WorldTone: "dark fantasy medieval", Width: 512, Height: 512, Seed: 1}
	render := func(r domain.ImageRequest) {
		if _, err := engine.Generate(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	var fresh, variation, sprites, hit, rAvatar, rVariation, rSprites []time.Duration
	seed := int64(1000)
	for b.Loop() {
		seed++
		job, start := avatar(seed)
		fresh = append(fresh, untilDone(b, c, job, start))

		start = time.Now()
		v, err := c.CreateVariationWithResponse(ctx, nil, gen.VariationRequest{CharacterId: &id, Prompt: "wearing a blue hood", Seed: &seed})
		if err != nil || v.JSON202 == nil {
			b.Fatalf("variation: %v", err)
		}
		variation = append(variation, untilDone(b, c, v.JSON202.JobId, start))

		start = time.Now()
		s, err := c.CreateSpritesWithResponse(ctx, id, nil, gen.SpriteSetRequest{Seed: &seed})
		if err != nil || s.JSON202 == nil {
			b.Fatalf("sprites: %v", err)
		}
		sprites = append(sprites, untilDone(b, c, s.JSON202.JobId, start))

		job, start = avatar(1)
		hit = append(hit, untilDone(b, c, job, start))

		start = time.Now()
		render(base)
		rAvatar = append(rAvatar, time.Since(start))
		start = time.Now()
		render(domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: "wearing a blue hood", Style: base.Style, WorldTone: base.WorldTone,
			Width: 512, Height: 512, Seed: seed, Strength: 0.6, Source: &domain.ImageSource{Kind: domain.ImageAvatar, Prompt: desc, Seed: 1}})
		rVariation = append(rVariation, time.Since(start))
		start = time.Now()
		for _, e := range domain.SpriteEmotions {
			one := base
			one.Emotion, one.Transparent = e, true
			render(one)
		}
		rSprites = append(rSprites, time.Since(start))
	}
	b.ReportMetric(medianMs(fresh), "avatar-job-ms")
	b.ReportMetric(medianMs(variation), "variation-job-ms")
	b.ReportMetric(medianMs(sprites), "sprite-set-job-ms")
	b.ReportMetric(medianMs(hit), "cache-hit-job-ms")
	b.ReportMetric(medianMs(hit)/medianMs(fresh), "hit/avatar")
	b.ReportMetric(medianMs(rAvatar), "render-avatar-ms")
	b.ReportMetric(medianMs(rVariation), "render-variation-ms")
	b.ReportMetric(medianMs(rSprites), "render-sprite-set-ms")
}
