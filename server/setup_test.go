package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/worldgen"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/jobs"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/local/recognition"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/media"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/store/storetest"
)

// bundle is what a test gets from setup: the running server and clients for each tenant.
type bundle struct {
	url   string
	db    *store.DB
	demo  *gen.ClientWithResponses // tenant_demo
	other *gen.ClientWithResponses // tenant_test
	anon  *gen.ClientWithResponses // no key
}

type setupOptions struct {
	generator    domain.WorldGenerator
	text         domain.TextModel
	images       domain.ImageModel
	synth        domain.SpeechSynth
	recognizer   domain.SpeechRecognizer
	otherSynths  []domain.SpeechSynth
	maxBodyBytes int64
	// strictWebhooks keeps the production SSRF policy; by default tests allow loopback
	// receivers, which is where their httptest servers live.
	strictWebhooks bool
	// noWorkers leaves the queue stopped, so jobs stay pending.
	noWorkers bool
	// signer, when set, receives the URL signer, so tests can fix its clock.
	signer **server.URLSigner
	// jobTTL and cleanupEvery drive the expiry of jobs.
	jobTTL, cleanupEvery time.Duration
	// postgresURL, when set, stores everything on PostgreSQL instead of SQLite.
	postgresURL string
}

// onPostgres runs the server on a throwaway schema of the test PostgreSQL; the test is
// skipped when no server answers (outside CI).
func onPostgres(t testing.TB) func(*setupOptions) {
	url := storetest.PostgresSchemaURL(t)
	if url == "" {
		t.Skip("PostgreSQL not reachable")
	}
	return func(o *setupOptions) { o.postgresURL = url }
}

// backends lists the databases every storage-facing test runs on: SQLite always,
// PostgreSQL when reachable (always in CI).
func backends(t *testing.T) map[string]func(*setupOptions) {
	b := map[string]func(*setupOptions){"sqlite": func(*setupOptions) {}}
	if url := storetest.PostgresSchemaURL(t); url != "" {
		b["postgres"] = func(o *setupOptions) { o.postgresURL = url }
	}
	return b
}

// setup starts the real HTTP stack (middleware, validator, error handler) on an
// httptest server over a SQLite file in a temporary folder, with the demo keys.
func setup(t *testing.T, opts ...func(*setupOptions)) *bundle {
	t.Helper()
	h, db := newHandler(t, opts...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &bundle{
		url:   srv.URL,
		db:    db,
		demo:  servertest.Client(t, srv.URL, servertest.DemoKey),
		other: servertest.Client(t, srv.URL, servertest.TestKey),
		anon:  servertest.Client(t, srv.URL, ""),
	}
}

// newHandler builds the handler setup serves, for tests that call it in-process.
func newHandler(t testing.TB, opts ...func(*setupOptions)) (http.Handler, *store.DB) {
	t.Helper()
	var o setupOptions
	for _, f := range opts {
		f(&o)
	}
	db, err := store.Open(t.Context(), store.Options{URL: o.postgresURL, SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if o.generator == nil {
		g, err := worldgen.New()
		if err != nil {
			t.Fatal(err)
		}
		o.generator = g
	}
	if o.text == nil {
		e, err := dialogue.New()
		if err != nil {
			t.Fatal(err)
		}
		o.text = e
	}
	defaults, err := domain.ParseDefaults(data.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	if o.images == nil {
		o.images = pixelart.New()
	}
	if o.synth == nil {
		o.synth = speech.New()
	}
	if o.recognizer == nil {
		o.recognizer = recognition.New()
	}
	webhooks := jobs.NewWebhooks(!o.strictWebhooks)
	voice := &domain.VoiceService{Synth: o.synth, Recognizer: o.recognizer, Others: o.otherSynths, Fetch: webhooks.Fetch}
	files := &server.URLSigner{Key: []byte("test-signing-key"), BaseURL: "http://troupe.test", TTL: time.Hour}
	if o.signer != nil {
		*o.signer = files
	}
	jobSvc := &domain.JobService{
		Store: db, Images: o.images, Speech: o.synth, Media: &media.FS{Dir: filepath.Join(t.TempDir(), "media")},
		Characters: db, Webhooks: webhooks, Secrets: db,
		WebhookBody: server.JobPayload(files),
	}
	queue, err := jobs.New(t.Context(), db, jobSvc, jobs.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), JobTTL: o.jobTTL, CleanupEvery: o.cleanupEvery,
		// Webhook retries come at once here; the real schedule spans a day.
		WebhookBackoff: func(int) time.Duration { return 10 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	jobSvc.Queue = queue
	if !o.noWorkers {
		if err := queue.Start(context.WithoutCancel(t.Context())); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			queue.Stop(ctx)
		})
	}
	h, err := server.New(server.Config{
		Version:      "test",
		Keys:         server.NewKeyring(server.DemoKeys),
		Logger:       testLogger(t),
		MaxBodyBytes: o.maxBodyBytes,
		Files:        files,
	}, server.Services{
		Worlds: &domain.WorldService{Store: db, Generator: o.generator},
		Characters: &domain.CharacterService{
			Store: db, Worlds: db, Text: o.text, Defaults: defaults, Voices: voice,
			Models: domain.TextModels{Generation: "gen-model", Dialogue: "dialogue-model", Validation: "validation-model"},
		},
		Defaults: defaults,
		Jobs:     jobSvc,
		Voice:    voice,
		Secrets:  db,
		System: &domain.SystemService{Version: "test", Database: db, DatabaseEngine: string(db.Dialect()),
			Queue: queue.Status, Text: o.text.Status, Image: o.images.Status, Speech: voice.SpeechStatus},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, db
}

// testLogger discards logs unless TROUPE_TEST_LOG is set.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("TROUPE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
