package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// The operations below are part of the contract but not built yet. They authenticate and
// validate like every other operation, then answer 501 NOT_IMPLEMENTED in the standard
// shape, so studios can generate clients and code against the final contract today.

// notImplemented is the error an operation that is not built yet answers with.
func notImplemented(operation string) error {
	return domain.Errorf(domain.CodeNotImplemented, "%s is not implemented yet.", operation).
		WithDetails(map[string]any{"operation": operation})
}

// CreateTranscription answers POST /v1/voice/stt; not implemented yet.
func (h *handlers) CreateTranscription(ctx context.Context, _ gen.CreateTranscriptionRequestObject) (gen.CreateTranscriptionResponseObject, error) {
	return nil, notImplemented("createTranscription")
}

// CreateSpeech answers POST /v1/voice/tts; not implemented yet.
func (h *handlers) CreateSpeech(ctx context.Context, _ gen.CreateSpeechRequestObject) (gen.CreateSpeechResponseObject, error) {
	return nil, notImplemented("createSpeech")
}

// ListVoices answers GET /v1/voice/voices; not implemented yet.
func (h *handlers) ListVoices(ctx context.Context, _ gen.ListVoicesRequestObject) (gen.ListVoicesResponseObject, error) {
	return nil, notImplemented("listVoices")
}
