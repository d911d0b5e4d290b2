// Package jobs runs Troupe's async work on River, in the same database as the app: SQLite
// (River's SQLite driver on the store's single writer connection) or PostgreSQL (River's
// database/sql driver on the store's pool). Workers translate River jobs into domain calls,
// as the HTTP handlers translate requests; River's own job state never leaves this package.
//
// Kind() strings are a stored contract: renaming one strands the jobs already queued.
package jobs
