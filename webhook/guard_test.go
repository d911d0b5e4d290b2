package webhook

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// addressClassCases has one row per refused address class; CheckURL must
// refuse each both as a literal and as the answer of a resolver.
var addressClassCases = []struct {
	name  string
	addr  string // as it appears in a URL host
	ip    string // as a resolver would answer
	class string
}{
	{"loopback v4", "127.0.0.1", "127.0.0.1", ClassLoopback},
	{"loopback v4 other", "127.53.0.1", "127.53.0.1", ClassLoopback},
	{"loopback v6", "[::1]", "::1", ClassLoopback},
	{"private 10/8", "10.0.0.5", "10.0.0.5", ClassPrivate},
	{"private 172.16/12", "172.20.1.1", "172.20.1.1", ClassPrivate},
	{"private 192.168/16", "192.168.0.10", "192.168.0.10", ClassPrivate},
	{"unique local v6", "[fd00::1]", "fd00::1", ClassPrivate},
	{"link-local v4", "169.254.1.1", "169.254.1.1", ClassLinkLocal},
	{"link-local v6", "[fe80::1]", "fe80::1", ClassLinkLocal},
	{"metadata", "169.254.169.254", "169.254.169.254", ClassMetadata},
	{"metadata v6", "[fd00:ec2::254]", "fd00:ec2::254", ClassMetadata},
	{"cgnat", "100.64.1.1", "100.64.1.1", ClassCGNAT},
	{"unspecified v4", "0.0.0.0", "0.0.0.0", ClassUnspecified},
	{"unspecified v6", "[::]", "::", ClassUnspecified},
	{"multicast v4", "224.0.0.251", "224.0.0.251", ClassMulticast},
	{"multicast v6", "[ff02::fb]", "ff02::fb", ClassMulticast},
	{"reserved 240/4", "240.0.0.1", "240.0.0.1", ClassReserved},
	{"broadcast", "255.255.255.255", "255.255.255.255", ClassBroadcast},
	{"benchmarking", "198.18.0.1", "198.18.0.1", ClassBenchmarking},
	{"IETF 192.0.0/24", "192.0.0.1", "192.0.0.1", ClassReserved},
	{"IPv4-mapped loopback", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", ClassLoopback},
	{"IPv4-mapped metadata hex", "[::ffff:a9fe:a9fe]", "::ffff:a9fe:a9fe", ClassMetadata},
	{"IPv4-compatible loopback", "[::127.0.0.1]", "::127.0.0.1", ClassLoopback},
	{"NAT64 private", "[64:ff9b::a00:1]", "64:ff9b::a00:1", ClassPrivate},
	{"NAT64 metadata", "[64:ff9b::169.254.169.254]", "64:ff9b::a9fe:a9fe", ClassMetadata},
	{"6to4 private", "[2002:c0a8:101::1]", "2002:c0a8:101::1", ClassPrivate},
	{"6to4 loopback", "[2002:7f00:1::1]", "2002:7f00:1::1", ClassLoopback},
	{"teredo", "[2001::1]", "2001::1", ClassReserved},
}

func wantRefused(t *testing.T, err error, class string) {
	t.Helper()
	var ue *URLError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *URLError", err)
	}
	if ue.Class != class {
		t.Errorf("Class = %q, want %q (reason %q)", ue.Class, class, ue.Reason)
	}
	if class != "" && !strings.Contains(ue.Reason, class) {
		t.Errorf("reason %q does not name the class %q", ue.Reason, class)
	}
}

func TestCheckURLRefusesLiteralAddresses(t *testing.T) {
	// A resolver that must not be asked: literals are never looked up.
	g := &Guard{Resolver: resolverFunc(func(_ context.Context, host string) ([]net.IPAddr, error) {
		t.Errorf("resolver asked about literal %q", host)
		return nil, errors.New("unexpected lookup")
	})}
	for _, tt := range addressClassCases {
		t.Run(tt.name, func(t *testing.T) {
			wantRefused(t, g.CheckURL(t.Context(), "https://"+tt.addr+":8443/hook"), tt.class)
		})
	}
}

