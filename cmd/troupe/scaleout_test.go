package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/media/mediatest"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store/storetest"
)

// TestTwoMachinesShareMediaOnS3 starts two server processes as two machines would run
// them: separate DATA_DIRs, one PostgreSQL, one Redis and one S3-compatible object store
// (a fake S3 server in this process). An avatar submitted to one is downloaded through
// both (whichever drew it), with the key and by its signed URL signed by the first, and
// its bytes are in neither DATA_DIR.
func TestTwoMachinesShareMediaOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dbURL := storetest.PostgresSchemaURL(t)
	if dbURL == "" {
		t.Skip("no PostgreSQL")
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:6379", time.Second); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no Redis at 127.0.0.1:6379: %v", err)
		}
		t.Skipf("no Redis at 127.0.0.1:6379: %v", err)
	} else {
		c.Close()
	}
	s3 := mediatest.S3(t)
	shared := []string{
		"DATABASE_URL=" + dbURL, "REDIS_URL=redis://127.0.0.1:6379/0", "API_KEYS=", "TEXT_ENGINE=local", "IMAGE_ENGINE=local",
		"MEDIA_STORE=s3", "S3_ENDPOINT=" + s3.Endpoint, "S3_BUCKET=" + s3.Bucket, "S3_PREFIX=" + s3.Prefix,
		"S3_REGION=" + s3.Region, "S3_ACCESS_KEY=" + s3.AccessKey, "S3_SECRET_KEY=" + s3.SecretKey,
		"S3_INSECURE=true", "S3_PATH_STYLE=true",
	}
	var urls, dirs []string
	var clients []*gen.ClientWithResponses
	for range 2 {
		port, dir := freePort(t), t.TempDir()
		base := "http://127.0.0.1:" + strconv.Itoa(port)
		startProcess(t, port, append([]string{"DATA_DIR=" + dir, "PUBLIC_URL=" + base}, shared...)...)
		urls, dirs = append(urls, base), append(dirs, dir)
		clients = append(clients, servertest.Client(t, base, servertest.DemoKey))
	}

	res, err := clients[0].CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a dwarf with a red beard", Seed: ptr(int64(4))})
	if err != nil || res.JSON202 == nil {
		t.Fatalf("avatar: %v", err)
	}
	job := waitStatus(t, clients[0], res.JSON202.JobId, gen.JobStatusCompleted, 60*time.Second)
	r := job.Result.Avatar

	signed, err := url.Parse(r.ImageUrl)
	if err != nil {
		t.Fatal(err)
	}
	// Either machine's worker may have drawn it: both must serve it, so one of them
	// serves a file another machine made.
	var first []byte
	for _, base := range urls {
		keyed := fetch(t, base+"/v1/files/"+r.FileId, servertest.DemoKey)
		unkeyed := fetch(t, base+signed.RequestURI(), "")
		if !bytes.HasPrefix(keyed, []byte("\x89PNG")) || !bytes.Equal(keyed, unkeyed) || first != nil && !bytes.Equal(keyed, first) {
			t.Fatalf("through %s: %d bytes with the key, %d by the signed URL", base, len(keyed), len(unkeyed))
		}
		first = keyed
	}
	for _, dir := range dirs {
		if found, _ := filepath.Glob(filepath.Join(dir, "media", "*", r.FileId)); len(found) > 0 {
			t.Errorf("the file is on a machine's disk (%v), not only in the object store", found)
		}
	}
}

// fetch GETs url (with the key when one is given) and returns the body of a 200.
func fetch(t *testing.T, url, key string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	return body
}
