package openaiclient

import (
	"strings"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// stripFences returns a JSON answer without the Markdown code fence that models add even in
// JSON mode (```json … ``` or bare ``` … ```). Text that is not fenced is only trimmed.
func stripFences(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	body := strings.TrimPrefix(s, "```")
	// The info string ("json", "JSON", nothing) runs to the end of the first line.
	nl := strings.IndexByte(body, '\n')
	if nl < 0 {
		// A one-line fence: ```{"a":1}``` or ```json {"a":1}```.
		body = strings.TrimSpace(strings.TrimSuffix(body, "```"))
		if i := strings.IndexAny(body, "{["); i > 0 {
			body = body[i:]
		}
		return strings.TrimSpace(body)
	}
	body = body[nl+1:]
	if i := strings.LastIndex(body, "```"); i >= 0 {
		body = body[:i]
	}
	return strings.TrimSpace(body)
}

// estimateTokens guesses a token count for servers that report no usage: about four bytes
// of English per token, which is what OpenAI documents for its tokenizers. It is a guess for
// metering, never used to cut text.
func estimateTokens(s string) int {
	if s == "" {
		return 0
	}
	return max(1, (utf8.RuneCountInString(s)+3)/4)
}

// estimateUsage guesses the usage of a call whose server reported none.
func estimateUsage(req domain.TextRequest, answer string) domain.Usage {
	prompt := estimateTokens(req.System)
	for _, m := range req.Messages {
		prompt += estimateTokens(m.Content)
	}
	return domain.Usage{PromptTokens: prompt, CompletionTokens: estimateTokens(answer)}
}
