// Package mediatest runs an S3-protocol server in the test's own process (gofakes3 on an
// in-memory backend), since no object store can be installed here: media.S3 is tested,
// and server processes are started, against it as against any S3-compatible store.
package mediatest

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/troupe-ai/troupe/media"
)

// S3 starts a fake S3 server with one empty bucket for the test and returns how to reach
// it; the server stops when the test ends.
func S3(t testing.TB) media.S3Config {
	t.Helper()
	backend := s3mem.New()
	const bucket = "troupe-media"
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return media.S3Config{
		Endpoint: u.Host, Bucket: bucket, Prefix: "media/", Region: "us-east-1",
		AccessKey: "test", SecretKey: "test-secret", Insecure: true, PathStyle: true,
	}
}
