package jobs

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/riverqueue/river/riverdriver"
)

// pollingListener stands for River's SQLite listener: its first wait finds nothing and
// waits for the next poll (until its context ends); the wait after it finds a
// notification at once.
type pollingListener struct {
	riverdriver.Listener
	waits   atomic.Int32
	waiting chan struct{}
}

func (l *pollingListener) WaitForNotification(ctx context.Context) (*riverdriver.Notification, error) {
	if l.waits.Add(1) == 1 {
		close(l.waiting)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &riverdriver.Notification{Topic: "river_insert"}, nil
}

// TestAWakeupEndsTheWaitForThePoll: a commit's wakeup makes the listener poll at once, and
// a listener nobody wakes ends only with its caller's context.
func TestAWakeupEndsTheWaitForThePoll(t *testing.T) {
	t.Parallel()
	wake := newWakeup()
	inner := &pollingListener{waiting: make(chan struct{})}
	l := &wakingListener{Listener: inner, wake: wake}
	got := make(chan *riverdriver.Notification, 1)
	go func() {
		n, err := l.WaitForNotification(t.Context())
		if err != nil {
			t.Error(err)
		}
		got <- n
	}()
	<-inner.waiting
	wake.Notify()
	if n := <-got; n == nil || n.Topic != "river_insert" || inner.waits.Load() != 2 {
		t.Fatalf("after a wakeup: %+v after %d waits", n, inner.waits.Load())
	}

	ctx, cancel := context.WithCancel(t.Context())
	idle := &wakingListener{Listener: &pollingListener{waiting: make(chan struct{})}, wake: newWakeup()}
	cancel()
	if _, err := idle.WaitForNotification(ctx); err == nil {
		t.Fatal("a canceled wait returned no error")
	}
	var none *wakeup
	none.Notify() // PostgreSQL's queue has no wakeup: notifying it does nothing

	// A real failure (a closed database) goes back to River at once, which logs it and
	// reconnects with backoff: it is never taken for a wakeup and retried.
	failing := &wakingListener{Listener: brokenListener{}, wake: newWakeup()}
	if _, err := failing.WaitForNotification(t.Context()); !errors.Is(err, sql.ErrConnDone) {
		t.Fatalf("a failed poll answered %v", err)
	}
}

// brokenListener's every wait fails as a closed database does.
type brokenListener struct{ riverdriver.Listener }

func (brokenListener) WaitForNotification(context.Context) (*riverdriver.Notification, error) {
	return nil, sql.ErrConnDone
}
