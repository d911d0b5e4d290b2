package telemetry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/troupe-ai/troupe/store/storetest"
)

// exercise runs the statements a store runs, inside a parent span, and returns the
// database's answer to the last query.
func exercise(t *testing.T, tel *Telemetry, db *sql.DB, placeholder func(int) string) {
	t.Helper()
	ctx, parent := tel.Tracer().Start(t.Context(), "request")
	defer parent.End()
	if _, err := db.ExecContext(ctx, `CREATE TABLE worlds (
		id   TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		made TIMESTAMP NOT NULL
	)`); err != nil {
		t.Fatalf("create: %v", err)
	}
	made := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO worlds (id, name, made) VALUES ("+placeholder(1)+", "+placeholder(2)+", "+placeholder(3)+")",
		"wld_secret_id", "Thornvale", made); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	var name string
	if err := db.QueryRowContext(ctx, "SELECT name FROM worlds WHERE id = "+placeholder(1), "wld_secret_id").Scan(&name); err != nil || name != "Thornvale" {
		t.Fatalf("select = %q, %v", name, err)
	}
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

func checkStatementSpans(t *testing.T, rec *tracetest.SpanRecorder, system string) {
	t.Helper()
	parent := spanNamed(t, rec, "request")
	for _, op := range []string{"CREATE", "INSERT", "SELECT"} {
		s := spanNamed(t, rec, op)
		if s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("%s span is not a child of the request span", op)
		}
		if s.SpanKind() != trace.SpanKindClient {
			t.Errorf("%s span kind %v, want client", op, s.SpanKind())
		}
		if got, _ := attr(s, "db.system.name"); got != system {
			t.Errorf("%s db.system.name = %q, want %q", op, got, system)
		}
		text, _ := attr(s, "db.query.text")
		if !strings.HasPrefix(text, op) || strings.ContainsAny(text, "\n\t") {
			t.Errorf("%s db.query.text = %q, want the statement on one line", op, text)
		}
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.Emit(), "wld_secret_id") || strings.Contains(kv.Value.Emit(), "Thornvale") {
				t.Errorf("%s span attribute %s carries an argument: %q", op, kv.Key, kv.Value.Emit())
			}
		}
	}
}

func TestWrapConnectorTracesSQLiteStatements(t *testing.T) {
	t.Parallel()
	tel, rec := newTelemetry(t)
	db, err := tel.OpenDB("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exercise(t, tel, db, func(int) string { return "?" })
	checkStatementSpans(t, rec, "sqlite")

	// The queue polls outside any request; those statements make no spans.
	before := len(rec.Ended())
	if _, err := db.ExecContext(t.Context(), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if got := len(rec.Ended()); got != before {
		t.Errorf("a statement outside a span made %d spans", got-before)
	}
}

func TestWrapConnectorTracesPostgresStatements(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresSchemaURL(t)
	if url == "" {
		t.Skip("no PostgreSQL")
	}
	tel, rec := newTelemetry(t)
	db, err := tel.OpenDB("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exercise(t, tel, db, func(i int) string { return "$" + string(rune('0'+i)) })
	checkStatementSpans(t, rec, "postgresql")

	ctx, parent := tel.Tracer().Start(t.Context(), "request 2")
	// A slice is an argument only pgx's own checker accepts; it must reach it.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT cardinality($1::text[])", []string{"a", "b", "c"}).Scan(&n); err != nil || n != 3 {
		t.Errorf("a text[] argument through the wrapper = %d, %v", n, err)
	}
	// A failing statement is marked failed, with its SQLSTATE.
	if _, err := db.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)"); err == nil {
		t.Fatal("insert into a missing table succeeded")
	}
	parent.End()
	var failed []string
	for _, s := range rec.Ended() {
		if s.Name() == "INSERT" && s.Status().Code == codes.Error {
			code, _ := attr(s, "db.response.status_code")
			failed = append(failed, code)
		}
	}
	if len(failed) != 1 || failed[0] != "42P01" {
		t.Errorf("failed INSERT spans with SQLSTATEs %q, want one with 42P01", failed)
	}
}

