package server

import (
	"context"
	"fmt"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetFile answers GET /v1/files/{file_id}: for the owning tenant's key, or for anyone
// with a valid signed URL.
func (h *handlers) GetFile(ctx context.Context, req gen.GetFileRequestObject) (gen.GetFileResponseObject, error) {
	tenant, _ := domain.TenantFrom(ctx)
	if tenant == "" {
		p := req.Params
		if p.Expires == nil || p.Signature == nil || !h.cfg.Files.Valid(req.FileId, *p.Expires, *p.Signature) {
			return nil, domain.Errorf(domain.CodeInvalidAPIKey, msgUnauthorized)
		}
	}
	f, body, err := h.svc.Files.Open(ctx, tenant, req.FileId)
	if err != nil {
		return nil, err
	}
	// The visitor copies the body and closes it when it is a ReadCloser.
	headers := gen.GetFile200ResponseHeaders{CacheControl: ptr("private, max-age=86400, immutable")}
	switch f.ContentType {
	case "image/png":
		return gen.GetFile200ImagepngResponse{Body: body, ContentLength: f.Size, Headers: headers}, nil
	case "image/jpeg":
		return gen.GetFile200ImagejpegResponse{Body: body, ContentLength: f.Size, Headers: headers}, nil
	case "audio/wav":
		return gen.GetFile200AudiowavResponse{Body: body, ContentLength: f.Size, Headers: headers}, nil
	case "audio/mpeg":
		return gen.GetFile200AudiompegResponse{Body: body, ContentLength: f.Size, Headers: headers}, nil
	case "audio/ogg":
		return gen.GetFile200AudiooggResponse{Body: body, ContentLength: f.Size, Headers: headers}, nil
	}
	body.Close()
	return nil, fmt.Errorf("file %s has unsupported type %q", f.ID, f.ContentType)
}
