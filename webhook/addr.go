package webhook

import (
	"net/netip"
	"strconv"
	"strings"
)

// Address classes reported by [ClassOf] and named in [URLError] reasons.
const (
	ClassPublic        = "public"
	ClassInvalid       = "invalid"
	ClassUnspecified   = "unspecified"
	ClassLoopback      = "loopback"
	ClassPrivate       = "private"
	ClassCGNAT         = "cgnat"
	ClassLinkLocal     = "link-local"
	ClassMetadata      = "metadata"
	ClassMulticast     = "multicast"
	ClassBroadcast     = "broadcast"
	ClassDocumentation = "documentation"
	ClassBenchmarking  = "benchmarking"
	ClassReserved      = "reserved"
)

type prefixClass struct {
	prefix netip.Prefix
	class  string
}

func pc(cidr, class string) prefixClass {
	return prefixClass{netip.MustParsePrefix(cidr), class}
}

// v4Special lists the IPv4 ranges that are not public, from the IANA
// special-purpose registry and the OWASP SSRF cheat sheet. First match wins,
// so the single metadata addresses come before the ranges holding them.
var v4Special = []prefixClass{
	pc("169.254.169.254/32", ClassMetadata), // AWS, GCP, Azure, DigitalOcean…
	pc("169.254.170.2/32", ClassMetadata),   // AWS ECS task metadata
	pc("100.100.100.200/32", ClassMetadata), // Alibaba Cloud
	pc("192.0.0.192/32", ClassMetadata),     // Oracle Cloud
	pc("255.255.255.255/32", ClassBroadcast),
	pc("0.0.0.0/8", ClassUnspecified), // "this network"; 0.0.0.0 reaches localhost on Linux
	pc("10.0.0.0/8", ClassPrivate),
	pc("100.64.0.0/10", ClassCGNAT),
	pc("127.0.0.0/8", ClassLoopback),
	pc("169.254.0.0/16", ClassLinkLocal),
	pc("172.16.0.0/12", ClassPrivate),
	pc("192.0.0.0/24", ClassReserved), // IETF protocol assignments
	pc("192.0.2.0/24", ClassDocumentation),
	pc("192.88.99.0/24", ClassReserved), // deprecated 6to4 relay anycast
	pc("192.168.0.0/16", ClassPrivate),
	pc("198.18.0.0/15", ClassBenchmarking),
	pc("198.51.100.0/24", ClassDocumentation),
	pc("203.0.113.0/24", ClassDocumentation),
	pc("224.0.0.0/4", ClassMulticast),
	pc("240.0.0.0/4", ClassReserved),
}

// v6Special lists the IPv6 ranges that are not public. The ranges that embed
// an IPv4 address (mapped, translated, compatible, NAT64, 6to4) are handled in
// ClassOf before this table.
var v6Special = []prefixClass{
	pc("fd00:ec2::254/128", ClassMetadata), // AWS IMDS over IPv6
	pc("64:ff9b:1::/48", ClassPrivate),     // local-use NAT64 (RFC 8215)
	pc("100::/64", ClassReserved),          // discard-only
	pc("2001::/23", ClassReserved),         // IETF protocol assignments, incl. Teredo 2001::/32
	pc("2001:db8::/32", ClassDocumentation),
	pc("3fff::/20", ClassDocumentation),
	pc("5f00::/16", ClassReserved), // SRv6 SIDs
	pc("fc00::/7", ClassPrivate),   // unique local
	pc("fe80::/10", ClassLinkLocal),
	pc("fec0::/10", ClassPrivate), // deprecated site-local
	pc("ff00::/8", ClassMulticast),
}

var (
	v6Unspecified = netip.IPv6Unspecified()
	v6Loopback    = netip.IPv6Loopback()
	// Ranges whose low 32 bits are an IPv4 address.
	v6Translated = netip.MustParsePrefix("::ffff:0:0:0/96") // SIIT (RFC 2765)
	v6NAT64      = netip.MustParsePrefix("64:ff9b::/96")    // RFC 6052
	v6Compatible = netip.MustParsePrefix("::/96")           // deprecated (RFC 4291)
	v6To4        = netip.MustParsePrefix("2002::/16")       // IPv4 in bits 16–48 (RFC 3056)
	v6Global     = netip.MustParsePrefix("2000::/3")
)

// ClassOf reports the class of addr (one of the Class constants) and whether
// it is a public, globally routable unicast address that webhooks may be
// delivered to. An IPv6 address that embeds an IPv4 one (IPv4-mapped,
// IPv4-translated, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) takes
// the class of the embedded address when that one is not public, because the
// network may deliver the packet to it. Zones are ignored.
func ClassOf(addr netip.Addr) (class string, public bool) {
	if !addr.IsValid() {
		return ClassInvalid, false
	}
	addr = addr.WithZone("")
	if addr.Is4In6() {
		return ClassOf(addr.Unmap())
	}
	if addr.Is4() {
		return lookupClass(addr, v4Special)
	}
	switch {
	case addr == v6Unspecified:
		return ClassUnspecified, false
	case addr == v6Loopback:
		return ClassLoopback, false
	case v6Translated.Contains(addr), v6NAT64.Contains(addr):
		return ClassOf(low32(addr))
	case v6Compatible.Contains(addr):
		// Deprecated and never a legitimate destination; name the embedded
		// class when it is more telling.
		if c, ok := ClassOf(low32(addr)); !ok {
			return c, false
		}
		return ClassReserved, false
	case v6To4.Contains(addr):
		b := addr.As16()
		if c, ok := ClassOf(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})); !ok {
			return c, false
		}
		return ClassPublic, true
	}
	if c, ok := lookupClass(addr, v6Special); !ok {
		return c, false
	}
	// Only 2000::/3 is allocated for global unicast; everything else is
	// reserved by IANA.
	if !v6Global.Contains(addr) {
		return ClassReserved, false
	}
	return ClassPublic, true
}

func lookupClass(addr netip.Addr, table []prefixClass) (string, bool) {
	for _, e := range table {
		if e.prefix.Contains(addr) {
			return e.class, false
		}
	}
	return ClassPublic, true
}

func low32(addr netip.Addr) netip.Addr {
	b := addr.As16()
	return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
}

// endsInNumber reports whether host's last label is numeric (decimal digits,
// or "0x" and hex digits), the WHATWG URL rule for "this host is an IPv4
// address". Such hosts must not go to DNS: the C library's resolver applies
// inet_aton and turns "2130706433" or "0x7f.1" into 127.0.0.1.
func endsInNumber(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if h, ok := cutHexPrefix(last); ok {
		return allOf(h, isHex)
	}
	return allOf(last, isDigit)
}

// parseIPv4Loose parses host as inet_aton and WHATWG do: one to four
// dot-separated parts, each decimal, octal (leading 0) or hex (leading 0x),
// the last part filling the remaining bytes; one trailing dot is allowed.
func parseIPv4Loose(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			v = v<<8 | n
			continue
		}
		rest := 8 * uint(5-len(parts)) // bits the last part fills
		if n >= 1<<rest {
			return netip.Addr{}, false
		}
		v = v<<rest | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseIPv4Part(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	if h, ok := cutHexPrefix(p); ok {
		if h == "" {
			return 0, true // WHATWG reads a bare "0x" as zero
		}
		p, base = h, 16
	} else if len(p) > 1 && p[0] == '0' {
		p, base = p[1:], 8
	}
	// ParseUint with an explicit base takes no sign, prefix or underscores.
	n, err := strconv.ParseUint(p, base, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

func cutHexPrefix(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return s[2:], true
	}
	return s, false
}

func allOf(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
