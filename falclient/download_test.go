package falclient_test

import (
	"context"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

// downloadKinds are the two kinds of file the adapters download: what each asks for, how
// errors name it, and a call that makes fal produce one and downloads it.
var downloadKinds = []struct {
	name, accept, noun, other string
	call                      func(ctx context.Context, c *falclient.Client) error
}{
	{"image", "image/*", "image", "audio", func(ctx context.Context, c *falclient.Client) error {
		_, err := falclient.NewImageModel(c).Generate(ctx, avatarReq())
		return err
	}},
	{"audio", "audio/*", "audio", "image", func(ctx context.Context, c *falclient.Client) error {
		_, err := falclient.NewSpeechSynth(c).Synthesize(ctx, domain.SpeechRequest{Text: line})
		return err
	}},
}

// TestDownloadRetried checks that a download goes through the client's retry loop: it
// asks for its kind of file, without the key, and a 503 is waited out once, then the
// file comes.
func TestDownloadRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range downloadKinds {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := faltest.New(t)
			srv.FailNext(faltest.FilesEndpoint, 1, 503, "")
			c := newClient(srv)
			waits := recordSleeps(c)
			if err := tc.call(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			var files int
			for _, r := range srv.Requests() {
				if r.Kind != faltest.KindFile {
					continue
				}
				files++
				if a := r.Header.Get("Accept"); a != tc.accept {
					t.Errorf("download sent Accept %q, want %q", a, tc.accept)
				}
				if auth := r.Header.Get("Authorization"); auth != "" {
					t.Errorf("download sent Authorization %q", auth)
				}
			}
			if files != 2 {
				t.Errorf("%d downloads, want 2 (a 503, then the file)", files)
			}
			if n := len(waits.all()); n != 1 {
				t.Errorf("%d waits between attempts, want 1", n)
			}
		})
	}
}

// TestDownloadTooLarge checks that a file over the limit fails at once, named for what
// it is.
func TestDownloadTooLarge(t *testing.T) {
	t.Parallel()
	for _, tc := range downloadKinds {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := faltest.New(t)
			c := newClient(srv)
			falclient.SetDownloadLimit(c, 100)
			de := domainErr(t, tc.call(t.Context(), c))
			if de.Code != domain.CodeFalServiceError || de.Details["stage"] != "download" {
				t.Errorf("%v %v", de, de.Details)
			}
			if msg := de.Error(); !strings.Contains(msg, tc.noun+" too large") || strings.Contains(msg, tc.other) {
				t.Errorf("error %q, want %q and no %q", msg, tc.noun+" too large", tc.other)
			}
			if n := srv.Count(faltest.FilesEndpoint, faltest.KindFile); n != 1 {
				t.Errorf("%d downloads, want 1 (no retry)", n)
			}
		})
	}
}
