package domain

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
)

// Resource id prefixes.
const (
	PrefixWorld     = "wld_"
	PrefixCharacter = "chr_"
	PrefixMemory    = "mem_"
	PrefixJob       = "job_"
	PrefixFile      = "file_"
	PrefixRequest   = "req_"
	PrefixEvent     = "evt_"
	PrefixEndpoint  = "we_"
	PrefixDelivery  = "dlv_"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so ids read aloud unambiguously.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// NewID returns prefix followed by a 26-character ULID: 48 bits of milliseconds then 80
// random bits, so ids sort by creation time and never collide in practice.
func NewID(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	var sb strings.Builder
	sb.Grow(len(prefix) + 26)
	sb.WriteString(prefix)
	// 128 bits as 26 base32 digits: the first digit carries the top 3 bits.
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	for i := 25; i >= 0; i-- {
		shift := uint(i * 5)
		var v uint64
		switch {
		case shift >= 64:
			v = hi >> (shift - 64)
		case shift > 59:
			v = lo>>shift | hi<<(64-shift)
		default:
			v = lo >> shift
		}
		sb.WriteByte(crockford[v&31])
	}
	return sb.String()
}
