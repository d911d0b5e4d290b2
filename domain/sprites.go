package domain

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// SpriteEmotions are the emotions a sprite set draws when the request names none, in the
// order the API lists sprites: neutral, then Plutchik's eight.
var SpriteEmotions = append([]Emotion{EmotionNeutral}, Emotions...)

// SpriteSetRequest is a set of portraits of one character, one per emotion.
type SpriteSetRequest struct {
	// Emotions are the faces to draw; empty means SpriteEmotions.
	Emotions []Emotion
	// Description is the character's looks, used when it has no avatar to start from.
	Description string
	// Style and WorldTone are the avatar's when empty.
	Style, WorldTone string
	Width, Height    int
	// Seed is negative for a random one.
	Seed        int64
	Transparent bool
	Model       string
	WebhookURL  string
}

// SpriteLink makes a sprites job's files its character's sprites, one per emotion.
type SpriteLink struct {
	CharacterID string
	Emotions    []Emotion
	// FileIDs are the files, in the order of Emotions; the job runner fills them in.
	FileIDs []string
}

// Sprite is a character's portrait for one emotion.
type Sprite struct {
	Emotion Emotion `json:"emotion"`
	FileID  string  `json:"file_id"`
	// Traits are what the engine drew, when it can say.
	Traits []string `json:"traits,omitempty"`
}

// SpriteSetResult is what a sprites job made.
type SpriteSetResult struct {
	CharacterID  string   `json:"character_id"`
	Sprites      []Sprite `json:"sprites"`
	SeedUsed     int64    `json:"seed_used"`
	Width        int      `json:"width"`
	Height       int      `json:"height"`
	Engine       string   `json:"engine"`
	Model        string   `json:"model"`
	Style        string   `json:"style"`
	Transparent  bool     `json:"transparent"`
	SourceFileID string   `json:"source_file_id,omitempty"`
}

// spriteJobRequest is a sprites job's stored input: the one request every sprite shares,
// each drawn with its own Emotion. It reads as an imageJobRequest, so a sprite can be the
// source of a variation.
type spriteJobRequest struct {
	imageJobRequest
	Emotions []Emotion `json:"emotions"`
}

// SubmitSprites checks a sprite set request for the tenant's character and queues it as
// a sprites job. The sprites start from the character's avatar when it has one (its
// description and seed, and its pixels for engines that read them), else from the
// request's Description. It returns CodeCharNotFound for an unknown character and
// CodeValidation for an unknown or repeated emotion, a character with neither an avatar
// nor a description, or a refused webhook URL.
func (s *JobService) SubmitSprites(ctx context.Context, tenantID, characterID string, r SpriteSetRequest) (*Job, error) {
	emotions, bad := spriteEmotions(r.Emotions)
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if err := s.checkWebhook(ctx, r.WebhookURL); err != nil {
		return nil, err
	}
	c, err := s.Characters.GetCharacter(ctx, tenantID, characterID)
	if errors.Is(err, ErrNotFound) {
		return nil, charNotFound(characterID)
	} else if err != nil {
		return nil, err
	}
	var src *ImageSource
	if c.AvatarFileID != "" {
		src, _, err = s.imageSource(ctx, tenantID, c.AvatarFileID, "character_id")
		if e := (*Error)(nil); errors.As(err, &e) && e.Code == CodeFileNotFound {
			src, err = nil, nil // the avatar expired: draw from the description
		}
		if err != nil {
			return nil, err
		}
	}
	desc := collapseSpace(r.Description)
	if src == nil && desc == "" {
		return nil, ValidationError(FieldError{Field: "description", Message: "is required: the character has no avatar to start from"})
	}
	req := ImageRequest{
		Kind: ImageAvatar, Style: cmp.Or(r.Style, StylePixelArt), WorldTone: r.WorldTone,
		Width: cmp.Or(r.Width, 512), Height: cmp.Or(r.Height, 512), Seed: r.Seed,
		Model: cmp.Or(r.Model, ImageModelDev), Transparent: r.Transparent,
	}
	if src != nil {
		req.Source = src
		req.Style = cmp.Or(r.Style, src.Style, StylePixelArt)
		req.WorldTone = cmp.Or(r.WorldTone, src.WorldTone)
	} else {
		req.Prompt = desc
	}
	if req.Seed < 0 {
		req.Seed = RandomSeed()
	}
	body, err := json.Marshal(spriteJobRequest{
		imageJobRequest: imageJobRequest{ImageRequest: req, CharacterID: characterID}, Emotions: emotions,
	})
	if err != nil {
		return nil, err
	}
	return s.enqueue(ctx, tenantID, JobSprites, body, r.WebhookURL)
}

// spriteEmotions are the emotions asked for (all of SpriteEmotions when none), and the
// field errors of unknown or repeated ones.
func spriteEmotions(in []Emotion) ([]Emotion, []FieldError) {
	if len(in) == 0 {
		return slices.Clone(SpriteEmotions), nil
	}
	var bad []FieldError
	for i, e := range in {
		field := fmt.Sprintf("emotions[%d]", i)
		switch {
		case !slices.Contains(SpriteEmotions, e):
			bad = append(bad, FieldError{Field: field, Message: fmt.Sprintf("%q is not an emotion: use neutral or one of Plutchik's eight", e)})
		case slices.Contains(in[:i], e):
			bad = append(bad, FieldError{Field: field, Message: fmt.Sprintf("%q is asked for twice", e)})
		}
	}
	return in, bad
}

// RunSprites does a sprites job's work: one image per emotion, from the same request.
func (r *JobRunner) RunSprites(ctx context.Context, jobID string, lastAttempt bool) error {
	return r.run(ctx, jobID, lastAttempt, func(ctx context.Context, job *Job) (output, error) {
		var req spriteJobRequest
		if err := json.Unmarshal(job.Request, &req); err != nil || len(req.Emotions) == 0 {
			return output{}, errUnreadableRequest
		}
		base := req.ImageRequest
		if base.Source != nil {
			if err := r.loadSource(ctx, job.TenantID, base.Source); err != nil {
				return output{}, err
			}
		}
		out := output{sprites: &SpriteLink{CharacterID: req.CharacterID, Emotions: req.Emotions}}
		results := make([]ImageResult, 0, len(req.Emotions))
		for _, e := range req.Emotions {
			one := base
			one.Emotion = e
			res, err := r.Images.Generate(ctx, one)
			if err != nil {
				return output{}, err
			}
			out.media = append(out.media, media{data: res.Data, contentType: res.ContentType})
			results = append(results, res)
		}
		out.result = func(ids []string) (any, error) {
			first := results[0]
			set := &SpriteSetResult{
				CharacterID: req.CharacterID, SeedUsed: first.Seed, Width: first.Width, Height: first.Height,
				Engine: first.Engine, Model: first.Model, Style: first.Style, Transparent: first.Transparent,
			}
			if base.Source != nil {
				set.SourceFileID = base.Source.FileID
			}
			for i, e := range req.Emotions {
				set.Sprites = append(set.Sprites, Sprite{Emotion: e, FileID: ids[i], Traits: results[i].Traits})
			}
			return set, nil
		}
		return out, nil
	})
}

// SpriteFor is the character's sprite file for the emotion: that emotion's, else its
// neutral one, else none ("").
func (c *Character) SpriteFor(e Emotion) string {
	if id := c.Sprites[e]; id != "" {
		return id
	}
	return c.Sprites[EmotionNeutral]
}
