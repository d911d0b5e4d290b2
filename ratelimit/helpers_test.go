package ratelimit_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clock is a fake time source tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sharedRedis returns a new client of the shared Redis at 127.0.0.1:6379, each call its
// own connection pool as a separate process would have. It skips the test when that
// Redis does not answer, unless CI is set.
func sharedRedis(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", DialTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared Redis at 127.0.0.1:6379 does not answer: %v", err)
		}
		t.Skipf("no Redis at 127.0.0.1:6379: %v", err)
	}
	return c
}

// uniquePrefix returns a key prefix no other test uses, and deletes its keys from c at
// the end of the test.
func uniquePrefix(t testing.TB, c *redis.Client) string {
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "troupe-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.WithoutCancel(t.Context())
		// redis_rate puts "rate:" before every key.
		for it := c.Scan(ctx, 0, "rate:"+prefix+"*", 100).Iterator(); it.Next(ctx); {
			c.Del(ctx, it.Val())
		}
	})
	return prefix
}

// redisServer is a private redis-server a test may stop and start again on one port.
type redisServer struct {
	t    *testing.T
	addr string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts a private redis-server on a free port, stopped at the end of the test.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	const bin = "/usr/bin/redis-server"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v", bin, err)
		}
		t.Skipf("%s: %v", bin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &redisServer{t: t, addr: addr, dir: t.TempDir()}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server and returns once it accepts connections.
func (s *redisServer) Start() {
	s.t.Helper()
	_, port, _ := net.SplitHostPort(s.addr)
	cmd := exec.Command("/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	// redis-server logs to stdout; this line is its own signal that it serves.
	sc := bufio.NewScanner(out)
	var log []string
	for sc.Scan() {
		log = append(log, sc.Text())
		if strings.Contains(sc.Text(), "Ready to accept connections") {
			break
		}
	}
	if sc.Err() != nil || !strings.Contains(strings.Join(log, "\n"), "Ready to accept connections") {
		cmd.Process.Kill()
		cmd.Wait()
		s.t.Fatalf("redis-server on port %s did not start:\n%s", port, strings.Join(log, "\n"))
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() {
		io.Copy(io.Discard, out)
		close(s.done)
	}()
}

// Stop kills the server, as an outage would, and waits for it to exit.
func (s *redisServer) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd.Wait()
	s.cmd = nil
}

// Client returns a client of the server with timeouts fit for a rate limiter.
func (s *redisServer) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: 200 * time.Millisecond, ContextTimeoutEnabled: true})
	s.t.Cleanup(func() { c.Close() })
	return c
}

func itoa(i int) string { return strconv.Itoa(i) }
