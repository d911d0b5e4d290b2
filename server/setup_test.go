package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/local/recognition"
	"github.com/troupe-ai/troupe/local/speech"
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
	// config adjusts the configuration the app is built from (engines, timeouts).
	config func(*app.Config)
	// falImages uses the configuration's image engine (fal, when config sets it up)
	// instead of the local one.
	falImages bool
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
	srv := httptest.NewServer(servertest.RecordStatuses(h))
	t.Cleanup(srv.Close)
	return &bundle{
		url:   srv.URL,
		db:    db,
		demo:  servertest.Client(t, srv.URL, servertest.DemoKey),
		other: servertest.Client(t, srv.URL, servertest.TestKey),
		anon:  servertest.Client(t, srv.URL, ""),
	}
}

// newHandler builds the handler setup serves, for tests that call it in-process: the
// application as `troupe serve` builds it (app.New), with the test's engines and fast
// schedules.
func newHandler(t testing.TB, opts ...func(*setupOptions)) (http.Handler, *store.DB) {
	t.Helper()
	var o setupOptions
	for _, f := range opts {
		f(&o)
	}
	cfg := app.Defaults()
	cfg.DataDir, cfg.DatabaseURL = t.TempDir(), o.postgresURL
	cfg.PublicURL = "http://troupe.test"
	// Model names the fal golden prompts record.
	cfg.GenerationModel, cfg.DialogueModel, cfg.ValidationModel = "gen-model", "dialogue-model", "validation-model"
	// Tests' webhook receivers are httptest servers on loopback.
	cfg.AllowPrivateWebhooks = !o.strictWebhooks
	if o.cleanupEvery > 0 {
		cfg.CleanupEvery = o.cleanupEvery
	}
	if o.maxBodyBytes > 0 {
		cfg.MaxBodyBytes = o.maxBodyBytes
	}
	if o.config != nil {
		o.config(&cfg)
	}
	if o.text == nil {
		e, err := dialogue.New()
		if err != nil {
			t.Fatal(err)
		}
		o.text = e
	}
	if o.images == nil {
		o.images = pixelart.New()
	}
	if o.synth == nil {
		o.synth = speech.New()
	}
	if o.recognizer == nil {
		r := recognition.New()
		t.Cleanup(func() { r.Close() }) // its warm decoders
		o.recognizer = r
	}
	if o.otherSynths == nil {
		o.otherSynths = []domain.SpeechSynth{}
	}
	if o.falImages {
		o.images = nil // the configuration's fal engine, built by the app
	}
	a, err := app.New(t.Context(), cfg, app.Overrides{
		Logger: testLogger(t), Generator: o.generator, Text: o.text, Images: o.images,
		Synth: o.synth, Recognizer: o.recognizer, OtherSynths: o.otherSynths, JobTTL: o.jobTTL,
		// Webhook retries come at once here; the real schedule spans a day.
		WebhookBackoff: func(int) time.Duration { return 10 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if o.signer != nil {
		*o.signer = a.Signer
	}
	if !o.noWorkers {
		if err := a.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			a.Stop(ctx)
		})
	}
	return a.Handler, a.DB
}

// testLogger discards logs unless TROUPE_TEST_LOG is set.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("TROUPE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
