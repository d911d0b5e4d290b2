package webhook

import (
	"net/netip"
	"testing"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		addr   string
		class  string
		public bool
	}{
		{"0.0.0.0", ClassUnspecified, false},
		{"0.1.2.3", ClassUnspecified, false},
		{"10.0.0.1", ClassPrivate, false},
		{"10.255.255.255", ClassPrivate, false},
		{"100.64.0.1", ClassCGNAT, false},
		{"100.127.255.254", ClassCGNAT, false},
		{"100.100.100.200", ClassMetadata, false},
		{"127.0.0.1", ClassLoopback, false},
		{"127.255.0.9", ClassLoopback, false},
		{"169.254.0.1", ClassLinkLocal, false},
		{"169.254.169.254", ClassMetadata, false},
		{"169.254.170.2", ClassMetadata, false},
		{"172.16.0.1", ClassPrivate, false},
		{"172.31.255.255", ClassPrivate, false},
		{"192.0.0.8", ClassReserved, false},
		{"192.0.0.192", ClassMetadata, false},
		{"192.0.2.1", ClassDocumentation, false},
		{"192.88.99.1", ClassReserved, false},
		{"192.168.1.1", ClassPrivate, false},
		{"198.18.0.1", ClassBenchmarking, false},
		{"198.19.255.255", ClassBenchmarking, false},
		{"198.51.100.7", ClassDocumentation, false},
		{"203.0.113.7", ClassDocumentation, false},
		{"224.0.0.1", ClassMulticast, false},
		{"239.255.255.250", ClassMulticast, false},
		{"240.0.0.1", ClassReserved, false},
		{"255.255.255.255", ClassBroadcast, false},
		{"::", ClassUnspecified, false},
		{"::1", ClassLoopback, false},
		{"::ffff:127.0.0.1", ClassLoopback, false},
		{"::ffff:10.1.2.3", ClassPrivate, false},
		{"::ffff:169.254.169.254", ClassMetadata, false},
		{"::ffff:0:127.0.0.1", ClassLoopback, false}, // IPv4-translated
		{"::127.0.0.1", ClassLoopback, false},        // IPv4-compatible
		{"::8.8.8.8", ClassReserved, false},          // IPv4-compatible, deprecated
		{"64:ff9b::7f00:1", ClassLoopback, false},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", ClassMetadata, false}, // NAT64 of 169.254.169.254
		{"64:ff9b:1::1", ClassPrivate, false},
		{"2002:c0a8:101::1", ClassPrivate, false}, // 6to4 of 192.168.1.1
		{"2002:7f00:1::", ClassLoopback, false},   // 6to4 of 127.0.0.1
		{"2001::1", ClassReserved, false},         // Teredo
		{"2001:db8::1", ClassDocumentation, false},
		{"100::1", ClassReserved, false},
		{"fc00::1", ClassPrivate, false},
		{"fd12:3456::1", ClassPrivate, false},
		{"fd00:ec2::254", ClassMetadata, false},
		{"fe80::1", ClassLinkLocal, false},
		{"fe80::1%eth0", ClassLinkLocal, false},
		{"fec0::1", ClassPrivate, false},
		{"ff02::1", ClassMulticast, false},
		{"4000::1", ClassReserved, false}, // outside 2000::/3
		{"8.8.8.8", ClassPublic, true},
		{"1.1.1.1", ClassPublic, true},
		{"93.184.216.34", ClassPublic, true},
		{"172.32.0.1", ClassPublic, true},
		{"100.128.0.1", ClassPublic, true},
		{"::ffff:8.8.8.8", ClassPublic, true},
		{"64:ff9b::808:808", ClassPublic, true},
		{"2002:808:808::1", ClassPublic, true},
		{"2606:4700:4700::1111", ClassPublic, true},
		{"2a00:1450:4001:80b::200e", ClassPublic, true},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		class, public := ClassOf(a)
		if class != tt.class || public != tt.public {
			t.Errorf("ClassOf(%s) = %q, %v; want %q, %v", tt.addr, class, public, tt.class, tt.public)
		}
	}
	if c, ok := ClassOf(netip.Addr{}); c != ClassInvalid || ok {
		t.Errorf("ClassOf(zero) = %q, %v", c, ok)
	}
}

func TestParseIPv4Loose(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F.1", "127.0.0.1"},
		{"0x7f.0x0.0x0.0x1", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"},
		{"10.0x10.8", "10.16.0.8"},
		{"169.254.43518", "169.254.169.254"},
		{"0xa9fea9fe", "169.254.169.254"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.256", ""},
		{"1.2.65536", ""},
		{"1.2.3.4.5", ""},
		{"08.0.0.1", ""},
		{"0x1g", ""},
		{"1..2", ""},
		{"", ""},
		{"99999999999999999999999", ""},
	}
	for _, tt := range tests {
		got, ok := parseIPv4Loose(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("parseIPv4Loose(%q) = %s, want failure", tt.in, got)
		case tt.want != "" && (!ok || got != netip.MustParseAddr(tt.want)):
			t.Errorf("parseIPv4Loose(%q) = %s, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}

func TestEndsInNumber(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"2130706433", true},
		{"0x7f.1", true},
		{"example.com", false},
		{"1.2.3.example", false},
		{"example.123", true},
		{"example.0x1f", true},
		{"example.0xg", false},
		{"1e100.net", false},
		{"a.b.", false},
		{"1.2.3.4.", true},
	}
	for _, tt := range tests {
		if got := endsInNumber(tt.host); got != tt.want {
			t.Errorf("endsInNumber(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
