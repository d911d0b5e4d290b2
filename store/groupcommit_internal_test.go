package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// groupFixture is a SQLite database with a table of notes for the group commit tests.
type groupFixture struct {
	t  *testing.T
	db *DB
}

func newGroupFixture(t *testing.T) groupFixture {
	db, err := Open(t.Context(), Options{SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.write.ExecContext(t.Context(), `CREATE TABLE notes (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return groupFixture{t: t, db: db}
}

// insert is a write of one note.
func (g groupFixture) insert(id string) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.ExecContext(g.t.Context(), `INSERT INTO notes (id) VALUES (?)`, id)
		return err
	}
}

// holdWriter starts a write of the note "first" that holds the writer until hold is
// closed, and returns once it does hold it; first hears how that write ended.
func (g groupFixture) holdWriter() (hold chan struct{}, first chan error) {
	hold, holding := make(chan struct{}), make(chan struct{})
	first = make(chan error, 1)
	go func() {
		first <- g.db.group.run(g.t.Context(), func(tx *sql.Tx) error {
			close(holding)
			<-hold
			return g.insert("first")(tx)
		})
	}()
	<-holding
	return hold, first
}

// queued is how many writes wait for a group.
func (g groupFixture) queued() int {
	g.db.group.mu.Lock()
	defer g.db.group.mu.Unlock()
	return len(g.db.group.pending)
}

// committed is the ids of the notes written, in order.
func (g groupFixture) committed() []string {
	rows, err := g.db.read.QueryContext(g.t.Context(), `SELECT id FROM notes ORDER BY id`)
	if err != nil {
		g.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			g.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestGroupCommitKeepsEachWriteItsOwn: writes queued behind a running one commit together,
// and within the group a failed write is rolled back alone, a panicking one panics in its
// own caller, one that ends the shared transaction costs the others nothing, and one
// whose caller gave up is never begun.
func TestGroupCommitKeepsEachWriteItsOwn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	g := newGroupFixture(t)
	db, insert := g.db, g.insert
	errRefused := errors.New("refused")

	// The first write holds the writer until the others are queued behind it.
	hold, first := g.holdWriter()

	gone, cancel := context.WithCancel(ctx)
	cancel()
	type outcome struct {
		err      error
		panicked any
	}
	writes := map[string]func(*sql.Tx) error{
		"ok-1": insert("ok-1"),
		"ok-2": insert("ok-2"),
		"fails": func(tx *sql.Tx) error {
			if err := insert("fails")(tx); err != nil {
				return err
			}
			return errRefused // after writing: the row must go with the savepoint
		},
		"duplicate": insert("first"), // a constraint error inside the group
		// A write that ends the shared transaction under the others (as SQLite does when
		// a write inside it is interrupted): the others are run again on their own.
		"breaks": func(tx *sql.Tx) error {
			if err := insert("breaks")(tx); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `ROLLBACK`); err != nil {
				return err
			}
			return errRefused
		},
		"panics": func(tx *sql.Tx) error {
			if err := insert("panics")(tx); err != nil {
				return err
			}
			panic("boom")
		},
	}
	var mu sync.Mutex
	got := map[string]outcome{}
	var wg sync.WaitGroup
	run := func(name string, ctx context.Context, f func(*sql.Tx) error) {
		wg.Go(func() {
			var o outcome
			func() {
				defer func() { o.panicked = recover() }()
				o.err = db.group.run(ctx, f)
			}()
			mu.Lock()
			got[name] = o
			mu.Unlock()
		})
	}
	for name, f := range writes {
		run(name, ctx, f)
	}
	// A write whose caller has given up before it is queued is never made (the one that
	// gives up while queued: TestGroupCommitLetsAWaitingWriteGiveUp).
	run("given-up", gone, insert("given-up"))
	// Wait until the others are queued: then they are one group.
	for g.queued() < len(writes) {
		runtime.Gosched()
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	for name, want := range map[string]func(outcome) bool{
		"ok-1":      func(o outcome) bool { return o.err == nil && o.panicked == nil },
		"ok-2":      func(o outcome) bool { return o.err == nil && o.panicked == nil },
		"fails":     func(o outcome) bool { return errors.Is(o.err, errRefused) },
		"duplicate": func(o outcome) bool { return o.err != nil },
		"panics":    func(o outcome) bool { return o.panicked == "boom" },
		"breaks":    func(o outcome) bool { return errors.Is(o.err, errRefused) },
		"given-up":  func(o outcome) bool { return errors.Is(o.err, context.Canceled) },
	} {
		if !want(got[name]) {
			t.Errorf("%s: %+v", name, got[name])
		}
	}
	if ids := g.committed(); fmt.Sprint(ids) != "[first ok-1 ok-2]" {
		t.Fatalf("committed %v, want the first write and the two good ones", ids)
	}
}

// TestGroupCommitLetsAWaitingWriteGiveUp: a write waiting behind a busy writer returns as
// soon as its caller gives up, is never made, and the writes queued with it still are.
func TestGroupCommitLetsAWaitingWriteGiveUp(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	g := newGroupFixture(t)
	db, insert := g.db, g.insert
	hold, first := g.holdWriter()
	// The one giving up is queued first, so it is the one the lead would go to.
	giving, giveUp := context.WithCancel(ctx)
	gaveUp := make(chan error, 1)
	go func() { gaveUp <- db.group.run(giving, insert("gave-up")) }()
	for g.queued() < 1 {
		runtime.Gosched()
	}
	kept := make(chan error, 1)
	go func() { kept <- db.group.run(ctx, insert("kept")) }()
	for g.queued() < 2 {
		runtime.Gosched()
	}
	giveUp()
	// It returns while the writer is still held.
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("the write given up: %v, want context.Canceled", err)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-kept; err != nil {
		t.Fatalf("the write queued with it: %v", err)
	}
	if ids := g.committed(); fmt.Sprint(ids) != "[first kept]" {
		t.Fatalf("committed %v", ids)
	}
}
