package domain

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"strings"
)

// imageSource is what Troupe knows of the tenant's image fileID as the start of a
// variation or a sprite set: the description, seed, style and tone of the request that
// made it (the request's own when it drew from scratch, its source's identity with its
// changes when it was itself a variation or a sprite), and its size as its job recorded
// it (512×512 when unknown). A file Troupe did not draw (an imported card's image) has no
// description: engines then go by its pixels. It returns CodeFileNotFound for an unknown
// file and CodeValidation when the file is no image.
func (s *JobService) imageSource(ctx context.Context, tenantID, fileID, field string) (*ImageSource, pixelSize, error) {
	size := pixelSize{512, 512}
	f, err := s.Store.GetFile(ctx, tenantID, fileID)
	if errors.Is(err, ErrNotFound) {
		return nil, size, fileNotFound(fileID)
	} else if err != nil {
		return nil, size, err
	}
	if !strings.HasPrefix(f.ContentType, "image/") {
		return nil, size, ValidationError(FieldError{Field: field, Message: "is not an image (" + f.ContentType + ")"})
	}
	src := &ImageSource{FileID: f.ID, Kind: ImageAvatar}
	if f.JobID == "" {
		return src, size, nil
	}
	job, err := s.Store.GetJob(ctx, tenantID, f.JobID)
	if errors.Is(err, ErrNotFound) {
		return src, size, nil // the job expired before its file: the pixels are all there is
	} else if err != nil {
		return nil, size, err
	}
	switch {
	case job.Result != nil:
		size = pixelSize{cmp.Or(job.Result.Width, 512), cmp.Or(job.Result.Height, 512)}
	case job.Sprites != nil:
		size = pixelSize{cmp.Or(job.Sprites.Width, 512), cmp.Or(job.Sprites.Height, 512)}
	}
	switch job.Type {
	case JobAvatar, JobBackground, JobVariation, JobSprites:
	default:
		return src, size, nil
	}
	var req imageJobRequest
	if err := json.Unmarshal(job.Request, &req); err != nil {
		return src, size, nil
	}
	src.Kind, src.Prompt, src.Seed = req.Kind, req.Prompt, req.Seed
	src.Style, src.WorldTone = req.Style, req.WorldTone
	if req.Source != nil {
		// Drawn from another image: who it shows is that image's, with this one's changes.
		src.Kind, src.Seed = req.Source.Kind, req.Source.Seed
		src.Prompt = joinPrompts(req.Source.Prompt, req.Prompt)
	}
	if src.Kind == "" {
		src.Kind = ImageAvatar
	}
	return src, size, nil
}

// pixelSize is a width and a height in pixels.
type pixelSize struct{ w, h int }

// joinPrompts joins a description and the changes made to it as two sentences, so a
// later change overrides an earlier trait where the engine reads them in order.
func joinPrompts(base, change string) string {
	base, change = strings.TrimRight(collapseSpace(base), ". "), collapseSpace(change)
	switch {
	case base == "":
		return change
	case change == "":
		return base
	}
	return base + ". " + change
}

// loadSource reads the source's bytes into it, just before an engine needs them: they are
// never stored with a job. A source deleted since the job was accepted fails it with
// CodeFileNotFound, which retrying cannot help.
func (r *JobRunner) loadSource(ctx context.Context, tenantID string, src *ImageSource) error {
	if src.Data != nil {
		return nil
	}
	f, data, err := r.fileBytes(ctx, tenantID, src.FileID)
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeFileNotFound, "The source image %q no longer exists.", src.FileID).WithDetails(map[string]any{"id": src.FileID})
	} else if err != nil {
		return err
	}
	src.Data, src.ContentType = data, f.ContentType
	return nil
}
