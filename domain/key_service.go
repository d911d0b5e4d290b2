package domain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/domain/apikey"
)

// KeyService authenticates API keys and manages tenants and keys.
//
// Lookups are cached per replica for CacheTTL, so a request costs no query on a warm key
// and a revocation reaches every replica within CacheTTL. Last-used times are written at
// most once per TouchEvery per key, in the background, never as a write on every request.
type KeyService struct {
	Store KeyStore
	// KnownTier reports whether a tier name is configured; keys name only known tiers.
	KnownTier func(name string) bool
	// CacheTTL is how long a lookup is reused; it bounds how late a revocation takes effect.
	// Default 5s.
	CacheTTL time.Duration
	// TouchEvery is how often a key's last-used time is written at most. Default 1 minute.
	TouchEvery time.Duration
	Now        func() time.Time

	mu    sync.Mutex
	cache map[string]*keyCacheEntry
	// legacy holds the hashes of the configured keys (API_KEYS, the demo keys) that are not
	// well-formed sk_ keys: any other malformed string is refused without a lookup, so
	// random bearer strings cost no query.
	legacy map[string]bool
}

type keyCacheEntry struct {
	key       *APIKey // nil: no such key
	fetchedAt time.Time
	touchedAt time.Time
}

// maxCachedKeys bounds the cache. Past it, the answers "no such key" go first, then the
// whole cache, which only costs lookups.
const maxCachedKeys = 10000

// maxStale is how old a cached answer may be and still stand in while the store fails: a
// revocation must not be ignored for longer than a database blip.
const maxStale = time.Minute

// msgInvalidKey is the one message every rejected key gets, so a caller cannot tell an
// unknown key from a revoked or malformed one.
const msgInvalidKey = `Missing or invalid API key. Send "Authorization: Bearer <key>".`

func (s *KeyService) now() time.Time { return nowFrom(s.Now) }

func (s *KeyService) ttl() time.Duration {
	if s.CacheTTL > 0 {
		return s.CacheTTL
	}
	return 5 * time.Second
}

// Authenticate returns who a request with the secret acts as. Errors: CodeInvalidAPIKey
// for a malformed (bad prefix, length or checksum, and not a configured key: no lookup is
// made), unknown, revoked or expired key, all with one message; CodeInternal when the store fails and no earlier
// lookup of the key can stand in.
func (s *KeyService) Authenticate(ctx context.Context, secret string) (Principal, error) {
	invalid := Errorf(CodeInvalidAPIKey, msgInvalidKey)
	if secret == "" || len(secret) > 256 {
		return Principal{}, invalid
	}
	hash := apikey.Hash(secret)
	if _, ok := apikey.Parse(secret); !ok {
		s.mu.Lock()
		known := s.legacy[hash]
		s.mu.Unlock()
		if !known {
			return Principal{}, invalid
		}
	}
	now := s.now()
	key, err := s.lookup(ctx, hash, now)
	if err != nil {
		return Principal{}, err
	}
	if key == nil || !key.Usable(now) {
		return Principal{}, invalid
	}
	s.touch(ctx, hash, key, now)
	return key.Principal(), nil
}

// lookup returns the key with the hash (nil when there is none), from the cache while
// fresh. When the store fails, a stale cached answer is used rather than refusing every
// request during a database blip.
func (s *KeyService) lookup(ctx context.Context, hash string, now time.Time) (*APIKey, error) {
	s.mu.Lock()
	var cached keyCacheEntry
	e, ok := s.cache[hash]
	if ok {
		cached = *e
	}
	s.mu.Unlock()
	if ok && now.Sub(cached.fetchedAt) < s.ttl() {
		return cached.key, nil
	}
	key, err := s.Store.APIKeyByHash(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		key = nil
	case err != nil:
		if ok && now.Sub(cached.fetchedAt) < maxStale {
			return cached.key, nil
		}
		return nil, fmt.Errorf("look up API key: %w", err)
	}
	s.mu.Lock()
	fresh := &keyCacheEntry{key: key, fetchedAt: now}
	if e, ok := s.cache[hash]; ok {
		fresh.touchedAt = e.touchedAt
	}
	if s.cache == nil {
		s.cache = map[string]*keyCacheEntry{}
	}
	if len(s.cache) >= maxCachedKeys {
		for h, e := range s.cache {
			if e.key == nil {
				delete(s.cache, h)
			}
		}
		if len(s.cache) >= maxCachedKeys {
			s.cache = map[string]*keyCacheEntry{}
		}
	}
	s.cache[hash] = fresh
	s.mu.Unlock()
	return key, nil
}

