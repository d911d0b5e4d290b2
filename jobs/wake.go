package jobs

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// On SQLite River has no LISTEN/NOTIFY: its listener polls an outbox table every 50 ms,
// so a job queued on an idle replica waited 25 ms on average before a worker even looked.
// Work this process queues (a submit, a requeue, a webhook after a job ended) is known
// to it the moment its transaction commits, so the queue wakes its own listener then,
// and the listener polls at once. Other processes on the same file still find the work
// at their next poll.

// wakeup is a broadcast: every waiter of the channel Wait returned is woken by Notify.
type wakeup struct {
	mu sync.Mutex
	ch chan struct{}
}

func newWakeup() *wakeup { return &wakeup{ch: make(chan struct{})} }

// Wait returns a channel that is closed at the next Notify.
func (w *wakeup) Wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ch
}

// Notify wakes every waiter; a nil wakeup (PostgreSQL, which has LISTEN) does nothing.
func (w *wakeup) Notify() {
	if w == nil {
		return
	}
	w.mu.Lock()
	close(w.ch)
	w.ch = make(chan struct{})
	w.mu.Unlock()
}

// wakingDriver is River's SQLite driver whose listeners also poll at once when woken.
type wakingDriver struct {
	*riversqlite.Driver
	wake *wakeup
}

var _ riverdriver.Driver[*sql.Tx] = (*wakingDriver)(nil)

// GetListener wraps the driver's polling listener.
func (d *wakingDriver) GetListener(params *riverdriver.GetListenenerParams) riverdriver.Listener {
	return &wakingListener{Listener: d.Driver.GetListener(params), wake: d.wake}
}

// wakingListener is a polling listener whose wait between polls a wakeup cuts short.
// River calls WaitForNotification from one goroutine at a time, so next needs no lock.
type wakingListener struct {
	riverdriver.Listener
	wake *wakeup
	// next is the wakeup channel to watch on the next call: kept from the call before,
	// so a commit between two calls is not missed until the next poll.
	next <-chan struct{}
}

// errWoken is the cause of a poll cut short by a wakeup, told apart from every other way
// the wait can end.
var errWoken = errors.New("jobs: woken by a commit")

// WaitForNotification waits as the polling listener does, except that a wakeup ends
// the wait and polls again at once. Every other error goes back to River as it came,
// which logs it and reconnects with backoff.
func (l *wakingListener) WaitForNotification(ctx context.Context) (*riverdriver.Notification, error) {
	for {
		woken := l.next
		if woken == nil {
			woken = l.wake.Wait()
		}
		poll, stop := context.WithCancelCause(ctx)
		go func() {
			select {
			case <-woken:
				stop(errWoken)
			case <-poll.Done():
			}
		}()
		n, err := l.Listener.WaitForNotification(poll)
		wasWoken := errors.Is(context.Cause(poll), errWoken)
		stop(nil)
		l.next = woken
		if wasWoken {
			// This wakeup is spent: watch for the next one from here on.
			l.next = l.wake.Wait()
			if err != nil && errors.Is(err, context.Canceled) && ctx.Err() == nil {
				continue // the next call polls at once
			}
		}
		return n, err
	}
}

// fetchCooldown is the least time between two of River's fetches. River debounces its
// fetches so a burst of notifications makes one query; on SQLite, where this process's own
// commits wake its listener at once, a long cool-down would only delay the job after the
// one that just ran, so it is short there.
func fetchCooldown(q *Queue) time.Duration {
	if q.wake != nil {
		return 2 * time.Millisecond
	}
	return 20 * time.Millisecond
}
