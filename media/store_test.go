package media_test

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/media"
	"github.com/troupe-ai/troupe/media/mediatest"
)

// stores are the media stores every test runs on: the filesystem and S3 (a fake S3
// server in this process).
func stores(t *testing.T) map[string]domain.MediaStore {
	t.Helper()
	s3, err := media.NewS3(t.Context(), mediatest.S3(t))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]domain.MediaStore{"fs": &media.FS{Dir: t.TempDir()}, "s3": s3}
}

func file(id string) *domain.File {
	return &domain.File{ID: id, TenantID: "tenant_a", ContentType: "image/png", CreatedAt: time.Now()}
}

func TestMediaStores(t *testing.T) {
	t.Parallel()
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()

			t.Run("what is put is read back, and seeks", func(t *testing.T) {
				f := file("file_put01")
				if err := store.Put(ctx, f, []byte("pixels of an elf")); err != nil {
					t.Fatal(err)
				}
				r, err := store.Open(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if _, err := r.Seek(10, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				rest, err := io.ReadAll(r)
				if err != nil || string(rest) != "an elf" {
					t.Fatalf("after a seek: %q, %v", rest, err)
				}
			})

			t.Run("a missing file is fs.ErrNotExist, and deleting it twice is no error", func(t *testing.T) {
				f := file("file_gone1")
				if err := store.Put(ctx, f, []byte("x")); err != nil {
					t.Fatal(err)
				}
				for range 2 {
					if err := store.Delete(ctx, f); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := store.Open(ctx, f); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("open of a deleted file: %v", err)
				}
			})

			t.Run("ids that could leave the store are refused", func(t *testing.T) {
				for _, id := range []string{"../etc", "a/b", "x"} {
					if err := store.Put(ctx, file(id), []byte("x")); err == nil {
						t.Errorf("put %q succeeded", id)
					}
				}
			})

			t.Run("Written lists what was written before the time, in batches", func(t *testing.T) {
				want := []string{"file_wr001", "file_wr002", "file_wr003"}
				for _, id := range want {
					if err := store.Put(ctx, file(id), []byte(id)); err != nil {
						t.Fatal(err)
					}
				}
				var got []string
				if err := store.Written(ctx, time.Now().Add(time.Minute), func(ids []string) error {
					got = append(got, ids...)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				for _, id := range want {
					if !slices.Contains(got, id) {
						t.Errorf("Written missed %s (got %v)", id, got)
					}
				}
				var early []string
				if err := store.Written(ctx, time.Now().Add(-time.Hour), func(ids []string) error {
					early = append(early, ids...)
					return nil
				}); err != nil || len(early) != 0 {
					t.Errorf("written an hour ago: %v %v", early, err)
				}
			})

			t.Run("writers at once each get their own file", func(t *testing.T) {
				var wg sync.WaitGroup
				for i := range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						f := file("file_cc00" + string(rune('a'+i)))
						body := []byte{byte(i), byte(i), byte(i)}
						if err := store.Put(ctx, f, body); err != nil {
							t.Error(err)
							return
						}
						r, err := store.Open(ctx, f)
						if err != nil {
							t.Error(err)
							return
						}
						defer r.Close()
						if got, _ := io.ReadAll(r); string(got) != string(body) {
							t.Errorf("file %d read back %v", i, got)
						}
					}()
				}
				wg.Wait()
			})
		})
	}
}
