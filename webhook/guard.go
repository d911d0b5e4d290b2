package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxURLLength is the longest URL accepted, matching the API schema.
const MaxURLLength = 2048

// checkLookupTimeout bounds the DNS lookup in CheckURL, which runs inside an
// API request; a receiver whose DNS takes longer is refused, not waited for.
const checkLookupTimeout = 5 * time.Second

// Resolver looks up the addresses of a host name. [*net.Resolver] satisfies
// it; tests substitute fakes.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Guard is the SSRF policy for webhook URLs, and for the other URLs Troupe
// fetches on a caller's behalf (STT audio URLs): which URLs may be submitted
// ([Guard.CheckURL]) and which addresses deliveries may connect to ([Client]).
// The zero value is the production policy. A nil *Guard behaves as the zero
// value.
type Guard struct {
	// AllowPrivate turns the address checks off and permits plain http, for
	// local development and tests against servers on 127.0.0.1. Never set it
	// in production.
	AllowPrivate bool
	// Resolver resolves host names; nil means [net.DefaultResolver].
	Resolver Resolver
}

// URLError is returned when a URL or the address it leads to is refused.
// Reason is meant to be shown to the API caller. The guard vets more than
// webhook receivers (audio URLs to fetch, for one), so neither Reason nor
// Error names the request field the URL came from: each caller names its
// own ("webhook_url refused: …", "audio_url refused: …"), with [URLError.Refusal].
type URLError struct {
	// Reason says why, naming the address class when that is the cause.
	Reason string
	// Class is the refused address's class (see [ClassOf]), or "" when the
	// refusal is about the URL's form.
	Class string
}

// Error implements error.
func (e *URLError) Error() string { return "URL refused: " + e.Reason }

// Refusal returns Reason: why the URL was refused, without a prefix, for a
// caller that names the refused field itself. Being a method, it can be found
// with errors.As through an interface by packages that do not import this one.
func (e *URLError) Refusal() string { return e.Reason }

func refuse(format string, args ...any) *URLError {
	return &URLError{Reason: fmt.Sprintf(format, args...)}
}

// CheckURL vets a webhook URL when it is submitted. The URL must be absolute
// https (http too when AllowPrivate), without credentials, with a host; any
// port is allowed. Unless AllowPrivate, a literal IP must be public, and a
// host name must resolve, with every one of its addresses public: one private
// answer is enough to refuse, since the dialer could pick it. Hosts whose last
// label is numeric are read as IPv4 the way inet_aton does ("127.1",
// "0x7f.1", "2130706433"), because that is how the system resolver would read
// them. Refusals are *URLError.
//
// Passing CheckURL is not enough on its own: DNS can change before delivery,
// so deliveries must go through [Client], which checks again when it connects.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	if len(raw) > MaxURLLength {
		return refuse("URL is longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("malformed URL")
	}
	allowPrivate := g != nil && g.AllowPrivate
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	case u.Scheme == "":
		return refuse("URL must be absolute, like https://example.com/path")
	default:
		return refuse("URL scheme must be https")
	}
	if u.Opaque != "" {
		return refuse("URL must be absolute, like https://example.com/path")
	}
	if u.User != nil {
		return refuse("URL must not contain credentials")
	}
	host := u.Hostname()
	if host == "" {
		return refuse("URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return refuse("URL port must be between 1 and 65535")
		}
	}
	if allowPrivate {
		// Nothing about the addresses to vet, and development hosts need not
		// resolve yet; still reject names that could never be dialled.
		_, _, err := g.parseHost(host)
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, checkLookupTimeout)
	defer cancel()
	_, err = g.resolveVetted(ctx, host)
	var ue *URLError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		return ue
	default:
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return refuse("host %q not found", host)
		}
		return refuse("host %q could not be resolved", host)
	}
}

// parseHost normalises a URL host. For a literal address (IPv6, or IPv4 in
// any inet_aton form) it returns that address; otherwise the lower-cased name
// to resolve.
func (g *Guard) parseHost(host string) (netip.Addr, string, error) {
	h := strings.ToLower(host)
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil {
			return netip.Addr{}, "", refuse("malformed IPv6 address")
		}
		return a, "", nil
	}
	if !validHostname(h) {
		return netip.Addr{}, "", refuse("invalid host name %q", host)
	}
	if endsInNumber(h) {
		a, ok := parseIPv4Loose(h)
		if !ok {
			return netip.Addr{}, "", refuse("malformed IPv4 address %q", host)
		}
		return a, "", nil
	}
	return netip.Addr{}, h, nil
}

// resolveVetted returns the addresses to connect to for host. Policy
// refusals are *URLError; resolution failures are returned as they are,
// because they may be temporary.
func (g *Guard) resolveVetted(ctx context.Context, host string) ([]netip.Addr, error) {
	allowPrivate := g != nil && g.AllowPrivate
	lit, name, err := g.parseHost(host)
	if err != nil {
		return nil, err
	}
	if lit.IsValid() {
		if c, ok := ClassOf(lit); !ok && !allowPrivate {
			return nil, &URLError{
				Reason: fmt.Sprintf("address %s is not public (%s)", lit, c),
				Class:  c,
			}
		}
		return []netip.Addr{lit.Unmap()}, nil
	}
	// RFC 6761: localhost and its subdomains are loopback whatever DNS says,
	// and some resolvers answer them without asking DNS at all.
	if n := strings.TrimSuffix(name, "."); (n == "localhost" || strings.HasSuffix(n, ".localhost")) && !allowPrivate {
		return nil, &URLError{Reason: fmt.Sprintf("host %q is loopback", host), Class: ClassLoopback}
	}
	var r Resolver = net.DefaultResolver
	if g != nil && g.Resolver != nil {
		r = g.Resolver
	}
	ias, err := r.LookupIPAddr(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(ias) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: name, IsNotFound: true}
	}
	addrs := make([]netip.Addr, 0, len(ias))
	for _, ia := range ias {
		a, ok := netip.AddrFromSlice(ia.IP)
		if !ok {
			return nil, fmt.Errorf("resolver returned a malformed address for %q", host)
		}
		a = a.Unmap().WithZone(ia.Zone)
		if c, ok := ClassOf(a); !ok && !allowPrivate {
			return nil, &URLError{
				Reason: fmt.Sprintf("host %q resolves to %s (%s); only public addresses are allowed", host, a, c),
				Class:  c,
			}
		}
		addrs = append(addrs, a)
	}
	return addrs, nil
}

// validHostname accepts DNS names of letters, digits, '-' and '_' labels, with
// one optional trailing dot. Anything else (spaces, '%', non-ASCII) is refused
// rather than guessed at: internationalised names must be given in punycode.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || isDigit(c) || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
