package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
)

// maxGroup bounds how many writes one grouped transaction carries, so a burst cannot
// hold the writer (and every write queued behind it) for long.
const maxGroup = 64

// groupCommit runs concurrent write transactions on SQLite's single writer as one
// transaction: each write is a savepoint inside it, so one that fails is rolled back alone
// while the others commit together. SQLite takes one writer at a time anyway; grouping
// saves a BEGIN and a COMMIT per write, writes the pages they share to the WAL once, and
// changes the database far less often, which is what makes every reader connection drop
// its page cache. A lone write runs as it would alone, without a savepoint.
//
// There is no goroutine of its own: the first writer to find none leading leads, commits
// one group (its own write among them), and hands the lead to the first writer still
// waiting. A write's panic is raised again in its own goroutine. A writer whose context
// ends while its write waits for a group stops waiting (the write is not made); once in a
// group, the write is seen through.
type groupCommit struct {
	db *sql.DB
	// exec runs one of the savepoint statements in the group's transaction.
	exec func(ctx context.Context, tx *sql.Tx, query string) error

	mu      sync.Mutex
	pending []*groupedTx
	leading bool
}

// groupedTx is one write waiting for its group.
type groupedTx struct {
	ctx      context.Context
	f        func(*sql.Tx) error
	err      error
	panicked any
	done     chan struct{}
	// lead is signalled when this write is to lead the next group.
	lead chan struct{}
}

const (
	savepointSQL         = `SAVEPOINT grouped`
	releaseSavepointSQL  = `RELEASE grouped`
	rollbackSavepointSQL = `ROLLBACK TO grouped`
)

// run runs f in a transaction shared with the writes that arrive meanwhile, and returns
// once that transaction has committed (nil) or f's write was rolled back (its error, or
// the commit's).
func (g *groupCommit) run(ctx context.Context, f func(*sql.Tx) error) error {
	t := &groupedTx{ctx: ctx, f: f, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, t)
	leader := !g.leading
	g.leading = true
	g.mu.Unlock()
	if leader {
		g.lead()
	}
	select {
	case <-t.done:
	case <-t.lead:
		g.lead()
	case <-ctx.Done():
		if g.withdraw(t) {
			return ctx.Err()
		}
		// Already in a group, or handed the lead: it is seen through.
		select {
		case <-t.done:
		case <-t.lead:
			g.lead()
		}
	}
	<-t.done
	if t.panicked != nil {
		panic(t.panicked)
	}
	return t.err
}

// withdraw takes a write whose caller gave up out of the queue, if no group has taken it
// yet, reporting whether it did. Were it handed the lead meanwhile, the lead goes on to
// the next write waiting: the queue must never be left without one.
func (g *groupCommit) withdraw(t *groupedTx) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.pending, t)
	if i < 0 {
		return false
	}
	g.pending = slices.Delete(g.pending, i, i+1)
	select {
	case <-t.lead:
		if len(g.pending) > 0 {
			g.pending[0].lead <- struct{}{}
		} else {
			g.leading = false
		}
	default:
	}
	return true
}

// lead commits the next group, then hands the lead on or gives it up.
func (g *groupCommit) lead() {
	g.mu.Lock()
	group := g.pending[:min(len(g.pending), maxGroup)]
	g.pending = g.pending[len(group):]
	g.mu.Unlock()
	g.commit(group)
	g.mu.Lock()
	if len(g.pending) > 0 {
		g.pending[0].lead <- struct{}{}
	} else {
		g.leading = false
	}
	g.mu.Unlock()
}

func (g *groupCommit) commit(group []*groupedTx) {
	defer func() {
		for _, t := range group {
			close(t.done)
		}
	}()
	// Writes whose caller has given up are not begun.
	live := group[:0:0]
	for _, t := range group {
		if err := t.ctx.Err(); err != nil {
			t.err = err
			continue
		}
		live = append(live, t)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		g.alone(live[0])
		return
	}
	tx, err := g.db.BeginTx(context.WithoutCancel(live[0].ctx), nil)
	if err != nil {
		for _, t := range live {
			t.err = fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	var kept []*groupedTx
	for i, t := range live {
		// The savepoint statements run whatever becomes of the write's caller: a
		// half-undone write would commit with the others.
		ctx := context.WithoutCancel(t.ctx)
		if err := g.exec(ctx, tx, savepointSQL); err != nil {
			g.broken(tx, append(kept, live[i:]...))
			return
		}
		if !t.call(tx) {
			if err := g.exec(ctx, tx, rollbackSavepointSQL); err != nil {
				// The transaction is gone: SQLite rolls a whole transaction back when a
				// write inside it is interrupted (its caller gave up) or hits a full
				// disk. The others did nothing wrong.
				g.broken(tx, append(kept, live[i+1:]...))
				return
			}
		}
		if err := g.exec(ctx, tx, releaseSavepointSQL); err != nil {
			redo := kept
			if t.err == nil && t.panicked == nil {
				redo = append(redo, t)
			}
			g.broken(tx, append(redo, live[i+1:]...))
			return
		}
		if t.err == nil && t.panicked == nil {
			kept = append(kept, t)
		}
	}
	if err := tx.Commit(); err != nil {
		for _, t := range kept {
			t.err = fmt.Errorf("store: commit: %w", err)
		}
	}
}

// broken gives up a group's transaction that can no longer tell its writes apart, and
// runs each of redo (those that did or would have succeeded) in a transaction of its own,
// as it would have run without grouping.
func (g *groupCommit) broken(tx *sql.Tx, redo []*groupedTx) {
	tx.Rollback()
	for _, t := range redo {
		t.err, t.panicked = nil, nil
		g.alone(t)
	}
}

// alone runs one write in a transaction of its own.
func (g *groupCommit) alone(t *groupedTx) {
	if err := t.ctx.Err(); err != nil {
		t.err = err
		return
	}
	tx, err := g.db.BeginTx(context.WithoutCancel(t.ctx), nil)
	if err != nil {
		t.err = fmt.Errorf("store: begin: %w", err)
		return
	}
	if !t.call(tx) {
		tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		t.err = fmt.Errorf("store: commit: %w", err)
	}
}

// call runs the write, reporting whether it succeeded; its error or panic is kept.
func (t *groupedTx) call(tx *sql.Tx) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			t.panicked = p
			ok = false
		}
	}()
	t.err = t.f(tx)
	return t.err == nil
}
