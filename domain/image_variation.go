package domain

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
)

// DefaultVariationStrength is how far a variation moves from its source when the request
// does not say: far enough for FLUX to redraw clothes and pose, near enough to keep the
// face.
const DefaultVariationStrength = 0.6

// VariationRequest is a variation to make of an existing image: exactly one of FileID and
// CharacterID names the source.
type VariationRequest struct {
	FileID      string
	CharacterID string
	// Prompt names what changes; what it does not name is kept.
	Prompt string
	// Strength is 0–1; zero is not "unset" here, the API applies the default.
	Strength float64
	// Style, WorldTone, Width and Height are the source's when empty or zero.
	Style, WorldTone string
	Width, Height    int
	// Seed is negative for a random one.
	Seed  int64
	Model string
	// NoCache makes a new model call even when an identical request's image is stored.
	NoCache    bool
	WebhookURL string
}

// SubmitVariation checks a variation request and queues it as a variation job. It returns
// CodeValidation when the request names no source or two, when the character has no
// avatar or the file is no image, or for a refused webhook URL; CodeCharNotFound and
// CodeFileNotFound for an unknown character or file.
func (s *JobService) SubmitVariation(ctx context.Context, tenantID string, v VariationRequest) (*Job, error) {
	if bad := variationProblems(v); len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if err := s.checkWebhook(ctx, v.WebhookURL); err != nil {
		return nil, err
	}
	fileID, field := v.FileID, "file_id"
	if v.CharacterID != "" {
		c, err := s.Characters.GetCharacter(ctx, tenantID, v.CharacterID)
		if errors.Is(err, ErrNotFound) {
			return nil, charNotFound(v.CharacterID)
		} else if err != nil {
			return nil, err
		}
		if c.AvatarFileID == "" {
			return nil, ValidationError(FieldError{Field: "character_id", Message: "has no avatar yet: make one with POST /v1/images/avatar"})
		}
		fileID, field = c.AvatarFileID, "character_id"
	}
	src, size, err := s.imageSource(ctx, tenantID, fileID, field)
	if err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && e.Code == CodeFileNotFound && v.CharacterID != "" {
			return nil, ValidationError(FieldError{Field: "character_id", Message: "has no avatar any more (it expired): make one with POST /v1/images/avatar"})
		}
		return nil, err
	}
	if src.Kind != ImageAvatar {
		// A scene has no identity to keep; a new background with its seed is the variation.
		return nil, ValidationError(FieldError{Field: "file_id", Message: "is a background: variations start from a character's image (an avatar, a sprite or a variation)"})
	}
	req := ImageRequest{
		Kind: src.Kind, Prompt: collapseSpace(v.Prompt), Style: cmp.Or(v.Style, src.Style, StylePixelArt),
		WorldTone: cmp.Or(v.WorldTone, src.WorldTone), Width: v.Width, Height: v.Height, Seed: v.Seed,
		Model: cmp.Or(v.Model, ImageModelDev), Source: src, Strength: v.Strength,
	}
	req.Width, req.Height = cmp.Or(req.Width, size.w), cmp.Or(req.Height, size.h)
	if req.Seed < 0 {
		req.Seed = RandomSeed()
	}
	body, err := json.Marshal(imageJobRequest{ImageRequest: req, NoCache: v.NoCache})
	if err != nil {
		return nil, err
	}
	return s.enqueue(ctx, tenantID, JobVariation, body, v.WebhookURL)
}

// variationProblems are the field errors of a variation request the schema cannot catch.
func variationProblems(v VariationRequest) []FieldError {
	var bad []FieldError
	switch {
	case v.FileID == "" && v.CharacterID == "":
		bad = append(bad, FieldError{Field: "file_id", Message: "or character_id is required: the image to start from"})
	case v.FileID != "" && v.CharacterID != "":
		bad = append(bad, FieldError{Field: "file_id", Message: "and character_id cannot both be given: name one source"})
	}
	if collapseSpace(v.Prompt) == "" {
		bad = append(bad, FieldError{Field: "prompt", Message: "must say what changes"})
	}
	if v.Strength < 0 || v.Strength > 1 {
		bad = append(bad, FieldError{Field: "strength", Message: "must be between 0 and 1"})
	}
	return bad
}