func TestCheckURLRefusesResolvedAddresses(t *testing.T) {
	for _, tt := range addressClassCases {
		t.Run(tt.name, func(t *testing.T) {
			g := &Guard{Resolver: staticResolver(t, map[string][]string{"hooks.example.com": {tt.ip}})}
			wantRefused(t, g.CheckURL(t.Context(), "https://hooks.example.com/hook"), tt.class)
		})
	}
}

func TestCheckURLRefusesIfAnyAddressIsPrivate(t *testing.T) {
	g := &Guard{Resolver: staticResolver(t, map[string][]string{
		"mixed.example.com":  {"93.184.216.34", "2606:4700::1", "10.0.0.1"},
		"mixed6.example.com": {"2606:4700::1", "fe80::1"},
	})}
	wantRefused(t, g.CheckURL(t.Context(), "https://mixed.example.com/"), ClassPrivate)
	wantRefused(t, g.CheckURL(t.Context(), "https://mixed6.example.com/"), ClassLinkLocal)
}

func TestCheckURLRefusesOddHosts(t *testing.T) {
	g := &Guard{Resolver: staticResolver(t, nil)} // every lookup fails
	tests := []struct {
		name, url, class string
	}{
		{"localhost", "https://localhost/hook", ClassLoopback},
		{"localhost upper with dot", "https://LOCALHOST./hook", ClassLoopback},
		{"localhost subdomain", "https://api.localhost:8443/hook", ClassLoopback},
		{"short loopback", "https://127.1/hook", ClassLoopback},
		{"decimal loopback", "https://2130706433/hook", ClassLoopback},
		{"hex loopback", "https://0x7f000001/hook", ClassLoopback},
		{"hex parts loopback", "https://0x7f.1/hook", ClassLoopback},
		{"octal loopback", "https://0177.0.0.1/hook", ClassLoopback},
		{"trailing dot loopback", "https://127.0.0.1./hook", ClassLoopback},
		{"zero", "https://0/hook", ClassUnspecified},
		{"decimal metadata", "https://2852039166/latest/meta-data/", ClassMetadata},
		{"hex metadata", "https://0xa9fea9fe/", ClassMetadata},
		{"percent-encoded host", "https://%31%32%37.0.0.1/hook", ""}, // url.Parse refuses it
		{"zoned link-local", "https://[fe80::1%25eth0]/hook", ClassLinkLocal},
		{"malformed numeric", "https://1.2.3.999/hook", ""},
		{"bad octal", "https://08.0.0.1/hook", ""},
		{"numeric tld", "https://example.123/hook", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRefused(t, g.CheckURL(t.Context(), tt.url), tt.class)
		})
	}
}

func TestCheckURLRefusesMalformed(t *testing.T) {
	g := &Guard{Resolver: staticResolver(t, map[string][]string{"hooks.example.com": {"93.184.216.34"}})}
	tests := []struct {
		name, url string
	}{
		{"http", "http://hooks.example.com/hook"},
		{"ftp", "ftp://hooks.example.com/hook"},
		{"file", "file:///etc/passwd"},
		{"gopher", "gopher://hooks.example.com/"},
		{"relative", "/hook"},
		{"no scheme", "hooks.example.com/hook"},
		{"opaque", "https:hooks.example.com"},
		{"userinfo", "https://user:pass@hooks.example.com/hook"},
		{"user only", "https://user@hooks.example.com/hook"},
		{"userinfo hiding host", "https://hooks.example.com@127.0.0.1/hook"},
		{"no host", "https:///hook"},
		{"port zero", "https://hooks.example.com:0/hook"},
		{"port too big", "https://hooks.example.com:65536/hook"},
		{"space", "https://hooks example.com/"},
		{"unicode", "https://hööks.example.com/"},
		{"empty label", "https://hooks..example.com/"},
		{"malformed", "https://[::1/"},
		{"unknown host", "https://nowhere.example.com/"},
		{"too long", "https://hooks.example.com/" + strings.Repeat("a", MaxURLLength)},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRefused(t, g.CheckURL(t.Context(), tt.url), "")
		})
	}
}

