package webhook

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// DefaultTimeout is the per-attempt timeout used when [Client] is given none;
// Standard Webhooks recommends 15 to 30 seconds.
const DefaultTimeout = 15 * time.Second

// maxDialTimeout bounds each address's connect so that one black-holed
// address does not use up the whole attempt.
const maxDialTimeout = 10 * time.Second

// Client returns the http.Client deliveries must use. Its transport resolves
// the host again when it connects, refuses unless every address is allowed by
// g (see [Guard.CheckURL]), and dials the vetted IP itself, so an answer that
// changed since CheckURL (DNS rebinding) cannot steer it to a private
// address; the socket's destination is checked once more just before
// connect. Redirects are not followed (the 3xx response is returned), no proxy
// is taken from the environment, plain http is refused unless
// g.AllowPrivate, TLS uses the default configuration, and timeout (or
// [DefaultTimeout] when not positive) bounds the whole attempt.
//
// g is copied, so changing it afterwards does not affect the client. A nil g
// is the production policy.
func Client(g *Guard, timeout time.Duration) *http.Client {
	var gc Guard
	if g != nil {
		gc = *g
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	d := &net.Dialer{
		Timeout:        min(timeout, maxDialTimeout),
		KeepAlive:      30 * time.Second,
		ControlContext: gc.control,
	}
	t := &http.Transport{
		Proxy:                  nil, // an environment proxy would make its own, unvetted, connections
		DialContext:            gc.dialContext(d),
		ForceAttemptHTTP2:      true, // a custom DialContext turns HTTP/2 off otherwise
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: maxResponseBody,
	}
	return &http.Client{
		Transport: &schemeGuard{base: t, allowHTTP: gc.AllowPrivate},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			// Standard Webhooks counts 3xx as failure, and following a
			// redirect would reach a URL that was never vetted.
			return http.ErrUseLastResponse
		},
		Timeout: timeout,
	}
}

// dialContext resolves and vets the host at connect time and dials the vetted
// addresses in order.
func (g *Guard) dialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		addrs, err := g.resolveVetted(ctx, host)
		if err != nil {
			return nil, err
		}
		var firstErr error
		for _, a := range addrs {
			if network == "tcp4" && !a.Is4() || network == "tcp6" && !a.Is6() {
				continue
			}
			c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
			if err == nil {
				return c, nil
			}
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("webhook: no %s address for %q", network, host)
		}
		return nil, firstErr
	}
}

// control runs just before each connect(2) with the literal destination. The
// dialer only ever dials vetted IPs, so this is belt and braces for the day
// someone changes that.
func (g *Guard) control(_ context.Context, _, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &URLError{Reason: fmt.Sprintf("unexpected dial address %q", address)}
	}
	if c, ok := ClassOf(ap.Addr()); !ok {
		return &URLError{Reason: fmt.Sprintf("address %s is not public (%s)", ap.Addr(), c), Class: c}
	}
	return nil
}

// schemeGuard refuses plain http at send time too, so that a URL stored before
// a policy change, or never checked, is still held to https.
type schemeGuard struct {
	base      *http.Transport
	allowHTTP bool
}

// RoundTrip implements http.RoundTripper.
func (s *schemeGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" && !(s.allowHTTP && req.URL.Scheme == "http") {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close the body, even on error
		}
		return nil, &URLError{Reason: "URL scheme must be https"}
	}
	return s.base.RoundTrip(req)
}

// CloseIdleConnections lets [http.Client.CloseIdleConnections] reach the
// transport.
func (s *schemeGuard) CloseIdleConnections() { s.base.CloseIdleConnections() }
