// Package store persists Troupe's resources in SQLite (the default: a file under DATA_DIR,
// pure Go through modernc.org/sqlite) or PostgreSQL (when DATABASE_URL is a postgres://
// URL). One set of SQL serves both: queries are written with ? placeholders and rewritten
// to $n for PostgreSQL, and the schema uses only types both understand.
//
// Every table carries tenant_id and every query filters on it, so a row of another tenant
// is indistinguishable from a missing one.
package store
