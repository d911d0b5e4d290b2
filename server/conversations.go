package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateConversation answers POST /v1/conversations.
func (h *handlers) CreateConversation(ctx context.Context, req gen.CreateConversationRequestObject) (gen.CreateConversationResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := domain.CreateConversationInput{
		Participants: b.Participants, WorldID: b.WorldId, Scene: deref(b.Scene), Topic: deref(b.Topic),
		MaxTurns: deref(b.MaxTurns), MaxConsecutive: deref(b.MaxConsecutiveTurns), Seed: b.Seed,
	}
	for _, p := range deref(b.Players) {
		in.Players = append(in.Players, domain.Player{ID: p.PlayerId, Name: p.Name})
	}
	c, err := h.svc.Conversations.Create(ctx, tenant, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateConversation201JSONResponse{Body: toConversation(c)}, nil
}

// ListConversations answers GET /v1/conversations.
func (h *handlers) ListConversations(ctx context.Context, req gen.ListConversationsRequestObject) (gen.ListConversationsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	cs, total, err := h.svc.Conversations.List(ctx, tenant, page)
	if err != nil {
		return nil, err
	}
	items := make([]gen.Conversation, len(cs))
	for i := range cs {
		items[i] = toConversation(&cs[i])
	}
	return gen.ListConversations200JSONResponse{Body: gen.ConversationList{Items: items, Total: total, Limit: page.Limit, Offset: page.Offset}}, nil
}

// GetConversation answers GET /v1/conversations/{conversation_id}.
func (h *handlers) GetConversation(ctx context.Context, req gen.GetConversationRequestObject) (gen.GetConversationResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	c, err := h.svc.Conversations.Get(ctx, tenant, req.ConversationId)
	if err != nil {
		return nil, err
	}
	return gen.GetConversation200JSONResponse{Body: toConversation(c)}, nil
}

// DeleteConversation answers DELETE /v1/conversations/{conversation_id}.
func (h *handlers) DeleteConversation(ctx context.Context, req gen.DeleteConversationRequestObject) (gen.DeleteConversationResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Conversations.Delete(ctx, tenant, req.ConversationId); err != nil {
		return nil, err
	}
	return gen.DeleteConversation204Response{}, nil
}

// ListConversationTurns answers GET /v1/conversations/{conversation_id}/turns.
func (h *handlers) ListConversationTurns(ctx context.Context, req gen.ListConversationTurnsRequestObject) (gen.ListConversationTurnsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	page := domain.PageOf(req.Params.Limit, req.Params.Offset)
	ts, total, err := h.svc.Conversations.Turns(ctx, tenant, req.ConversationId, page)
	if err != nil {
		return nil, err
	}
	return gen.ListConversationTurns200JSONResponse{Body: gen.ConversationTurnList{
		Items: mapSlice(ts, h.toTurn), Total: total, Limit: page.Limit, Offset: page.Offset,
	}}, nil
}

// AdvanceConversation answers POST /v1/conversations/{conversation_id}/turns.
func (h *handlers) AdvanceConversation(ctx context.Context, req gen.AdvanceConversationRequestObject) (gen.AdvanceConversationResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	if deref(req.Body.Voice) {
		return nil, domain.ValidationError(domain.FieldError{Field: "voice",
			Message: "needs a stream to put the audio in: call POST /v1/conversations/{conversation_id}/turns/stream"})
	}
	c, ts, err := h.svc.Conversations.Advance(ctx, tenant, req.ConversationId, toAdvanceInput(req.Body), domain.AdvanceHooks{})
	if err != nil {
		return nil, err
	}
	return gen.AdvanceConversation200JSONResponse{Body: gen.ConversationTurns{Conversation: toConversation(c), Turns: mapSlice(ts, h.toTurn)}}, nil
}

// StreamConversationTurns answers POST /v1/conversations/{conversation_id}/turns/stream
// with server-sent events: per turn turn.started, dialogue.delta events and
// turn.completed (then conversation.ended when it reached max_turns), and last one
// turns.completed or error.
func (h *handlers) StreamConversationTurns(ctx context.Context, req gen.StreamConversationTurnsRequestObject) (gen.StreamConversationTurnsResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	in := toAdvanceInput(req.Body)
	if _, err := h.svc.Conversations.CheckAdvance(ctx, tenant, req.ConversationId, in); err != nil {
		return nil, err
	}
	voice := deref(req.Body.Voice)
	body := h.eventStream(ctx, "conversation", func(stream *sseStream) error {
		// With voice, each turn gets its own speech stream in its speaker's voice.
		var speech *domain.SpeechStream
		var aloud *sseSpeech
		hooks := domain.AdvanceHooks{
			Started: func(t *domain.Turn) error {
				if err := stream.event("turn.started", map[string]any{
					"turn_index": t.Index, "speaker_id": t.SpeakerID, "speaker_name": t.SpeakerName,
					"chosen_because": t.ChosenBecause, "decisions": mapSlice(t.Decisions, toDecision),
				}); err != nil || !voice {
					return err
				}
				aloud = &sseSpeech{stream: stream, requestID: requestIDFrom(ctx), extra: map[string]any{"turn_index": t.Index}}
				var err error
				if speech, err = h.svc.Voice.StreamSpeech(ctx, tenant, domain.SpeechStreamInput{CharacterID: t.SpeakerID}, aloud.events()); err != nil {
					speech = nil
					return aloud.failed(h, err) // no voice for this turn; its text goes on
				}
				return nil
			},
			Delta: func(index int, delta string) error {
				if err := stream.event("dialogue.delta", map[string]any{"turn_index": index, "delta": delta}); err != nil {
					return err
				}
				if speech != nil {
					return speech.Write(delta)
				}
				return nil
			},
			Completed: func(t *domain.Turn, c *domain.Conversation) error {
				if speech != nil {
					err := aloud.finish(h, speech)
					speech = nil
					if err != nil {
						return err
					}
				}
				if err := stream.event("turn.completed", map[string]any{"turn": h.toTurn(*t)}); err != nil {
					return err
				}
				if c.Status == domain.ConversationEnded {
					return stream.event("conversation.ended", map[string]any{"conversation": toConversation(c)})
				}
				return nil
			},
		}
		defer func() {
			if speech != nil {
				speech.Abort() // the advance failed mid-turn
			}
		}()
		c, _, err := h.svc.Conversations.Advance(ctx, tenant, req.ConversationId, in, hooks)
		if err != nil {
			return err
		}
		return stream.event("turns.completed", map[string]any{"conversation": toConversation(c)})
	})
	return body, nil
}

func toAdvanceInput(b *gen.ConversationTurnRequest) domain.AdvanceInput {
	in := domain.AdvanceInput{PlayerID: deref(b.PlayerId), Turns: deref(b.Turns), GameContext: deref(b.GameContext), Actions: fromCatalogue(b.Actions)}
	if b.Message != nil {
		in.Message = &domain.Line{Speaker: deref(b.Message.Speaker), Text: b.Message.Text}
	}
	return in
}
