package faltest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// RouterEndpoint is fal's LLM router, which the server answers by default with EchoRouter.
const RouterEndpoint = "openrouter/router"

// RouterInput is openrouter/router's input, for handlers that read it.
type RouterInput struct {
	Prompt       string   `json:"prompt"`
	SystemPrompt string   `json:"system_prompt"`
	Model        string   `json:"model"`
	Temperature  *float64 `json:"temperature"`
	MaxTokens    int      `json:"max_tokens"`
	Reasoning    bool     `json:"reasoning"`
}

// RouterOutput is openrouter/router's output, with OpenRouter-style usage.
type RouterOutput struct {
	Output  string       `json:"output"`
	Partial bool         `json:"partial"`
	Error   string       `json:"error,omitempty"`
	Usage   *RouterUsage `json:"usage,omitempty"`
}

// RouterUsage is the usage shape fal's router documentation shows.
type RouterUsage struct {
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	TotalTokens      int     `json:"total_tokens"`
	Cost             float64 `json:"cost"`
}

// EchoRouter is the default openrouter/router handler. It validates the input as the
// router does (prompt and model required, temperature 0 to 2) and answers a deterministic
// text derived from the prompt: "Echo: " and the prompt's last line that does not mention
// JSON. When the prompt or system prompt mentions JSON, the answer is instead the valid
// JSON object {"echo": <that line>}. Usage counts words as tokens.
func EchoRouter(input json.RawMessage) (any, *Failure) {
	in, fail := ParseRouterInput(input)
	if fail != nil {
		return nil, fail
	}
	line := ""
	for l := range strings.SplitSeq(in.Prompt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(strings.ToLower(l), "json") {
			line = l
		}
	}
	text := "Echo: " + line
	if strings.Contains(strings.ToLower(in.Prompt+in.SystemPrompt), "json") {
		b, _ := json.Marshal(map[string]string{"echo": line})
		text = string(b)
	}
	return RouterAnswer(in, text), nil
}

// Reply returns an openrouter/router handler that validates its input and answers text.
func Reply(text string) HandlerFunc {
	return func(input json.RawMessage) (any, *Failure) {
		in, fail := ParseRouterInput(input)
		if fail != nil {
			return nil, fail
		}
		return RouterAnswer(in, text), nil
	}
}

// RouterAnswer is a complete router output for text, with usage counted in words.
func RouterAnswer(in RouterInput, text string) RouterOutput {
	p := len(strings.Fields(in.SystemPrompt)) + len(strings.Fields(in.Prompt))
	c := len(strings.Fields(text))
	return RouterOutput{Output: text, Usage: &RouterUsage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}}
}

// ParseRouterInput decodes and validates a router input, answering 422 with fal's
// validation error shape when it is invalid.
func ParseRouterInput(input json.RawMessage) (RouterInput, *Failure) {
	var in RouterInput
	if err := json.Unmarshal(input, &in); err != nil {
		return in, invalid("body", err.Error(), "type_error")
	}
	switch {
	case in.Prompt == "":
		return in, invalid("prompt", "field required", "missing")
	case in.Model == "":
		return in, invalid("model", "field required", "missing")
	case in.Temperature != nil && (*in.Temperature < 0 || *in.Temperature > 2):
		return in, invalid("temperature", "Input should be between 0 and 2", "less_than_equal")
	case in.MaxTokens < 0:
		return in, invalid("max_tokens", "Input should be greater than 0", "greater_than")
	}
	return in, nil
}

// invalid is a 422 answer for one bad field, in fal's validation error shape.
func invalid(field, msg, typ string) *Failure {
	loc := []string{"body"}
	if field != "body" {
		loc = append(loc, field)
	}
	b, _ := json.Marshal(map[string]any{"detail": []map[string]any{{"loc": loc, "msg": msg, "type": typ}}})
	return &Failure{Status: 422, Body: string(b)}
}

// String describes a failure, for test logs.
func (f *Failure) String() string { return fmt.Sprintf("HTTP %d %s", f.Status, f.Body) }
