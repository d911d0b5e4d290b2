package openaiclient

import (
	"encoding/json"

	"github.com/troupe-ai/troupe/domain"
)

// chatRequest is the body of POST /chat/completions.
type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []chatMessage   `json:"messages"`
	Temperature    float64         `json:"temperature"`
	MaxTokens      int             `json:"max_tokens,omitempty"`
	ResponseFormat *responseFormat `json:"response_format,omitempty"`
	Stream         bool            `json:"stream,omitempty"`
	StreamOptions  *streamOptions  `json:"stream_options,omitempty"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type responseFormat struct {
	Type string `json:"type"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// chatResponse is a non-streamed answer, and also one streamed chunk: the two share the
// envelope and differ in message versus delta.
type chatResponse struct {
	Model   string       `json:"model"`
	Choices []chatChoice `json:"choices"`
	Usage   *chatUsage   `json:"usage"`
	// Error is set when a server reports a failure in a 200 body or in a stream.
	Error *apiError `json:"error"`
}

type chatChoice struct {
	// Content is a pointer because servers send null for answers with no text.
	Message      struct{ Content *string } `json:"message"`
	Delta        struct{ Content *string } `json:"delta"`
	FinishReason *string                   `json:"finish_reason"`
}

type chatUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// apiError is the OpenAI error object. Code is raw because servers send a string, a
// number or null.
type apiError struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
}

// buildRequest maps a domain request to the wire: the system prompt first, then the
// messages in order.
func buildRequest(model string, req domain.TextRequest, stream bool) chatRequest {
	msgs := make([]chatMessage, 0, len(req.Messages)+1)
	if req.System != "" {
		msgs = append(msgs, chatMessage{Role: string(domain.RoleSystem), Content: req.System})
	}
	for _, m := range req.Messages {
		role := m.Role
		if role == "" {
			// An unset role is the caller speaking; sending "" would be rejected upstream.
			role = domain.RoleUser
		}
		msgs = append(msgs, chatMessage{Role: string(role), Content: m.Content})
	}
	cr := chatRequest{
		Model:       model,
		Messages:    msgs,
		Temperature: req.Temperature,
		MaxTokens:   max(req.MaxTokens, 0),
	}
	if req.JSON {
		cr.ResponseFormat = &responseFormat{Type: "json_object"}
	}
	if stream {
		cr.Stream = true
		cr.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	return cr
}

func (u *chatUsage) domain() domain.Usage {
	return domain.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens}
}
