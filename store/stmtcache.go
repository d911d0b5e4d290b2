package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// maxCachedStatements bounds stmtCache: queries built with a variable number of
// placeholders (IN lists) are distinct texts, and past the bound they are simply not
// cached.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per query text on a pool. database/sql prepares
// it on each connection the first time that connection runs it, and SQLite then reuses
// the compiled program instead of parsing the SQL again, which was a sixth of the cost
// of reading a world. PostgreSQL needs none: pgx keeps its own per-connection cache.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// get returns the statement for query on pool, preparing it the first time; ok is false
// when it is not (and will not be) cached: the cache is full, or it would not prepare.
// The query is then to run unprepared: a statement prepared and not kept would live as
// long as the pool.
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) (st *sql.Stmt, ok bool) {
	c.mu.RLock()
	st, ok = c.stmts[query]
	full := len(c.stmts) >= maxCachedStatements
	c.mu.RUnlock()
	if ok || full {
		return st, ok
	}
	// Prepared outside the lock (it is a round trip to a connection); a concurrent
	// preparation of the same text loses the race and is closed.
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.stmts[query]; ok {
		st.Close()
		return have, true
	}
	if len(c.stmts) >= maxCachedStatements {
		st.Close()
		return nil, false
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st, true
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// readRows runs a query written with ? placeholders on the read pool: on SQLite as a
// prepared statement, on PostgreSQL rewritten for its placeholders.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.dialect == Postgres {
		return db.read.QueryContext(ctx, db.q(query), args...)
	}
	st, ok := db.reads.get(ctx, db.read, query)
	if !ok {
		// Not cached: run as it is (a statement that would not prepare reports the same
		// error this way).
		return db.read.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// readRow is readRows for a query of one row.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.dialect == Postgres {
		return db.read.QueryRowContext(ctx, db.q(query), args...)
	}
	st, ok := db.reads.get(ctx, db.read, query)
	if !ok {
		return db.read.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// hotWrites are the statements every exchange writes with (speak, a conversation turn):
// prepared once on SQLite's writer when the database opens. They cannot be prepared on
// first use: a transaction holds the single writer connection, so preparing on the pool
// then would wait for it forever, and a statement prepared on the transaction is
// finalized with it.
func (db *DB) hotWrites() []string {
	return []string{
		insertMemorySQL, characterExistsSQL, readGameStateSQL, writeGameStateSQL, readFeelingsSQL, writeFeelingsSQL,
		moveRelationshipSQL[db.dialect], insertRelationshipChangeSQL, addUsageSQL, setSummarySQL, markSummarizedSQL,
		savepointSQL, releaseSavepointSQL, rollbackSavepointSQL,
	}
}

// prepareWrites prepares hotWrites on SQLite's writer.
func (db *DB) prepareWrites(ctx context.Context) error {
	if db.dialect == Postgres {
		return nil
	}
	db.writes = map[string]*sql.Stmt{}
	for _, q := range db.hotWrites() {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("store: prepare %q: %w", q, err)
		}
		db.writes[q] = st
	}
	return nil
}

// txExec runs a statement written with ? placeholders in tx, a transaction of the writer
// pool (River's, on the same pool, included): one of hotWrites as its prepared
// statement, any other as it is.
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st, ok := db.writes[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, db.q(query), args...)
}

// txRow is txExec for a statement answering one row.
func (db *DB) txRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st, ok := db.writes[query]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, db.q(query), args...)
}
