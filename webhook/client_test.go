package webhook

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// newCountingTLSServer starts an https server on 127.0.0.1 that counts the
// TCP connections it accepts and the requests it handles.
func newCountingTLSServer(t *testing.T) (srv *httptest.Server, port string, conns, hits *atomic.Int32) {
	t.Helper()
	conns, hits = new(atomic.Int32), new(atomic.Int32)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected TLS handshake failures
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return srv, port, conns, hits
}

// TestClientRefusesDNSRebinding: the host resolves to a public address when
// the URL is submitted and to loopback when the delivery connects. The client
// must look again, see loopback, and never open a connection.
func TestClientRefusesDNSRebinding(t *testing.T) {
	_, port, conns, hits := newCountingTLSServer(t)
	r := &countingResolver{tb: t, answer: func(n int) []string {
		if n == 1 {
			return []string{"93.184.216.34"}
		}
		return []string{"127.0.0.1"}
	}}
	url := "https://rebind.example.com:" + port + "/hook"

	g := &Guard{Resolver: r}
	if err := g.CheckURL(t.Context(), url); err != nil {
		t.Fatalf("CheckURL at submit: %v", err)
	}
	res := Deliver(t.Context(), Client(g, 5*time.Second), url, vectorSecret, "msg_1", []byte(`{}`), time.Now())
	wantRefused(t, res.Err, ClassLoopback)
	if res.Retry || res.Status != 0 {
		t.Errorf("Result = %+v, want a non-retryable refusal without status", res)
	}
	if got := r.calls(); got != 2 {
		t.Errorf("resolver called %d times, want 2 (submit and connect)", got)
	}
	if got := conns.Load(); got != 0 {
		t.Errorf("server accepted %d connections, want 0", got)
	}

	// Control: with the guard relaxed the same answer does reach the
	// server, so the zero above means the guard stopped it.
	g2 := &Guard{AllowPrivate: true, Resolver: r}
	res = Deliver(t.Context(), Client(g2, 5*time.Second), url, vectorSecret, "msg_1", []byte(`{}`), time.Now())
	if res.Err == nil { // the test certificate is not trusted, so the handshake fails
		t.Errorf("control delivery succeeded unexpectedly")
	}
	if conns.Load() == 0 {
		t.Errorf("control delivery never connected; the test proves nothing")
	}
	if hits.Load() != 0 {
		t.Errorf("handler ran %d times, want 0", hits.Load())
	}
}

// TestClientRefusesPrivateLiteralsAtDial covers URLs that never went through
// CheckURL: the dialer refuses on its own.
func TestClientRefusesPrivateLiteralsAtDial(t *testing.T) {
	_, port, conns, _ := newCountingTLSServer(t)
	lookups := new(atomic.Int32)
	g := &Guard{Resolver: resolverFunc(func(context.Context, string) ([]net.IPAddr, error) {
		lookups.Add(1)
		return nil, errors.New("unexpected lookup")
	})}
	c := Client(g, 5*time.Second)
	tests := []struct {
		url, class string
	}{
		{"https://127.0.0.1:" + port + "/", ClassLoopback},
		{"https://[::ffff:127.0.0.1]:" + port + "/", ClassLoopback},
		{"https://127.1:" + port + "/", ClassLoopback},
		{"https://2130706433:" + port + "/", ClassLoopback},
		{"https://localhost:" + port + "/", ClassLoopback},
		{"https://169.254.169.254/latest/meta-data/", ClassMetadata},
		{"https://10.1.2.3/", ClassPrivate},
		{"https://[fd00:ec2::254]/", ClassMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			res := Deliver(t.Context(), c, tt.url, vectorSecret, "msg_1", nil, time.Now())
			wantRefused(t, res.Err, tt.class)
			if res.Retry {
				t.Errorf("refusal marked retryable")
			}
		})
	}
	if conns.Load() != 0 || lookups.Load() != 0 {
		t.Errorf("connections %d, lookups %d; want 0, 0", conns.Load(), lookups.Load())
	}
}

