package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// ExportPlayerData answers GET /v1/players/{player_id}/export. The export is streamed:
// the answer it returns calls the service when the strict handler writes it, and writes
// each entry as the store reads it.
func (h *handlers) ExportPlayerData(ctx context.Context, req gen.ExportPlayerDataRequestObject) (gen.ExportPlayerDataResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	return playerExportResponse{ctx: ctx, svc: h.svc.Players, log: h.cfg.Logger, caller: caller, playerID: req.PlayerId}, nil
}

// DeletePlayerData answers DELETE /v1/players/{player_id}.
func (h *handlers) DeletePlayerData(ctx context.Context, req gen.DeletePlayerDataRequestObject) (gen.DeletePlayerDataResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	n, err := h.svc.Players.Erase(ctx, caller, req.PlayerId)
	if err != nil {
		return nil, err
	}
	return gen.DeletePlayerData200JSONResponse{Body: gen.PlayerDeletion{
		Object: gen.PlayerDeletionObjectPlayerDeletion, PlayerId: req.PlayerId, Deleted: true,
		MemoriesDeleted: n.MemoriesDeleted, ConversationsUpdated: n.ConversationsUpdated, TurnsRedacted: n.TurnsRedacted,
		RelationshipsDeleted: n.RelationshipsDeleted,
	}}, nil
}

// GetDataRetention answers GET /v1/data_retention.
func (h *handlers) GetDataRetention(ctx context.Context, _ gen.GetDataRetentionRequestObject) (gen.GetDataRetentionResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	days, err := h.svc.Players.Retention(ctx, caller)
	if err != nil {
		return nil, err
	}
	return gen.GetDataRetention200JSONResponse{Body: dataRetentionResource(days)}, nil
}

// SetDataRetention answers PUT /v1/data_retention.
func (h *handlers) SetDataRetention(ctx context.Context, req gen.SetDataRetentionRequestObject) (gen.SetDataRetentionResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	days, err := h.svc.Players.SetRetention(ctx, caller, req.Body.PlayerMemoryDays)
	if err != nil {
		return nil, err
	}
	return gen.SetDataRetention200JSONResponse{Body: dataRetentionResource(days)}, nil
}

// dataRetentionResource is the retention as the API shows it: 0 days is null, kept until
// erased.
func dataRetentionResource(days int) gen.DataRetention {
	r := gen.DataRetention{Object: gen.DataRetentionObjectDataRetention}
	if days > 0 {
		r.PlayerMemoryDays = &days
	}
	return r
}

// playerExportResponse writes a player's export as the service reads it.
type playerExportResponse struct {
	ctx      context.Context
	svc      *domain.PlayerService
	log      *slog.Logger
	caller   domain.Principal
	playerID string
}

// VisitExportPlayerDataResponse runs the export into the response. Nothing reaches the
// client before the first 32 KiB are ready or the export ends, so an export refused or
// failing early still answers with the error handler's status and body; a failure after
// that cuts the connection with the JSON unfinished (the status line is gone).
func (r playerExportResponse) VisitExportPlayerDataResponse(w http.ResponseWriter) error {
	ok := &okOnFirstWrite{w: w}
	sink := &playerExportWriter{out: bufio.NewWriterSize(ok, 32<<10)}
	err := r.svc.Export(r.ctx, r.caller, r.playerID, sink)
	if err == nil {
		err = sink.finish()
	}
	if err != nil && ok.started && !errors.Is(err, context.Canceled) {
		// The error handler writes nothing once the status is sent, so it is logged here.
		r.log.LogAttrs(r.ctx, slog.LevelError, "player export cut short", slog.Any("error", err))
	}
	return err
}

// okOnFirstWrite sends the 200 and its content type with the first bytes written.
type okOnFirstWrite struct {
	w       http.ResponseWriter
	started bool
}

func (o *okOnFirstWrite) Write(p []byte) (int, error) {
	if !o.started {
		o.started = true
		o.w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		o.w.WriteHeader(http.StatusOK)
	}
	return o.w.Write(p)
}

// playerExportWriter writes a gen.PlayerExport object piece by piece: the fixed fields at
// Begin, then the memories, conversations and relationships arrays. Each item is encoded
// from its generated type, so the stream is what the schema describes.
type playerExportWriter struct {
	out *bufio.Writer
	// array is the index in exportArrays of the array open now; items counts its items,
	// for the commas.
	array int
	items int
}

// exportArrays are the export's arrays, in the order the store hands them over.
var exportArrays = []string{"memories", "conversations", "relationships"}

func (p *playerExportWriter) Begin(playerID string, exportedAt time.Time) error {
	id, err := json.Marshal(playerID)
	if err != nil {
		return err
	}
	at, err := json.Marshal(exportedAt)
	if err != nil {
		return err
	}
	_, err = p.out.WriteString(`{"object":"` + string(gen.PlayerExportObjectPlayerExport) + `","player_id":` + string(id) +
		`,"exported_at":` + string(at) + `,"` + exportArrays[0] + `":[`)
	return err
}

func (p *playerExportWriter) Memory(e domain.MemoryEntry) error {
	m := toMemoryEntry(e)
	return p.item(gen.PlayerMemoryEntry{
		CharacterId: e.CharacterID, Id: m.Id, Kind: gen.PlayerMemoryEntryKind(m.Kind), Text: m.Text, Speaker: m.Speaker,
		Importance: m.Importance, CreatedAt: m.CreatedAt, Pinned: m.Pinned, PlayerId: m.PlayerId, Source: m.Source,
	})
}

func (p *playerExportWriter) Conversation(c domain.PlayerConversation) error {
	if err := p.open(1); err != nil {
		return err
	}
	messages := make([]gen.PlayerMessage, len(c.Messages))
	for i, m := range c.Messages {
		messages[i] = gen.PlayerMessage{TurnId: m.TurnID, TurnIndex: m.TurnIndex, Speaker: m.Speaker, Text: m.Text, CreatedAt: m.CreatedAt}
	}
	return p.item(gen.PlayerConversation{ConversationId: c.ConversationID, Name: optional(c.Name), Messages: messages})
}

func (p *playerExportWriter) Relationship(r domain.Relationship) error {
	if err := p.open(2); err != nil {
		return err
	}
	return p.item(gen.PlayerRelationship{CharacterId: r.CharacterID, Relationship: toRelationship(r)})
}

// item writes one element of the open array.
func (p *playerExportWriter) item(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if p.items > 0 {
		if err := p.out.WriteByte(','); err != nil {
			return err
		}
	}
	p.items++
	_, err = p.out.Write(body)
	return err
}

// open closes the arrays before exportArrays[i] and opens it, unless it is open already.
func (p *playerExportWriter) open(i int) error {
	for p.array < i {
		p.array++
		p.items = 0
		if _, err := p.out.WriteString(`],"` + exportArrays[p.array] + `":[`); err != nil {
			return err
		}
	}
	return nil
}

// finish closes the object and sends what is left.
func (p *playerExportWriter) finish() error {
	if err := p.open(len(exportArrays) - 1); err != nil {
		return err
	}
	if _, err := p.out.WriteString("]}\n"); err != nil {
		return err
	}
	return p.out.Flush()
}
