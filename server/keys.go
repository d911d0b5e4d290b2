package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// Keyring is a fixed set of keys, each acting as its tenant in live mode with every scope
// but operator and no rate limit: an Authenticator for tests and embedded uses that have
// no key store.
type Keyring struct {
	entries []keyEntry
}

type keyEntry struct {
	digest [sha256.Size]byte
	tenant string
}

// DemoKeys are the built-in demo keys (demo-key-123, test-key-456), used when no API_KEYS
// are configured and refused in production.
var DemoKeys = map[string]string{
	"demo-key-123": "tenant_demo",
	"test-key-456": "tenant_test",
}

// ParseKeys parses API_KEYS: comma-separated key:tenant pairs.
func ParseKeys(spec string) (map[string]string, error) {
	keys := map[string]string{}
	for _, pair := range strings.Split(spec, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		key, tenant, ok := strings.Cut(pair, ":")
		key, tenant = strings.TrimSpace(key), strings.TrimSpace(tenant)
		if !ok || key == "" || tenant == "" {
			return nil, fmt.Errorf("API_KEYS: entry %d is not key:tenant", len(keys)+1)
		}
		if _, dup := keys[key]; dup {
			return nil, fmt.Errorf("API_KEYS: a key is listed twice")
		}
		keys[key] = tenant
	}
	return keys, nil
}

// NewKeyring returns a Keyring for the key → tenant map.
func NewKeyring(keys map[string]string) *Keyring {
	k := &Keyring{}
	for key, tenant := range keys {
		k.entries = append(k.entries, keyEntry{digest: sha256.Sum256([]byte(key)), tenant: tenant})
	}
	return k
}

// Authenticate implements Authenticator.
func (k *Keyring) Authenticate(_ context.Context, secret string) (domain.Principal, error) {
	tenant, ok := k.Tenant(secret)
	if !ok {
		return domain.Principal{}, domain.Errorf(domain.CodeInvalidAPIKey, msgUnauthorized)
	}
	return domain.Principal{
		TenantID: tenant, KeyID: "key_static", Mode: domain.ModeLive, Tier: "unlimited",
		Scopes: []domain.Scope{domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin},
	}, nil
}

// Tenant returns the tenant of key. It compares the key's digest with every known digest in
// constant time and never stops early, so response timing reveals neither whether a key
// exists nor how much of it matched.
func (k *Keyring) Tenant(key string) (string, bool) {
	d := sha256.Sum256([]byte(key))
	found := ""
	for _, e := range k.entries {
		if subtle.ConstantTimeCompare(d[:], e.digest[:]) == 1 {
			found = e.tenant
		}
	}
	return found, found != ""
}
