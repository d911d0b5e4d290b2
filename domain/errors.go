package domain

import (
	"errors"
	"fmt"
)

// Code is a stable, transport-neutral error code. Clients switch on it; the HTTP adapter maps
// each code to a status in one table.
type Code string

// The error codes Troupe answers with. New codes may be added; existing ones never change
// meaning.
const (
	CodeBadRequest           Code = "BAD_REQUEST"
	CodeInvalidAPIKey        Code = "INVALID_API_KEY"
	CodeRouteNotFound        Code = "ROUTE_NOT_FOUND"
	CodeWorldNotFound        Code = "WORLD_NOT_FOUND"
	CodeCharNotFound         Code = "CHAR_NOT_FOUND"
	CodeJobNotFound          Code = "JOB_NOT_FOUND"
	CodeFileNotFound         Code = "FILE_NOT_FOUND"
	CodeMethodNotAllowed     Code = "METHOD_NOT_ALLOWED"
	CodePayloadTooLarge      Code = "PAYLOAD_TOO_LARGE"
	CodeUnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	CodeJobNotCancelable     Code = "JOB_NOT_CANCELABLE"
	CodeValidation           Code = "VALIDATION_ERROR"
	CodeInvalidRole          Code = "INVALID_ROLE"
	CodeInvalidArchetype     Code = "INVALID_ARCHETYPE"
	// CodeTabooConflict: a taboo word the character cannot avoid (its own name or role);
	// details.word names it.
	CodeTabooConflict Code = "TABOO_CONFLICT"
	CodeInternal      Code = "INTERNAL_ERROR"
	// CodeFalServiceError is fal.ai's failure, and only fal's.
	CodeFalServiceError Code = "FAL_SERVICE_ERROR"
	// CodeProviderError is the failure of any other engine (an OpenAI-compatible server,
	// a local engine); details.engine names it.
	CodeProviderError     Code = "PROVIDER_ERROR"
	CodeEngineUnavailable Code = "ENGINE_UNAVAILABLE"
	CodeProviderTimeout   Code = "PROVIDER_TIMEOUT"
	// CodeInsufficientScope: the key is valid but lacks the scope the operation needs;
	// details.required names it.
	CodeInsufficientScope Code = "INSUFFICIENT_SCOPE"
	// CodeRateLimited: a rate-limit policy of the key's tier is exhausted; Retry-After says
	// when to try again and details.policy names the policy.
	CodeRateLimited Code = "RATE_LIMITED"
	// CodeIdempotencyKeyReused: the Idempotency-Key was first used with another request
	// (a different body or operation).
	CodeIdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	// CodeIdempotencyKeyInUse: the request that first used the Idempotency-Key is still
	// running; retry once it has answered.
	CodeIdempotencyKeyInUse Code = "IDEMPOTENCY_KEY_IN_USE"
	CodeKeyNotFound         Code = "KEY_NOT_FOUND"
	// CodeMemoryNotFound answers a memory entry id the character does not have.
	CodeMemoryNotFound Code = "MEMORY_NOT_FOUND"
	// CodeWebhookEndpointNotFound and CodeEventNotFound answer ids of the tenant's webhook
	// endpoints and events that do not exist.
	CodeWebhookEndpointNotFound Code = "WEBHOOK_ENDPOINT_NOT_FOUND"
	CodeEventNotFound           Code = "EVENT_NOT_FOUND"
	// CodeConversationNotFound answers a conversation id the tenant does not have.
	CodeConversationNotFound Code = "CONVERSATION_NOT_FOUND"
	// CodeConversationBusy: another advance of the same conversation wrote its turn
	// first; this one changed nothing and may be retried.
	CodeConversationBusy Code = "CONVERSATION_BUSY"
	// CodeConversationEnded: the conversation reached its max_turns.
	CodeConversationEnded Code = "CONVERSATION_ENDED"
	// CodeBudgetExceeded: the tenant's monthly hard spend cap is reached; generation is
	// refused until the month ends or the cap is raised. details give metric,
	// monthly_limit, used and resets_at.
	CodeBudgetExceeded Code = "BUDGET_EXCEEDED"
	// CodeLorebookNotFound and CodeLoreEntryNotFound answer a lorebook, or an entry of a
	// lorebook, the tenant does not have.
	CodeLorebookNotFound  Code = "LOREBOOK_NOT_FOUND"
	CodeLoreEntryNotFound Code = "LORE_ENTRY_NOT_FOUND"
	// CodeInvalidCard: an imported Character Card cannot be read (bad base64, a missing
	// or oversized chunk, an unsupported spec version, a wrong field type); details give
	// the problem and, when there is one, the field.
	CodeInvalidCard Code = "INVALID_CARD"
)

// Codes lists every code Troupe answers with, in the order the contract documents them.
// openapi.yaml's ErrorCode enum must hold exactly these (a test checks it), so a code is
// added here, in the HTTP status table and in the spec together. A code no handler can
// return does not belong here: clients generate exhaustive enums from the list.
var Codes = []Code{
	CodeBadRequest, CodeInvalidAPIKey, CodeInsufficientScope,
	CodeRouteNotFound, CodeWorldNotFound, CodeCharNotFound, CodeJobNotFound, CodeFileNotFound, CodeKeyNotFound, CodeMemoryNotFound,
	CodeWebhookEndpointNotFound, CodeEventNotFound, CodeConversationNotFound, CodeLorebookNotFound, CodeLoreEntryNotFound,
	CodeMethodNotAllowed, CodeJobNotCancelable, CodeIdempotencyKeyInUse, CodeConversationBusy, CodeConversationEnded,
	CodePayloadTooLarge, CodeUnsupportedMediaType,
	CodeValidation, CodeInvalidRole, CodeInvalidArchetype, CodeTabooConflict, CodeIdempotencyKeyReused, CodeInvalidCard,
	CodeInvalidAudio, CodeAudioTooLong, CodeAudioTooLarge, CodeBudgetExceeded, CodeRateLimited,
	CodeInternal, CodeFalServiceError, CodeProviderError, CodeEngineUnavailable, CodeProviderTimeout,
}

// Error is a failure the caller can act on: a code, a human-readable message and optional
// details. Anything that is not an *Error reaches clients as CodeInternal with no internals.
type Error struct {
	Code    Code
	Message string
	// Details is code-specific information safe to show the caller (allowed values, ids,
	// upstream status). Validation errors put FieldErrors under "fields".
	Details map[string]any
	// Err is the underlying cause, kept for logs; it is never shown to clients.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDetails returns a copy of e with the details set.
func (e *Error) WithDetails(details map[string]any) *Error {
	c := *e
	c.Details = details
	return &c
}

// ErrorCode returns the code of the first *Error in err's chain, or CodeInternal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// FieldError names one invalid field and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError returns a CodeValidation error listing the invalid fields.
func ValidationError(fields ...FieldError) *Error {
	return &Error{
		Code:    CodeValidation,
		Message: "The request body is invalid.",
		Details: map[string]any{"fields": fields},
	}
}

// ParameterError is the 400 of a request whose parameters (path, query or header) are
// invalid, one entry per bad parameter, in the shape of ValidationError.
func ParameterError(fields ...FieldError) *Error {
	return &Error{
		Code:    CodeBadRequest,
		Message: "One or more parameters are invalid.",
		Details: map[string]any{"fields": fields},
	}
}

// ErrNotFound is what store ports return when no row matches (for the tenant). Services turn
// it into a resource-specific code such as CodeWorldNotFound.
var ErrNotFound = errors.New("not found")