func TestCheckURLAcceptsPublic(t *testing.T) {
	g := &Guard{Resolver: staticResolver(t, map[string][]string{
		"hooks.example.com":   {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"v6only.example.com":  {"2a00:1450:4001:80b::200e"},
		"mapped.example.com":  {"::ffff:8.8.8.8"},
		"nat64.example.com":   {"64:ff9b::808:808"},
		"under_score.example": {"1.1.1.1"},
	})}
	for _, u := range []string{
		"https://hooks.example.com/hook",
		"https://HOOKS.Example.COM:8443/hook?x=1#frag",
		"https://hooks.example.com./hook",
		"https://v6only.example.com/",
		"https://mapped.example.com/",
		"https://nat64.example.com/",
		"https://under_score.example/",
		"https://8.8.8.8/hook",
		"https://134744072/hook", // 8.8.8.8 in decimal: odd, but public
		"https://[2606:4700:4700::1111]:443/hook",
		"https://[::ffff:8.8.8.8]/hook",
		"HTTPS://hooks.example.com/",
	} {
		if err := g.CheckURL(t.Context(), u); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", u, err)
		}
	}
}

func TestCheckURLAllowPrivate(t *testing.T) {
	g := &Guard{AllowPrivate: true, Resolver: staticResolver(t, map[string][]string{"dev.internal": {"10.0.0.1"}})}
	for _, u := range []string{
		"http://127.0.0.1:8080/hook",
		"http://localhost:3000/hook",
		"https://[::1]/hook",
		"https://169.254.169.254/",
		"http://dev.internal/hook",
		"http://0x7f.1/",
	} {
		if err := g.CheckURL(t.Context(), u); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", u, err)
		}
	}
	// AllowPrivate relaxes addresses and scheme, not the URL's form.
	for _, u := range []string{"ftp://127.0.0.1/", "http://u:p@127.0.0.1/", "http:///x", "http://1.2.3.999/"} {
		wantRefused(t, g.CheckURL(t.Context(), u), "")
	}
}

func TestCheckURLNilGuardIsStrict(t *testing.T) {
	var g *Guard
	wantRefused(t, g.CheckURL(t.Context(), "https://127.0.0.1/"), ClassLoopback)
	wantRefused(t, g.CheckURL(t.Context(), "https://localhost/"), ClassLoopback)
}

// The guard vets webhook receivers and audio URLs alike, so its refusals name no field
// and no use: each caller names its own field, with Refusal for the bare reason.
func TestRefusalsNameNoField(t *testing.T) {
	t.Parallel()
	g := &Guard{Resolver: staticResolver(t, map[string][]string{"inside.example.com": {"10.0.0.1"}})}
	for _, u := range []string{
		"https://127.0.0.1/a.wav", "http://8.8.8.8/a.wav", "/a.wav", "https:a.wav", "https://u:p@8.8.8.8/",
		"https://localhost/", "https://inside.example.com/", "https://nowhere.example.com/", "https://[::1/",
	} {
		err := g.CheckURL(t.Context(), u)
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Fatalf("CheckURL(%q) = %v, want *URLError", u, err)
		}
		if !strings.HasPrefix(err.Error(), "URL refused: ") || ue.Refusal() != ue.Reason ||
			err.Error() != "URL refused: "+ue.Refusal() {
			t.Errorf("CheckURL(%q): Error %q, Refusal %q", u, err.Error(), ue.Refusal())
		}
		for _, word := range []string{"webhook", "hook", "audio", "_url"} {
			if strings.Contains(strings.ToLower(err.Error()), word) {
				t.Errorf("CheckURL(%q) = %q names %q", u, err.Error(), word)
			}
		}
	}
}