func TestWrapConnectorWithTracingOffIsTheConnector(t *testing.T) {
	t.Parallel()
	c := &bareConnector{}
	if got := WrapConnector(c, newUntraced(t)); got != driver.Connector(c) {
		t.Errorf("WrapConnector with tracing off = %T, want the connector itself", got)
	}
	if got := WrapConnector(c, nil); got != driver.Connector(c) {
		t.Errorf("WrapConnector(nil Telemetry) = %T, want the connector itself", got)
	}
}

// bare is a driver with none of the optional interfaces, the case database/sql has
// fallbacks for.
type (
	bareConnector struct {
		execs  []string
		closed bool
	}
	bareConn struct{ c *bareConnector }
	bareStmt struct {
		c     *bareConnector
		query string
	}
	bareTx     struct{}
	bareDriver struct{}
)

func (c *bareConnector) Connect(context.Context) (driver.Conn, error) { return bareConn{c}, nil }
func (c *bareConnector) Driver() driver.Driver                        { return bareDriver{} }
func (c *bareConnector) Close() error                                 { c.closed = true; return nil }
func (bareDriver) Open(string) (driver.Conn, error)                   { return nil, errors.New("use the connector") }
func (b bareConn) Prepare(q string) (driver.Stmt, error)              { return bareStmt{b.c, q}, nil }
func (bareConn) Close() error                                         { return nil }
func (bareConn) Begin() (driver.Tx, error)                            { return bareTx{}, nil }
func (bareTx) Commit() error                                          { return nil }
func (bareTx) Rollback() error                                        { return nil }
func (bareStmt) Close() error                                         { return nil }
func (bareStmt) NumInput() int                                        { return -1 }
func (s bareStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.c.execs = append(s.c.execs, s.query)
	return driver.RowsAffected(len(args)), nil
}
func (bareStmt) Query([]driver.Value) (driver.Rows, error) { return bareRows{}, nil }

type bareRows struct{}

func (bareRows) Columns() []string         { return []string{"n"} }
func (bareRows) Close() error              { return nil }
func (bareRows) Next([]driver.Value) error { return io.EOF }

func TestWrapConnectorKeepsDatabaseSQLFallbacks(t *testing.T) {
	t.Parallel()
	tel, _ := newTelemetry(t)
	inner := &bareConnector{}
	db := sql.OpenDB(WrapConnector(inner, tel))
	ctx := t.Context()
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
	res, err := db.ExecContext(ctx, "UPDATE worlds SET name = ?", time.Now())
	if err != nil {
		t.Fatalf("exec through the prepare fallback: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 || len(inner.execs) != 1 {
		t.Errorf("exec ran %d times with %d args, want once with 1", len(inner.execs), n)
	}
	if rows, err := db.QueryContext(ctx, "SELECT n FROM worlds"); err != nil {
		t.Errorf("query through the prepare fallback: %v", err)
	} else {
		rows.Close()
	}
	if _, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err == nil {
		t.Error("a read-only transaction on a driver without BeginTx was accepted")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	tx.Rollback()
	db.Close()
	if !inner.closed {
		t.Error("closing the database did not close the driver's connector")
	}
}

func TestStatementText(t *testing.T) {
	t.Parallel()
	long := "SELECT " + strings.Repeat("é", 300)
	cases := []struct {
		query, op, text string
	}{
		{"SELECT id\n\t  FROM worlds\n WHERE id = ?", "SELECT", "SELECT id FROM worlds WHERE id = ?"},
		{"  \n\tinsert into jobs (id) values ($1)  ", "INSERT", "insert into jobs (id) values ($1)"},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "WITH", "WITH x AS (SELECT 1) SELECT * FROM x"},
		{"/* comment */ SELECT 1", "sql", "/* comment */ SELECT 1"},
		{"", "sql", ""},
		{long, "SELECT", long[:len("SELECT ")+2*(maxStatementChars-len("SELECT "))]},
	}
	for _, tc := range cases {
		if got := operationOf(tc.query); got != tc.op {
			t.Errorf("operationOf(%.30q) = %q, want %q", tc.query, got, tc.op)
		}
		if got := statementText(tc.query); got != tc.text {
			t.Errorf("statementText(%.30q) = %.60q, want %.60q", tc.query, got, tc.text)
		}
		if n := len([]rune(statementText(tc.query))); n > maxStatementChars {
			t.Errorf("statementText(%.30q) has %d characters", tc.query, n)
		}
	}
}