// touch records the key's use in the background when its last write is TouchEvery old.
func (s *KeyService) touch(ctx context.Context, hash string, key *APIKey, now time.Time) {
	every := s.TouchEvery
	if every <= 0 {
		every = time.Minute
	}
	s.mu.Lock()
	e := s.cache[hash]
	due := e != nil && now.Sub(e.touchedAt) >= every &&
		(key.LastUsedAt == nil || now.Sub(*key.LastUsedAt) >= every)
	if due {
		e.touchedAt = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	go func() {
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = s.Store.TouchAPIKey(tctx, key.ID, now)
	}()
}

// forget drops a key from this replica's cache, so a revocation made here applies here at
// once.
func (s *KeyService) forget(hash string) {
	s.mu.Lock()
	delete(s.cache, hash)
	s.mu.Unlock()
}

// NewKey is what a caller asks for when it creates a key.
type NewKey struct {
	Name string
	// Scopes default to the caller's own (operator excepted).
	Scopes []Scope
	// Mode defaults to the caller's.
	Mode      Mode
	ExpiresAt *time.Time
}

// CreateKey makes a key for the caller's tenant, returning it and its secret (shown this
// once). The new key gets the caller's tier and at most the caller's scopes; a test key
// makes only test keys; none outlives the caller's own expiry. Errors:
// CodeInsufficientScope for a scope the caller lacks or a live key asked of a test key;
// CodeValidation for operator (granted by the CLI alone), an unknown scope or a past
// expiry.
func (s *KeyService) CreateKey(ctx context.Context, caller Principal, req NewKey) (*APIKey, string, error) {
	mode := req.Mode
	if mode == "" {
		mode = caller.Mode
	}
	if caller.Mode == ModeTest && mode != ModeTest {
		return nil, "", Errorf(CodeInsufficientScope, "A test-mode key can create only test-mode keys.").
			WithDetails(map[string]any{"required": "live mode"})
	}
	scopes := req.Scopes
	if len(scopes) == 0 {
		scopes = slices.DeleteFunc(slices.Clone(caller.Scopes), func(sc Scope) bool { return sc == ScopeOperator })
	}
	for _, sc := range scopes {
		if sc == ScopeOperator {
			return nil, "", ValidationError(FieldError{Field: "scopes", Message: "operator is granted only by the troupe CLI"})
		}
		if !slices.Contains(Scopes, sc) {
			return nil, "", ValidationError(FieldError{Field: "scopes", Message: fmt.Sprintf("unknown scope %q", sc)})
		}
		if !caller.Has(sc) {
			return nil, "", Errorf(CodeInsufficientScope, "This key cannot grant the %q scope: it does not hold it.", sc).
				WithDetails(map[string]any{"required": string(sc)})
		}
	}
	// A key never outlives the key that made it: an expiring key cannot mint a lasting one.
	expires := req.ExpiresAt
	if caller.ExpiresAt != nil && (expires == nil || expires.After(*caller.ExpiresAt)) {
		expires = caller.ExpiresAt
	}
	return s.issue(ctx, IssueKey{
		TenantID: caller.TenantID, Mode: mode, Name: req.Name, Scopes: scopes, Tier: caller.Tier,
		ExpiresAt: expires, Source: KeySourceAPI,
	})
}

// IssueKey is what the operator (the CLI) asks for: any tenant, tier and scopes.
type IssueKey struct {
	TenantID string
	// TenantName names the tenant when IssueKey creates it; default its id.
	TenantName string
	Mode       Mode
	Name       string
	Scopes     []Scope
	Tier       string
	ExpiresAt  *time.Time
	Source     KeySource
}

// Issue makes a key for any tenant, creating the tenant if it does not exist, and returns
// it with its secret. Errors: CodeValidation for a bad tenant id, mode, scope, unknown tier
// or a past expiry.
func (s *KeyService) Issue(ctx context.Context, req IssueKey) (*APIKey, string, error) {
	if req.Source == "" {
		req.Source = KeySourceCLI
	}
	return s.issue(ctx, req)
}

func (s *KeyService) issue(ctx context.Context, req IssueKey) (*APIKey, string, error) {
	now := s.now()
	var fields []FieldError
	if !ValidTenantID(req.TenantID) {
		fields = append(fields, FieldError{Field: "tenant", Message: "must be 1-64 characters of [A-Za-z0-9_.-], starting with a letter or digit"})
	}
	if req.Mode != ModeLive && req.Mode != ModeTest {
		fields = append(fields, FieldError{Field: "mode", Message: `must be "live" or "test"`})
	}
	if name := strings.TrimSpace(req.Name); name == "" || len(name) > 100 {
		fields = append(fields, FieldError{Field: "name", Message: "must be 1-100 characters"})
	}
	if len(req.Scopes) == 0 {
		fields = append(fields, FieldError{Field: "scopes", Message: "must name at least one scope"})
	}
	for _, sc := range req.Scopes {
		if !slices.Contains(Scopes, sc) {
			fields = append(fields, FieldError{Field: "scopes", Message: fmt.Sprintf("unknown scope %q", sc)})
		}
	}
	if s.KnownTier != nil && !s.KnownTier(req.Tier) {
		fields = append(fields, FieldError{Field: "tier", Message: fmt.Sprintf("unknown tier %q", req.Tier)})
	}
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		fields = append(fields, FieldError{Field: "expires_at", Message: "must be in the future"})
	}
	if len(fields) > 0 {
		return nil, "", ValidationError(fields...)
	}
	name := req.TenantName
	if name == "" {
		name = req.TenantID
	}
	if _, err := s.Store.EnsureTenant(ctx, &Tenant{ID: req.TenantID, Name: name, CreatedAt: now}); err != nil {
		return nil, "", err
	}
	secret := apikey.New(req.Mode == ModeTest)
	scopes := slices.Clone(req.Scopes)
	slices.Sort(scopes)
	k := &APIKey{
		ID: NewID(PrefixKey, now), TenantID: req.TenantID, Mode: req.Mode, Name: strings.TrimSpace(req.Name),
		Scopes: slices.Compact(scopes), Tier: req.Tier, Display: apikey.Display(secret), Hash: apikey.Hash(secret),
		Source: req.Source, CreatedAt: now.UTC().Truncate(time.Microsecond), ExpiresAt: req.ExpiresAt,
	}
	if err := s.Store.CreateAPIKey(ctx, k); err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// ListKeys returns a page of the caller's tenant's keys: both modes for a live key, test
// keys only for a test key.
func (s *KeyService) ListKeys(ctx context.Context, caller Principal, page Page) ([]APIKey, int, error) {
	if caller.Mode == ModeTest {
		// A tenant has few keys: filter in memory rather than add a store query per mode.
		all, _, err := s.Store.ListAPIKeys(ctx, caller.TenantID, Page{Limit: maxKeysListed})
		if err != nil {
			return nil, 0, err
		}
		all = slices.DeleteFunc(all, func(k APIKey) bool { return k.Mode != ModeTest })
		lo, hi := min(page.Offset, len(all)), min(page.Offset+page.Limit, len(all))
		return all[lo:hi], len(all), nil
	}
	return s.Store.ListAPIKeys(ctx, caller.TenantID, page)
}

// maxKeysListed is how many keys a test-mode listing looks through.
const maxKeysListed = 10000

// RevokeKey revokes a key of the caller's tenant (a test key may revoke only test keys)
// and returns it. Errors: CodeKeyNotFound when the tenant has no such key; CodeValidation
// for a key from API_KEYS, which only the configuration revokes.
func (s *KeyService) RevokeKey(ctx context.Context, caller Principal, id string) (*APIKey, error) {
	k, err := s.Store.GetAPIKey(ctx, caller.TenantID, id)
	if err == nil && caller.Mode == ModeTest && k.Mode != ModeTest {
		err = ErrNotFound
	}
	if err != nil {
		return nil, keyNotFound(err, id)
	}
	return s.revoke(ctx, caller.TenantID, k)
}

// Revoke revokes any tenant's key, named by its id or by its secret (the operator's
// path: a leaked key pasted from a log). Errors: CodeKeyNotFound; CodeValidation for a
// key from API_KEYS, which only the configuration revokes.
func (s *KeyService) Revoke(ctx context.Context, idOrSecret string) (*APIKey, error) {
	var k *APIKey
	var err error
	if strings.HasPrefix(idOrSecret, PrefixKey) {
		k, err = s.Store.GetAPIKey(ctx, "", idOrSecret)
	} else {
		k, err = s.Store.APIKeyByHash(ctx, apikey.Hash(idOrSecret))
	}
	if err != nil {
		return nil, keyNotFound(err, apikey.Display(idOrSecret))
	}
	return s.revoke(ctx, "", k)
}

func (s *KeyService) revoke(ctx context.Context, tenantID string, k *APIKey) (*APIKey, error) {
	if k.Source == KeySourceConfig {
		// The next start-up would seed it again: the configuration is where it lives.
		return nil, ValidationError(FieldError{Field: "key_id", Message: "a key from API_KEYS (or a demo key) is revoked by removing it from API_KEYS and restarting"})
	}
	out, err := s.Store.RevokeAPIKey(ctx, tenantID, k.ID, s.now())
	if err != nil {
		return nil, keyNotFound(err, k.ID)
	}
	s.forget(k.Hash)
	return out, nil
}

// ListAllKeys returns a page of any tenant's keys (every tenant's when tenantID is empty):
// the operator's view.
func (s *KeyService) ListAllKeys(ctx context.Context, tenantID string, page Page) ([]APIKey, int, error) {
	return s.Store.ListAPIKeys(ctx, tenantID, page)
}

// CreateTenant creates a tenant. Errors: CodeValidation for a bad id; creating one that
// exists is not an error (created is false).
func (s *KeyService) CreateTenant(ctx context.Context, id, name string) (created bool, err error) {
	if !ValidTenantID(id) {
		return false, ValidationError(FieldError{Field: "tenant", Message: "must be 1-64 characters of [A-Za-z0-9_.-], starting with a letter or digit"})
	}
	if name == "" {
		name = id
	}
	return s.Store.EnsureTenant(ctx, &Tenant{ID: id, Name: name, CreatedAt: s.now()})
}

// ListTenants returns every tenant, oldest first.
func (s *KeyService) ListTenants(ctx context.Context) ([]Tenant, error) {
	return s.Store.ListTenants(ctx)
}

// ConfigKey is one key of the server's configuration (API_KEYS, or the demo keys).
type ConfigKey struct {
	Secret, TenantID string
}

// SeedConfigKeys makes the configured keys the config-sourced keys of the store: each
// works in its secret's mode (live unless it is an sk_test_ key) with every scope but
// operator and the given tier; config keys no longer configured are revoked. Errors:
// CodeValidation for a tenant id that cannot be one.
func (s *KeyService) SeedConfigKeys(ctx context.Context, keys []ConfigKey, tier string) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	out := make([]APIKey, 0, len(keys))
	legacy := map[string]bool{}
	for _, ck := range keys {
		if _, ok := apikey.Parse(ck.Secret); !ok {
			legacy[apikey.Hash(ck.Secret)] = true
		}
		if !ValidTenantID(ck.TenantID) {
			return ValidationError(FieldError{Field: "API_KEYS", Message: fmt.Sprintf("tenant %q must be 1-64 characters of [A-Za-z0-9_.-]", ck.TenantID)})
		}
		mode := ModeLive
		if test, ok := apikey.Parse(ck.Secret); ok && test {
			mode = ModeTest
		}
		out = append(out, APIKey{
			ID: NewID(PrefixKey, now), TenantID: ck.TenantID, Mode: mode, Name: "API_KEYS entry",
			Scopes: []Scope{ScopeAdmin, ScopeRead, ScopeWrite}, Tier: tier,
			Display: apikey.Display(ck.Secret), Hash: apikey.Hash(ck.Secret), Source: KeySourceConfig, CreatedAt: now,
		})
	}
	s.mu.Lock()
	s.cache, s.legacy = nil, legacy
	s.mu.Unlock()
	return s.Store.SyncConfigKeys(ctx, out, now)
}

func keyNotFound(err error, id string) error {
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeKeyNotFound, "No API key with id %q.", id).WithDetails(map[string]any{"id": id})
	}
	return err
}
