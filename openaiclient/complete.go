package openaiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// maxResponseBody caps a non-streamed answer. Chat answers are kilobytes; the cap only
// protects memory from a server that answers something else.
const maxResponseBody = 8 << 20

// Complete sends req and returns the whole answer. In JSON mode a Markdown fence around the
// answer is removed.
func (c *Client) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	start := time.Now()
	if c.unusable != "" {
		return domain.TextResult{}, c.unavailableError()
	}
	model := c.modelFor(req)
	body, err := json.Marshal(buildRequest(model, req, false))
	if err != nil { // only a NaN or infinite temperature gets here
		return domain.TextResult{}, fmt.Errorf("openaiclient: encoding the request: %w", err)
	}
	var answer chatResponse
	err = c.withRetries(ctx, func(ctx context.Context) *failure {
		return c.attempt(ctx, body, "application/json", func(actx context.Context, resp *http.Response, _ *watchdog) *failure {
			var f *failure
			answer, f = c.readAnswer(ctx, actx, resp)
			return f
		})
	})
	if err != nil {
		return domain.TextResult{}, err
	}
	return c.result(req, model, answer.Model, *answer.Choices[0].Message.Content, answer.Usage, start), nil
}

// readAnswer reads a non-streamed answer. On success the first choice has non-nil content.
func (c *Client) readAnswer(ctx, actx context.Context, resp *http.Response) (chatResponse, *failure) {
	var answer chatResponse
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		// The connection dropped mid-body; nothing reached the caller, so it may be retried.
		return answer, c.transportFailure(ctx, actx, err, true)
	}
	if len(data) > maxResponseBody {
		return answer, &failure{err: c.upstreamError(resp.StatusCode, "", errors.New("response body too large"))}
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return answer, &failure{err: c.upstreamError(resp.StatusCode, string(data), err)}
	}
	if answer.Error != nil {
		// Some gateways report failures in a 200 body.
		return answer, &failure{err: c.upstreamError(resp.StatusCode, string(data), errors.New(answer.Error.Message))}
	}
	if len(answer.Choices) == 0 {
		return answer, &failure{err: c.upstreamError(resp.StatusCode, string(data), errors.New("answer has no choices"))}
	}
	if answer.Choices[0].Message.Content == nil {
		// null content (a refusal or a tool call we did not ask for) reads as empty text.
		answer.Choices[0].Message.Content = new(string)
	}
	return answer, nil
}

// result assembles a TextResult: the server's model name when it gave one (it may resolve an
// alias such as "llama3" to "llama3:latest"), the server's usage when it gave one, else an
// estimate.
func (c *Client) result(req domain.TextRequest, model, answered, text string, usage *chatUsage, start time.Time) domain.TextResult {
	if req.JSON {
		text = stripFences(text)
	}
	if answered != "" {
		model = answered
	}
	u := estimateUsage(req, text)
	// All zeros is how some servers say they do not count.
	if usage != nil && (usage.PromptTokens > 0 || usage.CompletionTokens > 0) {
		u = usage.domain()
	}
	return domain.TextResult{Text: text, Engine: Engine, Model: model, Usage: u, Latency: time.Since(start)}
}
