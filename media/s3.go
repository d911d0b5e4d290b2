package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/troupe-ai/troupe/domain"
)

// S3Config says where an S3-compatible object store is (AWS S3, MinIO, Ceph, R2, …).
type S3Config struct {
	// Endpoint is host[:port], without a scheme ("s3.eu-west-1.amazonaws.com",
	// "127.0.0.1:9000").
	Endpoint string
	Bucket   string
	// Prefix is put before every object's key ("troupe/"), so a bucket can be shared.
	Prefix    string
	Region    string
	AccessKey string
	SecretKey string
	// Insecure talks plain HTTP (a local MinIO); the default is HTTPS.
	Insecure bool
	// PathStyle addresses the bucket in the path rather than the host name, which most
	// self-hosted stores need.
	PathStyle bool
}

// S3 keeps files as objects of one bucket, so replicas on different machines serve
// each other's files. Keys are Prefix + the file id, which Troupe generates and never
// reuses; an object is written whole by one PUT, so a reader never sees half a file.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

var _ domain.MediaStore = (*S3)(nil)

// NewS3 connects to the store and checks that the bucket exists, so a wrong bucket or
// key fails at start rather than on the first image.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       !cfg.Insecure,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("media: s3: %w", err)
	}
	// A store that does not answer must not hold start-up for minio's retries.
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("media: s3 bucket %q: %w", cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("media: s3 bucket %q does not exist", cfg.Bucket)
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}, nil
}

func (s *S3) key(f *domain.File) (string, error) {
	if len(f.ID) < 3 || strings.ContainsAny(f.ID, `/\.`) {
		return "", fmt.Errorf("media: invalid file id %q", f.ID)
	}
	return s.prefix + f.ID, nil
}

// Put writes the bytes as one object with the file's content type.
func (s *S3) Put(ctx context.Context, f *domain.File, data []byte) error {
	key, err := s.key(f)
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: f.ContentType})
	if err != nil {
		return fmt.Errorf("media: s3 put %s: %w", f.ID, err)
	}
	return nil
}

// Open returns the object's bytes. A missing object is an error that wraps
// fs.ErrNotExist, as a missing file is for FS.
func (s *S3) Open(ctx context.Context, f *domain.File) (domain.ReadSeekCloser, error) {
	key, err := s.key(f)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("media: s3 get %s: %w", f.ID, err)
	}
	// GetObject is lazy: Stat makes the request, so a missing object fails here and not
	// in the middle of an answer.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if notFound(err) {
			return nil, fmt.Errorf("media: %s: %w", f.ID, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("media: s3 get %s: %w", f.ID, err)
	}
	return obj, nil
}

// Delete removes the object; one already gone is not an error (S3 answers a delete of a
// missing key with success).
func (s *S3) Delete(ctx context.Context, f *domain.File) error {
	key, err := s.key(f)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("media: s3 delete %s: %w", f.ID, err)
	}
	return nil
}

// Written calls fn with the ids of the objects under Prefix last modified before the
// time, in batches.
func (s *S3) Written(ctx context.Context, before time.Time, fn func(ids []string) error) error {
	var batch []string
	for obj := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("media: s3 list: %w", obj.Err)
		}
		// Only what Troupe writes: the orphan sweep deletes what no row owns, and must never
		// reach anything else in the bucket.
		id := strings.TrimPrefix(obj.Key, s.prefix)
		if !strings.HasPrefix(id, domain.PrefixFile) || strings.ContainsAny(id, `/\.`) || !obj.LastModified.Before(before) {
			continue
		}
		if batch = append(batch, id); len(batch) == writtenBatch {
			if err := fn(batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// notFound reports whether err is S3's answer for a missing key (a missing bucket is a
// misconfiguration, not a missing file).
func notFound(err error) bool {
	var resp minio.ErrorResponse
	return errors.As(err, &resp) && resp.Code == "NoSuchKey"
}
