package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// SecretPrefix marks a symmetric (HMAC) Standard Webhooks secret.
const SecretPrefix = "whsec_"

// secretBytes is how much randomness GenerateSecret draws; the spec asks for
// 24 to 64 bytes.
const secretBytes = 32

// Bounds on the decoded key length that Sign accepts, from the spec.
const (
	minKeyBytes = 24
	maxKeyBytes = 64
)

// ErrInvalidSecret is returned for a secret that is not "whsec_" followed by
// base64 of 24 to 64 bytes.
var ErrInvalidSecret = errors.New("webhook: invalid signing secret")

// GenerateSecret returns a new endpoint secret: "whsec_" followed by the
// standard base64 encoding of 32 random bytes. Secrets must be unique per
// endpoint.
func GenerateSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// decodeSecret returns the HMAC key of a secret. The prefix is optional, as in
// the reference libraries, and unpadded base64 is tolerated because secrets
// are often copied by hand.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.TrimPrefix(secret, SecretPrefix)
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil || len(key) < minKeyBytes || len(key) > maxKeyBytes {
		return nil, ErrInvalidSecret
	}
	return key, nil
}
