package webhook

import (
	"context"
	"errors"
	"hash/fnv"
	"net"
	"net/netip"
	"net/url"
	"testing"
)

// fuzzPool mixes public and refused addresses; the fuzz resolver answers from
// it deterministically by host.
var fuzzPool = []string{
	"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:1.1.1.1",
	"127.0.0.1", "10.1.1.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
	"100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1",
	"::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1", "255.255.255.255",
}

func fuzzAnswer(host string) []string {
	h := fnv.New64a()
	h.Write([]byte(host))
	v := h.Sum64()
	n := 1 + int(v%3)
	out := make([]string, n)
	for i := range out {
		v /= 7
		out[i] = fuzzPool[int(v%uint64(len(fuzzPool)))]
	}
	return out
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://hooks.example.com/hook",
		"https://a.example/", "https://b.example:8443/x?y#z",
		"https://127.0.0.1/", "https://[::1]/", "https://0x7f.1/", "https://2130706433/",
		"https://127.1/", "https://0177.0.0.1/", "https://[::ffff:127.0.0.1]/",
		"https://[64:ff9b::a00:1]/", "https://[2002:c0a8:101::1]/", "https://localhost/",
		"https://169.254.169.254/", "https://8.8.8.8/", "https://134744072/",
		"https://[fe80::1%25eth0]/", "http://example.com/", "https://u:p@example.com/",
		"https:///", "https://example.123/", "https://0x/", "https://1.2.3.4.5/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var answered []string
		g := &Guard{Resolver: resolverFunc(func(_ context.Context, host string) ([]net.IPAddr, error) {
			a := fuzzAnswer(host)
			answered = append(answered, a...)
			return ipAddrs(t, a...), nil
		})}
		err := g.CheckURL(t.Context(), raw)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || ue.Reason == "" {
				t.Fatalf("CheckURL(%q) = %v, want a *URLError with a reason", raw, err)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme != "https" || u.User != nil || u.Hostname() == "" {
			t.Fatalf("CheckURL accepted %q (parse err %v)", raw, perr)
		}
		for _, s := range answered {
			if c, ok := ClassOf(netip.MustParseAddr(s)); !ok {
				t.Fatalf("CheckURL accepted %q although its host resolves to %s (%s)", raw, s, c)
			}
		}
		if ip := net.ParseIP(u.Hostname()); ip != nil {
			a, _ := netip.AddrFromSlice(ip)
			if c, ok := ClassOf(a); !ok {
				t.Fatalf("CheckURL accepted %q, a %s literal", raw, c)
			}
		}
		// What passed at submit must pass at connect, given the same answers.
		addrs, err := g.resolveVetted(t.Context(), u.Hostname())
		if err != nil || len(addrs) == 0 {
			t.Fatalf("dial-time vetting of %q disagrees: %v", raw, err)
		}
		for _, a := range addrs {
			if c, ok := ClassOf(a); !ok {
				t.Fatalf("dial-time address %s of %q is %s", a, raw, c)
			}
		}
	})
}

// FuzzClassOf cross-checks ClassOf against the standard library's own
// classification: nothing net/netip considers loopback, private, link-local,
// multicast or unspecified may be called public.
func FuzzClassOf(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "8.8.8.8", "::1", "::ffff:10.0.0.1", "fe80::1", "2606:4700::1"} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		class, public := ClassOf(a)
		if class == "" || public != (class == ClassPublic) {
			t.Fatalf("ClassOf(%s) = %q, %v", a, class, public)
		}
		if !public {
			return
		}
		u := a.Unmap()
		if !u.IsGlobalUnicast() || u.IsPrivate() || u.IsLoopback() || u.IsLinkLocalUnicast() ||
			u.IsMulticast() || u.IsUnspecified() {
			t.Fatalf("ClassOf(%s) = public, but net/netip disagrees", a)
		}
	})
}
