package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/card"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// importPath is the operation that takes Character Cards, with a body limit of its own.
const importPath = "/v1/characters/import"

// The binary card bodies the request validator reads as opaque files (it knows
// application/octet-stream already); a zip is never unpacked there, only by the card
// reader, which bounds what it expands.
func init() {
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/zip", openapi3filter.FileBodyDecoder)
}

// importCharacter answers POST /v1/characters/import. It is served on Echo directly, not
// through the strict server, because the strict server cannot tell its binary bodies
// apart; the middleware before it (key, scope, limits, validation, idempotency) is the
// same as for every operation.
func (h *handlers) importCharacter(c echo.Context) error {
	ctx := c.Request().Context()
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return err
	}
	body, err := cardBody(c)
	if err != nil {
		return err
	}
	f, err := card.Read(body, nil)
	if err != nil {
		return cardError(err)
	}
	imp := cardImport(f)
	in := domain.ImportInput{Card: imp, Role: queryParam(c, "role"), Archetype: queryParam(c, "archetype")}
	if w := c.QueryParam("world_id"); w != "" {
		in.WorldID = &w
	}
	res, err := h.svc.Characters.Import(ctx, tenant, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, h.toCharacterImport(res, imp))
}

// queryParam is the request's query parameter, or nil.
func queryParam(c echo.Context, name string) *string {
	if v := c.QueryParam(name); v != "" {
		return &v
	}
	return nil
}

// cardBody is the card file: the multipart field "card", or the whole body.
func cardBody(c echo.Context) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEMultipartForm {
		return io.ReadAll(c.Request().Body)
	}
	fh, err := c.FormFile("card")
	if err != nil {
		return nil, domain.InvalidCard("the form has no file field \"card\"", "card")
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(file)
}

func (h *handlers) toCharacterImport(r *domain.ImportResult, in domain.CardImport) gen.CharacterImport {
	out := gen.CharacterImport{
		Character: h.toCharacter(r.Character), Format: gen.CharacterImportFormat(in.Format), Spec: in.Spec, SpecVersion: in.SpecVersion,
		LorebookId: optional(r.LorebookID), AvatarFileId: optional(r.AvatarFileID),
		RoleInferred: r.RoleInferred, ArchetypeInferred: r.ArchetypeInferred,
		KeptInMetadata: nonNil(r.KeptInMetadata),
	}
	out.UnsupportedDecorators = mapSlice(r.UnsupportedDecorators, func(d domain.EntryDecorator) gen.UnsupportedDecorator {
		return gen.UnsupportedDecorator{EntryId: d.EntryID, Decorator: d.Decorator}
	})
	return out
}

// ExportCharacter answers GET /v1/characters/{character_id}/export.
func (h *handlers) ExportCharacter(ctx context.Context, req gen.ExportCharacterRequestObject) (gen.ExportCharacterResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	x, err := h.svc.Characters.Export(ctx, tenant, req.CharacterId)
	if err != nil {
		return nil, err
	}
	cd := cardExport(x)
	if req.Params.Format != nil && *req.Params.Format == gen.ExportCharacterParamsFormatCcv3Png {
		var avatar []byte
		if x.AvatarContentType == "image/png" {
			avatar = x.Avatar
		}
		b, err := cd.PNG(avatar)
		if err != nil {
			return nil, cardError(err)
		}
		return gen.ExportCharacter200ImagepngResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	b, err := cd.JSON()
	if err != nil {
		return nil, cardError(err)
	}
	return cardJSON(b), nil
}

// cardJSON is an exported card's JSON, written as the card package wrote it: decoding it
// into the generated type would turn its numbers into float64 and lose digits.
type cardJSON []byte

// VisitExportCharacterResponse implements gen.ExportCharacterResponseObject.
func (b cardJSON) VisitExportCharacterResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// cardError is the answer to a card that cannot be read or written (a PNG past the
// chunk limit): the card package's problem, as INVALID_CARD.
func cardError(err error) error {
	var ce *card.Error
	if errors.As(err, &ce) {
		return domain.InvalidCard(ce.Problem, ce.Field)
	}
	return err
}
