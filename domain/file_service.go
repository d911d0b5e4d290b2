package domain

import (
	"context"
	"errors"
	"io/fs"
)

// FileService serves the media files jobs made.
type FileService struct {
	Store JobStore
	Media MediaStore
}

// Open returns the tenant's file and its bytes; with no tenant (a signed URL, checked by
// the caller) any tenant's. It returns CodeFileNotFound.
func (s *FileService) Open(ctx context.Context, tenantID, id string) (*File, ReadSeekCloser, error) {
	var f *File
	var err error
	if tenantID == "" {
		f, err = s.Store.FileByID(ctx, id)
	} else {
		f, err = s.Store.GetFile(ctx, tenantID, id)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil, fileNotFound(id)
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Media.Open(ctx, f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fileNotFound(id)
	} else if err != nil {
		// The store failed (an object store down, wrong credentials): not a missing file.
		return nil, nil, err
	}
	return f, r, nil
}

func fileNotFound(id string) *Error {
	return Errorf(CodeFileNotFound, "No file with id %q.", id).WithDetails(map[string]any{"id": id})
}
