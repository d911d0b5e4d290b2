package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// CacheEntry is the stored result of an image or speech request, under the content
// address of the request (cacheKey). It lives as long as its file: a lookup whose file
// was deleted finds nothing.
type CacheEntry struct {
	TenantID string
	Key      string
	JobType  JobType
	// FileID is the newest copy of the result; each hit repoints the entry at its own
	// copy, so an entry in use outlives the job that first made it.
	FileID string
	// Result is the job result that made the file, as JSON.
	Result    json.RawMessage
	CreatedAt time.Time
}

// cacheKeyVersion changes whenever what goes into a key does, so old entries are never
// read with a new meaning.
const cacheKeyVersion = 1

// cacheKey is the content address of a job's request: SHA-256 over a versioned JSON of the
// job type, the engine and model that serve it, and the request as stored (defaults
// applied, its text's white space collapsed at submit). The tenant is not in the key:
// every lookup is scoped by tenant, so tenants never share an entry.
func cacheKey(typ JobType, engine DependencyHealth, req any) (string, error) {
	body, err := json.Marshal(struct {
		V      int     `json:"v"`
		Type   JobType `json:"type"`
		Engine string  `json:"engine"`
		Model  string  `json:"model"`
		Req    any     `json:"req"`
	}{cacheKeyVersion, typ, engine.Engine, engine.Model, req})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// collapseSpace trims s and turns every run of white space into one space: a prompt or a
// text that differs only so asks for the same picture or speech.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// cachedOutput answers a job from the tenant's entry of key, if there is one whose bytes
// are still stored: a copy of the bytes becomes the job's own file (each job owns its
// files, which expire with it), decode turns the stored result into this job's, and the
// hit is metered as MetricCacheHits instead of a model call. It reports false on a miss.
func (r *JobRunner) cachedOutput(ctx context.Context, job *Job, key string, decode func(raw json.RawMessage, fileID string) (any, error)) (output, bool, error) {
	entry, err := r.Store.CachedResult(ctx, job.TenantID, key)
	if errors.Is(err, ErrNotFound) {
		return output{}, false, nil
	} else if err != nil {
		return output{}, false, err
	}
	f, data, err := r.fileBytes(ctx, job.TenantID, entry.FileID)
	if errors.Is(err, ErrNotFound) {
		return output{}, false, nil // deleted since the lookup
	} else if err != nil {
		return output{}, false, err
	}
	var stored struct {
		Engine string `json:"engine"`
		Model  string `json:"model"`
	}
	_ = json.Unmarshal(entry.Result, &stored)
	MeterFrom(ctx).Add(MetricCacheHits, stored.Engine, stored.Model, string(job.Type), 1)
	return output{
		media: []media{{data: data, contentType: f.ContentType}},
		result: func(ids []string) (any, error) {
			return decode(entry.Result, ids[0])
		},
		cache: &CacheEntry{Key: key, Result: entry.Result},
	}, true, nil
}

// fileBytes returns the tenant's file and its bytes, read whole (the media jobs read are
// images and speech, a few megabytes at most). A missing row or missing bytes are both
// ErrNotFound.
func (r *JobRunner) fileBytes(ctx context.Context, tenantID, id string) (*File, []byte, error) {
	f, err := r.Store.GetFile(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := r.Media.Open(ctx, f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("file %s: %w", f.ID, ErrNotFound)
	} else if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, nil, fmt.Errorf("read file %s: %w", f.ID, err)
	}
	return f, data, nil
}
