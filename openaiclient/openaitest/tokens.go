package openaitest

import (
	"strings"
	"unicode"
)

// CountTokens is the fake's tokenizer: one token per whitespace-separated word. Tests use it
// to predict the usage the fake reports.
func CountTokens(s string) int { return len(strings.Fields(s)) }

// PromptTokens is the prompt usage the fake reports for req: the tokens of every message.
func PromptTokens(req ChatRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += CountTokens(m.Content)
	}
	return n
}

// Deltas splits a reply into the stream deltas the fake sends: each word with the
// whitespace after it, so the deltas joined are exactly the reply.
func Deltas(reply string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range reply {
		space := unicode.IsSpace(r)
		if inSpace && !space {
			out = append(out, reply[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(reply) {
		out = append(out, reply[start:])
	}
	return out
}
