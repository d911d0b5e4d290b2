// Package storetest helps tests use the real PostgreSQL of the test environment.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// PostgresSchemaURL creates a throwaway schema on the test PostgreSQL server
// (TEST_DATABASE_URL, default 127.0.0.1:5432/test) and returns a URL whose connections use
// it; the schema is dropped when the test ends. When no server answers it returns "" after
// logging why, except under CI, where a missing server fails the test.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s does not answer in CI: %v", base, err)
		}
		t.Logf("PostgreSQL not reachable at %s (%v): PostgreSQL cases skipped", base, err)
		return ""
	}
	schema := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), os.Getpid())
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	return base + "&search_path=" + schema
}
