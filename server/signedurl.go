package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// URLSigner makes file URLs that work without an API key until they expire, so a game
// client can download what its backend requested.
type URLSigner struct {
	// Key signs the URLs; every replica must share it.
	Key []byte
	// BaseURL is the server's public address, such as "https://api.example.com".
	BaseURL string
	// TTL is how long a URL works.
	TTL time.Duration
	// Now returns the current time; tests may fix it.
	Now func() time.Time
}

func (s *URLSigner) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *URLSigner) mac(fileID string, expires int64) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(fileID + "." + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// URL returns the absolute, signed URL of a file.
func (s *URLSigner) URL(fileID string) string {
	url, _ := s.Sign(fileID)
	return url
}

// Sign returns the absolute, signed URL of a file and the moment it stops working, which
// clients are told so they refresh the URL instead of parsing it.
func (s *URLSigner) Sign(fileID string) (url string, expiresAt time.Time) {
	expires := s.now().Add(s.TTL).Unix()
	url = strings.TrimSuffix(s.BaseURL, "/") + "/v1/files/" + fileID +
		"?expires=" + strconv.FormatInt(expires, 10) + "&signature=" + s.mac(fileID, expires)
	return url, time.Unix(expires, 0).UTC()
}

// Valid reports whether a signature is the file's and has not expired. The comparison is
// constant-time.
func (s *URLSigner) Valid(fileID string, expires int64, signature string) bool {
	if expires < s.now().Unix() {
		return false
	}
	return hmac.Equal([]byte(signature), []byte(s.mac(fileID, expires)))
}
