package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ListApiKeys answers GET /v1/keys.
func (h *handlers) ListApiKeys(ctx context.Context, req gen.ListApiKeysRequestObject) (gen.ListApiKeysResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	keys, total, err := h.svc.Keys.ListKeys(ctx, caller, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.ApiKey, len(keys))
	for i := range keys {
		items[i] = apiKeyResource(&keys[i])
	}
	return gen.ListApiKeys200JSONResponse{Body: gen.ApiKeyList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// CreateApiKey answers POST /v1/keys.
func (h *handlers) CreateApiKey(ctx context.Context, req gen.CreateApiKeyRequestObject) (gen.CreateApiKeyResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	nk := domain.NewKey{Name: req.Body.Name, ExpiresAt: req.Body.ExpiresAt}
	if req.Body.Mode != nil {
		nk.Mode = domain.Mode(*req.Body.Mode)
	}
	if req.Body.Scopes != nil {
		for _, sc := range *req.Body.Scopes {
			nk.Scopes = append(nk.Scopes, domain.Scope(sc))
		}
	}
	k, secret, err := h.svc.Keys.CreateKey(ctx, caller, nk)
	if err != nil {
		return nil, err
	}
	r := apiKeyResource(k)
	return gen.CreateApiKey201JSONResponse{Body: gen.ApiKeyCreated{
		Id: r.Id, Name: r.Name, Mode: r.Mode, Scopes: r.Scopes, Tier: r.Tier, Display: r.Display, Source: r.Source,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt, Secret: secret,
	}}, nil
}

// RevokeApiKey answers POST /v1/keys/{key_id}/revoke.
func (h *handlers) RevokeApiKey(ctx context.Context, req gen.RevokeApiKeyRequestObject) (gen.RevokeApiKeyResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	k, err := h.svc.Keys.RevokeKey(ctx, caller, req.KeyId)
	if err != nil {
		return nil, err
	}
	return gen.RevokeApiKey200JSONResponse{Body: apiKeyResource(k)}, nil
}

// principalOf returns the authenticated caller, failing like TenantFrom when there is none.
func principalOf(ctx context.Context) (domain.Principal, error) {
	p, ok := domain.PrincipalFrom(ctx)
	if !ok {
		return domain.Principal{}, domain.Errorf(domain.CodeInvalidAPIKey, msgUnauthorized)
	}
	return p, nil
}

func apiKeyResource(k *domain.APIKey) gen.ApiKey {
	scopes := make([]gen.KeyScope, len(k.Scopes))
	for i, sc := range k.Scopes {
		scopes[i] = gen.KeyScope(sc)
	}
	return gen.ApiKey{
		Id: k.ID, Name: k.Name, Mode: gen.KeyMode(k.Mode), Scopes: scopes, Tier: k.Tier, Display: k.Display,
		Source: gen.KeySource(k.Source), CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt,
		RevokedAt: k.RevokedAt,
	}
}