func TestClientRefusesPlainHTTP(t *testing.T) {
	r := &countingResolver{tb: t, answer: func(int) []string { return []string{"93.184.216.34"} }}
	res := Deliver(t.Context(), Client(&Guard{Resolver: r}, time.Second), "http://hooks.example.com/", vectorSecret, "msg_1", nil, time.Now())
	wantRefused(t, res.Err, "")
	if r.calls() != 0 {
		t.Errorf("resolver called %d times before refusing http", r.calls())
	}
}

// TestClientDialsResolvedAddress shows the client connects to what the
// guard's resolver answered, not to what the system would resolve.
func TestClientDialsResolvedAddress(t *testing.T) {
	var host atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		host.Store(r.Host)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	g := &Guard{AllowPrivate: true, Resolver: staticResolver(t, map[string][]string{"svc.test": {"127.0.0.1"}})}
	url := "http://svc.test:" + port + "/hook"
	res := Deliver(t.Context(), Client(g, 5*time.Second), url, vectorSecret, "msg_1", nil, time.Now())
	if res.Err != nil || res.Status != http.StatusOK {
		t.Fatalf("Result = %+v", res)
	}
	if got := host.Load(); got != "svc.test:"+port {
		t.Errorf("Host = %v, want svc.test:%s", got, port)
	}
}

// TestClientDoesNotFollowRedirects: every redirect status is returned as the
// result and its target is never requested.
func TestClientDoesNotFollowRedirects(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		targetHits.Add(1)
	}))
	t.Cleanup(target.Close)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		http.Redirect(w, r, target.URL+"/elsewhere", code)
	}))
	t.Cleanup(src.Close)

	c := Client(&Guard{AllowPrivate: true}, 5*time.Second)
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			res := Deliver(t.Context(), c, src.URL+"/hook?code="+strconv.Itoa(code), vectorSecret, "msg_1", []byte(`{}`), time.Now())
			var se *StatusError
			if res.Status != code || !errors.As(res.Err, &se) || se.Status != code {
				t.Errorf("Result = %+v, want failure with status %d", res, code)
			}
			if !res.Retry || res.Gone {
				t.Errorf("Retry = %v, Gone = %v; want true, false", res.Retry, res.Gone)
			}
		})
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("redirect target hit %d times", n)
	}
}

func TestClientSettings(t *testing.T) {
	tests := []struct {
		in, want time.Duration
	}{
		{0, DefaultTimeout},
		{-time.Second, DefaultTimeout},
		{20 * time.Second, 20 * time.Second},
	}
	for _, tt := range tests {
		c := Client(nil, tt.in)
		if c.Timeout != tt.want {
			t.Errorf("Client(nil, %v).Timeout = %v, want %v", tt.in, c.Timeout, tt.want)
		}
		sg, ok := c.Transport.(*schemeGuard)
		if !ok {
			t.Fatalf("Transport is %T", c.Transport)
		}
		if sg.base.Proxy != nil {
			t.Errorf("Transport.Proxy is set; environment proxies must not be used")
		}
		if sg.base.TLSClientConfig != nil {
			t.Errorf("TLSClientConfig is customised; want the default")
		}
		if c.CheckRedirect == nil || !errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
			t.Errorf("CheckRedirect does not stop redirects")
		}
	}
}

func TestGuardControl(t *testing.T) {
	strict, relaxed := &Guard{}, &Guard{AllowPrivate: true}
	tests := []struct {
		addr  string
		class string // "" = allowed
	}{
		{"93.184.216.34:443", ""},
		{"[2606:4700:4700::1111]:443", ""},
		{"127.0.0.1:443", ClassLoopback},
		{"[::ffff:10.0.0.1]:443", ClassPrivate},
		{"[fe80::1%eth0]:443", ClassLinkLocal},
	}
	for _, tt := range tests {
		err := strict.control(t.Context(), "tcp", tt.addr, nil)
		if tt.class == "" && err != nil {
			t.Errorf("control(%s) = %v, want nil", tt.addr, err)
		}
		if tt.class != "" {
			wantRefused(t, err, tt.class)
		}
		if err := relaxed.control(t.Context(), "tcp", tt.addr, nil); err != nil {
			t.Errorf("relaxed control(%s) = %v", tt.addr, err)
		}
	}
}
