package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/worldgen"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store"
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
	maxBodyBytes int64
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
	db, err := store.Open(t.Context(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
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
	h, err := server.New(server.Config{
		Version:      "test",
		Keys:         server.NewKeyring(server.DemoKeys),
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBodyBytes: o.maxBodyBytes,
	}, server.Services{
		Worlds: &domain.WorldService{Store: db, Generator: o.generator},
		Characters: &domain.CharacterService{
			Store: db, Worlds: db, Text: o.text, Defaults: defaults,
			Models: domain.TextModels{Generation: "gen-model", Dialogue: "dialogue-model", Validation: "validation-model"},
		},
		Defaults: defaults,
		System:   &domain.SystemService{Version: "test", Database: db, DatabaseEngine: string(db.Dialect()), Text: o.text.Status},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, db
}
