package store

import (
	"context"
	"database/sql"
	"fmt"
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
// waiting. A write's panic is raised again in its own goroutine.
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
	}
	<-t.done
	if t.panicked != nil {
		panic(t.panicked)
	}
	return t.err
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
	tx, err := g.db.BeginTx(context.WithoutCancel(live[0].ctx), nil)
	if err != nil {
		for _, t := range live {
			t.err = fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	var kept []*groupedTx
	if len(live) == 1 {
		if t := live[0]; !t.call(tx) {
			tx.Rollback()
			return
		}
		kept = live
	} else {
		for _, t := range live {
			// The savepoint statements run whatever becomes of the write's caller: a
			// half-undone write would commit with the others.
			ctx := context.WithoutCancel(t.ctx)
			if err := g.exec(ctx, tx, savepointSQL); err != nil {
				t.err = fmt.Errorf("store: savepoint: %w", err)
				continue
			}
			if !t.call(tx) {
				if err := g.exec(ctx, tx, rollbackSavepointSQL); err != nil {
					// The transaction can no longer tell this write from the others.
					tx.Rollback()
					for _, k := range kept {
						k.err = fmt.Errorf("store: roll back a grouped write: %w", err)
					}
					return
				}
			}
			if err := g.exec(ctx, tx, releaseSavepointSQL); err != nil && t.err == nil {
				t.err = fmt.Errorf("store: release savepoint: %w", err)
				continue
			}
			if t.err == nil && t.panicked == nil {
				kept = append(kept, t)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		for _, t := range kept {
			t.err = fmt.Errorf("store: commit: %w", err)
		}
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
