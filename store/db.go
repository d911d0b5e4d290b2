package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names the SQL database behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database with its migrations applied.
//
// On SQLite it holds two pools on one file: a single writer connection (SQLite has one
// writer at a time, and a second would only meet SQLITE_BUSY) and a pool of read-only
// connections, so reads run in parallel under WAL and never queue behind a write. On
// PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	worlds  *worldCache
	// reads holds SQLite's prepared read statements (see readRows), writes its prepared
	// hot writes (see txExec); writes is not changed after Open.
	reads  stmtCache
	writes map[string]*sql.Stmt
	// group commits SQLite's concurrent metered writes together (see groupCommit); nil
	// on PostgreSQL, whose writers commit in parallel.
	group *groupCommit
	// usageShards spreads PostgreSQL's usage counter upserts over rows (see
	// usageShardCount); nil on SQLite, whose counters are one row each.
	usageShards *usageShards
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// (or postgresql://) URL; empty means SQLite.
	URL string
	// SQLitePath is the SQLite file, used when URL is empty.
	SQLitePath string
	// MaxReaders caps SQLite's read-only pool; 0 means 4.
	MaxReaders int
	// OpenDB opens a pool (sql.Open's signature); nil means sql.Open. Tracing wraps the
	// driver here, so every statement gets a span.
	OpenDB func(driverName, dsn string) (*sql.DB, error)
}

// Open opens the database, checks it answers and applies pending migrations.
func Open(ctx context.Context, opt Options) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(opt.URL, "postgres://"), strings.HasPrefix(opt.URL, "postgresql://"):
		db, err = openPostgres(opt.open, opt.URL)
	case opt.URL == "":
		db, err = openSQLite(opt.open, opt.SQLitePath, opt.MaxReaders)
	default:
		return nil, fmt.Errorf("store: DATABASE_URL must be a postgres:// URL, got scheme of %q", redact(opt.URL))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s does not answer: %w", db.dialect, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareWrites(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (o Options) open(driverName, dsn string) (*sql.DB, error) {
	if o.OpenDB != nil {
		return o.OpenDB(driverName, dsn)
	}
	return sql.Open(driverName, dsn)
}

func openPostgres(open func(string, string) (*sql.DB, error), dsn string) (*DB, error) {
	pool, err := open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	return &DB{dialect: Postgres, write: pool, read: pool, worlds: newWorldCache(), usageShards: newUsageShards(usageShardCount)}, nil
}

func openSQLite(open func(string, string) (*sql.DB, error), path string, maxReaders int) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("store: no SQLite path given")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("store: create the SQLite folder: %w", err)
	}
	if maxReaders <= 0 {
		maxReaders = 4
	}
	pragmas := url.Values{}
	pragmas.Add("_pragma", "busy_timeout(5000)")
	pragmas.Add("_pragma", "foreign_keys(1)")
	pragmas.Add("_pragma", "journal_mode(WAL)")
	pragmas.Add("_pragma", "synchronous(NORMAL)")
	// immediate: a write transaction takes the lock at BEGIN instead of failing on upgrade.
	pragmas.Set("_txlock", "immediate")
	write, err := open("sqlite", "file:"+path+"?"+pragmas.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)

	ro := url.Values{}
	ro.Add("_pragma", "busy_timeout(5000)")
	ro.Add("_pragma", "query_only(1)")
	read, err := open("sqlite", "file:"+path+"?"+ro.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	read.SetMaxOpenConns(maxReaders)
	read.SetMaxIdleConns(maxReaders)
	db := &DB{dialect: SQLite, write: write, read: read, worlds: newWorldCache()}
	db.group = &groupCommit{db: write, exec: func(ctx context.Context, tx *sql.Tx, query string) error {
		_, err := db.txExec(ctx, tx, query)
		return err
	}}
	return db, nil
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the writer pool, for collaborators that share the database (the job queue
// shares SQLite's single writer so an enqueue and its record commit together).
func (db *DB) SQL() *sql.DB { return db.write }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	if db.read != db.write {
		return db.read.PingContext(ctx)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.reads.close()
	for _, st := range db.writes {
		st.Close()
	}
	err := db.write.Close()
	if db.read != db.write {
		if rerr := db.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// q rewrites a query written with ? placeholders for the dialect. None of our queries
// contain a literal question mark.
func (db *DB) q(query string) string {
	if db.dialect != Postgres {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// redact keeps only a URL's scheme, so credentials never reach a log or error message.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" {
		return u.Scheme + "://…"
	}
	return "…"
}
