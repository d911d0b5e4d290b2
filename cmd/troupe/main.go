// Command troupe runs the Troupe API server.
//
//	troupe serve     serve the API on HOST:PORT until SIGINT or SIGTERM
//	troupe version   print the version
//	troupe keys …    create, list and revoke API keys (troupe keys for help)
//	troupe tenants … create and list tenants
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
	"syscall"
	"time"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/app"
)

// version is the API's version, as openapi.yaml declares it.
var version = troupe.Version

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
	case "keys", "tenants":
		if err := admin(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "troupe:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "troupe: unknown command %q\nusage: troupe [serve|version|keys|tenants]\n", cmd)
		os.Exit(2)
	}
}

// serve runs the server until ctx is done, then lets in-flight requests finish (up to
// SHUTDOWN_TIMEOUT) before stopping the job workers and closing the database.
func serve(ctx context.Context, out *os.File) error {
	cfg, err := app.LoadConfig()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}))
	a, err := app.New(ctx, cfg, app.Overrides{Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()

	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		// No WriteTimeout: it would cut long SSE streams; handlers bound their own work.
		IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	base := "http://" + displayAddr(ln.Addr())
	log.Info("troupe listening", "addr", ln.Addr().String(), "version", version, "database", string(a.DB.Dialect()),
		"text_engine", cfg.ActiveTextEngine(), "image_engine", cfg.ActiveImageEngine(), "speech_engine", cfg.ActiveSpeechEngine(),
		"replica", a.Runner.Settings.Runner, "docs", base+"/docs")
	if a.DemoKeys {
		log.Warn("no API_KEYS set: serving with the demo keys (refused when ENV=production)",
			"demo_key", "demo-key-123", "tenant", "tenant_demo")
		fmt.Fprintf(out, "\n  Troupe is up.  Docs: %s/docs\n  Demo key: demo-key-123   try: curl -H 'Authorization: Bearer demo-key-123' %s/v1/worlds\n\n", base, base)
	}

	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.Telemetry.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	if cfg.PprofAddr != "" {
		pln, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			return fmt.Errorf("PPROF_ADDR: %w", err)
		}
		psrv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
		go psrv.Serve(pln)
		defer psrv.Close()
		log.Info("pprof listening", "addr", pln.Addr().String())
	}
	if err := a.Start(ctx); err != nil {
		return err
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
	// Requests and jobs finish side by side, each with the whole grace period: a long
	// event stream must not eat the time running jobs have to end.
	stopped := make(chan error, 1)
	go func() { stopped <- a.Stop(sctx) }()
	shutdownErr := srv.Shutdown(sctx)
	if shutdownErr != nil {
		// Event streams never go idle; past the timeout they are cut.
		srv.Close()
	}
	if err := <-stopped; err != nil {
		log.Warn("job workers stopped with running jobs canceled; they will be retried", "error", err)
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
