// Package apikey makes and checks Troupe's API key strings: "sk_live_" or "sk_test_",
// 40 random base62 characters, then a 6-character base62 CRC32 of everything before it.
//
// The prefix says what the string is (secret scanners and people both recognise it) and
// which mode it works in; the checksum catches a typo or a truncated paste before any
// database lookup, and lets a scanner tell a real key from random text offline. Keys are
// high-entropy (238 random bits), so a fast SHA-256 is the right stored form: there is no
// dictionary to slow an attacker down against.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"strings"
)

// The key prefixes, one per mode.
const (
	LivePrefix = "sk_live_"
	TestPrefix = "sk_test_"
)

const (
	base62      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	randomLen   = 40
	checksumLen = 6
	// Len is the length of every key this package makes.
	Len = len(LivePrefix) + randomLen + checksumLen
)

// New returns a fresh key with the prefix of the mode: test when test is true, else live.
func New(test bool) string {
	prefix := LivePrefix
	if test {
		prefix = TestPrefix
	}
	var b strings.Builder
	b.Grow(Len)
	b.WriteString(prefix)
	// Rejection sampling keeps every character uniform: 248 is the largest multiple of 62
	// a byte holds.
	buf := make([]byte, 64)
	for n := 0; n < randomLen; {
		_, _ = rand.Read(buf)
		for _, c := range buf {
			if c < 248 && n < randomLen {
				b.WriteByte(base62[c%62])
				n++
			}
		}
	}
	body := b.String()
	return body + checksum(body)
}

// Parse checks a string that claims to be a key: known prefix, length, alphabet and
// checksum. It reports whether the key is well-formed and, if so, whether it is a test
// key. A well-formed key may still be unknown or revoked; only the store knows.
func Parse(key string) (test, ok bool) {
	switch {
	case strings.HasPrefix(key, LivePrefix):
	case strings.HasPrefix(key, TestPrefix):
		test = true
	default:
		return false, false
	}
	if len(key) != Len {
		return false, false
	}
	for i := len(LivePrefix); i < len(key); i++ {
		if strings.IndexByte(base62, key[i]) < 0 {
			return false, false
		}
	}
	body, sum := key[:Len-checksumLen], key[Len-checksumLen:]
	if checksum(body) != sum {
		return false, false
	}
	return test, true
}

// Hash is the stored form of a key: hex SHA-256.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Display is what lists show of a key: its prefix and first four random characters, and
// its last four, enough to tell keys apart and far too little to use one.
func Display(key string) string {
	if len(key) < 16 {
		return strings.Repeat("•", 4)
	}
	head := len(key) - 4
	if i := strings.LastIndexByte(key[:min(len(key), 16)], '_'); i >= 0 && i+5 < head {
		return key[:i+5] + "…" + key[head:]
	}
	return key[:4] + "…" + key[head:]
}

// checksum is the CRC32 (IEEE) of s as exactly six base62 digits (62^6 > 2^32).
func checksum(s string) string {
	v := crc32.ChecksumIEEE([]byte(s))
	out := make([]byte, checksumLen)
	for i := checksumLen - 1; i >= 0; i-- {
		out[i] = base62[v%62]
		v /= 62
	}
	return string(out)
}
