package telemetry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"strings"
	"unicode"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxStatementChars bounds db.query.text: enough to tell statements apart, short enough
// that a span stays small.
const maxStatementChars = 200

// OpenDB is sql.Open with connections wrapped by WrapConnector: the same driver name and
// data source name, the same pool.
func (t *Telemetry) OpenDB(driverName, dsn string) (*sql.DB, error) {
	// database/sql has no other way to look a registered driver up by name; sql.Open
	// connects to nothing.
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	probe.Close()
	var c driver.Connector = dsnConnector{d: d, dsn: dsn}
	if dc, ok := d.(driver.DriverContext); ok {
		if c, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	}
	return sql.OpenDB(WrapConnector(c, t)), nil
}

// dsnConnector is database/sql's own connector for a driver that has none.
type dsnConnector struct {
	d   driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

// WrapConnector returns a connector whose connections start a client span for each
// ExecContext and QueryContext made inside a recorded span: the statement (whitespace
// collapsed, at most 200 characters, never its arguments) as db.query.text and
// db.system.name from the driver's package (sqlite for modernc.org/sqlite, postgresql for
// pgx). Calls outside a span, such as the queue's polling, make none. A query's span
// ends when its rows are ready, not when they have been read. Statements prepared
// explicitly and transactions pass through untraced. When tracing is off, or t is nil, it
// returns c itself.
//
// Every optional interface database/sql looks for on a connection is implemented and
// passes through to the driver's own, or behaves as database/sql does when the driver has
// none, so the wrapped driver behaves as before.
func WrapConnector(c driver.Connector, t *Telemetry) driver.Connector {
	if !t.Tracing() {
		return c
	}
	return &connector{next: c, t: t, system: dbSystem(c.Driver())}
}

func dbSystem(d driver.Driver) attribute.KeyValue {
	typ := reflect.TypeOf(d)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	pkg := typ.PkgPath()
	switch {
	case strings.Contains(pkg, "sqlite"):
		return semconv.DBSystemNameSQLite
	case strings.Contains(pkg, "jackc/pgx"), strings.Contains(pkg, "lib/pq"):
		return semconv.DBSystemNamePostgreSQL
	}
	return semconv.DBSystemNameKey.String("other_sql")
}

type connector struct {
	next   driver.Connector
	t      *Telemetry
	system attribute.KeyValue
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.next.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{next: dc, t: c.t, system: c.system}, nil
}

func (c *connector) Driver() driver.Driver { return c.next.Driver() }

// Close closes the driver's connector when it holds resources (sql.DB.Close calls it).
func (c *connector) Close() error {
	if cl, ok := c.next.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// conn is a traced connection. Its methods mirror database/sql's fallbacks where the
// driver lacks an interface.
type conn struct {
	next   driver.Conn
	t      *Telemetry
	system attribute.KeyValue
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) { return c.next.Prepare(query) }
func (c *conn) Close() error                              { return c.next.Close() }

// Begin is required by driver.Conn; database/sql calls BeginTx.
func (c *conn) Begin() (driver.Tx, error) { return c.next.Begin() }

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.next.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return nil, errors.New("sql: driver does not support non-default isolation level")
	}
	if opts.ReadOnly {
		return nil, errors.New("sql: driver does not support read-only transactions")
	}
	tx, err := c.next.Begin()
	if err == nil && ctx.Err() != nil {
		tx.Rollback()
		return nil, ctx.Err()
	}
	return tx, err
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.next.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	st, err := c.next.Prepare(query)
	if err == nil && ctx.Err() != nil {
		st.Close()
		return nil, ctx.Err()
	}
	return st, err
}

// ExecContext answers driver.ErrSkip when the driver cannot execute directly, which makes
// database/sql prepare the statement instead, as it would without the wrapper.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.next.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	ctx, span := c.start(ctx, query)
	res, err := e.ExecContext(ctx, query, args)
	endDBSpan(ctx, span, err)
	return res, err
}

// QueryContext answers driver.ErrSkip like ExecContext.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.next.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	ctx, span := c.start(ctx, query)
	rows, err := q.QueryContext(ctx, query, args)
	endDBSpan(ctx, span, err)
	return rows, err
}

// CheckNamedValue lets the driver accept the argument types it knows (pgx takes slices,
// for one); driver.ErrSkip hands a driver without a checker's arguments to database/sql's
// default conversion, as if the wrapper were not there.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.next.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.next.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.next.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.next.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// start starts a statement's span when ctx holds a recorded span; span is nil otherwise.
func (c *conn) start(ctx context.Context, query string) (context.Context, trace.Span) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, nil
	}
	op := operationOf(query)
	return c.t.tracer.Start(ctx, op, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		c.system, semconv.DBOperationName(op), semconv.DBQueryText(statementText(query))))
}

// sqlStater is an error that carries an SQLSTATE, as PostgreSQL's do.
type sqlStater interface{ SQLState() string }

func endDBSpan(ctx context.Context, span trace.Span, err error) {
	if span == nil {
		return
	}
	switch {
	case err == nil, errors.Is(err, driver.ErrSkip):
		// ErrSkip is no failure: database/sql runs the statement another way.
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		span.SetAttributes(attribute.String("error.type", OutcomeCanceled))
	default:
		span.SetAttributes(semconv.ErrorType(err))
		var s sqlStater
		if errors.As(err, &s) {
			span.SetAttributes(semconv.DBResponseStatusCode(s.SQLState()))
		}
		span.SetStatus(codes.Error, "")
	}
	span.End()
}

// operationOf is the statement's first keyword in upper case (SELECT, INSERT, WITH...),
// or "sql" when it does not start with one.
func operationOf(query string) string {
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	end := strings.IndexFunc(q, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		end = len(q)
	}
	if end == 0 || end > 16 {
		return "sql"
	}
	return strings.ToUpper(q[:end])
}

// statementText collapses runs of white space to one space and keeps at most
// maxStatementChars characters.
func statementText(query string) string {
	var b strings.Builder
	b.Grow(min(len(query), maxStatementChars))
	n := 0
	space := false
	for _, r := range strings.TrimSpace(query) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			if n++; n > maxStatementChars {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if n++; n > maxStatementChars {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
