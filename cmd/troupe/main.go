// Command troupe runs the Troupe API server.
//
//	troupe serve     serve the API on HOST:PORT until SIGINT or SIGTERM
//	troupe version   print the version
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/worldgen"
	"github.com/troupe-ai/troupe/jobs"
	"github.com/troupe-ai/troupe/media"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/store"
)

// version is the server's version; release builds set it with -ldflags "-X main.version=…".
var version = "0.1.0"

func main() {
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := serve(ctx, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "troupe:", err)
			os.Exit(1)
		}
	case "version", "--version", "-v":
		fmt.Println(version)
	default:
		fmt.Fprintf(os.Stderr, "troupe: unknown command %q\nusage: troupe [serve|version]\n", cmd)
		os.Exit(2)
	}
}

// serve runs the server until ctx is done, then lets in-flight requests finish (up to
// SHUTDOWN_TIMEOUT) before closing the database.
func serve(ctx context.Context, out *os.File) error {
	cfg, err := loadConfig()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}))

	keys, demo, err := cfg.keys()
	if err != nil {
		return err
	}

	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, SQLitePath: cfg.sqlitePath()})
	if err != nil {
		return err
	}
	defer db.Close()

	gen, err := worldgen.New()
	if err != nil {
		return fmt.Errorf("world generator: %w", err)
	}
	defaults, err := domain.ParseDefaults(data.Defaults)
	if err != nil {
		return err
	}
	text, models, err := textModel(cfg)
	if err != nil {
		return fmt.Errorf("text engine: %w", err)
	}
	images := imageModel(cfg)
	synth, recognizer, otherSynth := speechEngines(cfg)
	webhooks := jobs.NewWebhooks(cfg.AllowPrivateWebhooks)
	voice := &domain.VoiceService{Synth: synth, Recognizer: recognizer, Others: []domain.SpeechSynth{otherSynth}, Fetch: webhooks.Fetch}
	signingKey, err := db.ServerSecret(ctx, "file_url_signing")
	if err != nil {
		return err
	}
	files := &server.URLSigner{Key: []byte(signingKey), BaseURL: cfg.publicURL(), TTL: cfg.FileURLTTL}
	jobSvc := &domain.JobService{
		Store: db, Images: images, Speech: synth, Media: &media.FS{Dir: filepath.Join(cfg.DataDir, "media")},
		Characters: db, Webhooks: webhooks, Secrets: db,
		WebhookBody: server.JobPayload(files),
	}
	queue, err := jobs.New(ctx, db, jobSvc, jobs.Options{
		JobTTL: time.Duration(cfg.JobTTLHours) * time.Hour, Workers: cfg.JobWorkers, Logger: log,
		JobTimeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter, PostgresURL: cfg.DatabaseURL,
	})
	if err != nil {
		return err
	}
	jobSvc.Queue = queue
	handler, err := server.New(server.Config{
		Version:      version,
		Keys:         server.NewKeyring(keys),
		Logger:       log,
		MaxBodyBytes: cfg.MaxBodyBytes,
		CORSOrigins:  cfg.CORSAllowOrigins,
		Files:        files,
	}, server.Services{
		Worlds:     &domain.WorldService{Store: db, Generator: gen},
		Characters: &domain.CharacterService{Store: db, Worlds: db, Text: text, Defaults: defaults, Models: models, Voices: voice},
		Defaults:   defaults,
		Jobs:       jobSvc,
		Voice:      voice,
		Secrets:    db,
		System: &domain.SystemService{
			Version: version, Database: db, DatabaseEngine: string(db.Dialect()),
			Queue: queue.Status, Text: text.Status, Image: images.Status, Speech: voice.SpeechStatus,
		},
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr())
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// No WriteTimeout: it would cut long SSE streams; handlers bound their own work.
		IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	base := "http://" + displayAddr(ln.Addr())
	log.Info("troupe listening", "addr", ln.Addr().String(), "version", version, "database", string(db.Dialect()),
		"text_engine", cfg.textEngine(), "image_engine", cfg.imageEngine(), "speech_engine", cfg.speechEngine(), "docs", base+"/docs")
	if demo {
		log.Warn("no API_KEYS set: serving with the demo keys (refused when ENV=production)",
			"demo_key", "demo-key-123", "tenant", "tenant_demo")
		fmt.Fprintf(out, "\n  Troupe is up.  Docs: %s/docs\n  Demo key: demo-key-123   try: curl -H 'Authorization: Bearer demo-key-123' %s/v1/worlds\n\n", base, base)
	}

	// The queue runs on its own context: it must outlive ctx long enough to let running
	// jobs finish during shutdown.
	if err := queue.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	if shutdownErr != nil {
		// Event streams never go idle; past the timeout they are cut.
		srv.Close()
	}
	if err := queue.Stop(sctx); err != nil {
		log.Warn("job queue stopped with running jobs canceled; they will be retried", "error", err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// displayAddr turns a wildcard listen address into one a person can open.
func displayAddr(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}
