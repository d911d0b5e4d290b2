// Package openaiclient is the text engine for any OpenAI-compatible chat-completions server:
// Ollama, vLLM, the llama.cpp server, or a hosted provider. It implements domain.TextModel
// with POST {BaseURL}/chat/completions, plain for Complete and as server-sent events for
// Stream.
//
// Failures are *domain.Error values in the API's provider code family: PROVIDER_ERROR
// (502) when the server failed or answered something unreadable, with engine "openai",
// upstream_status and a truncated upstream_body in Details (FAL_SERVICE_ERROR is fal.ai's
// alone); PROVIDER_TIMEOUT (504) when it
// did not answer in time; ENGINE_UNAVAILABLE (503) when no BaseURL is configured. A caller
// whose ctx ends gets ctx.Err(), wrapped, instead. The API key never appears in an error.
//
// Rate limits (429), server errors (5xx) and connection failures are retried with capped,
// jittered exponential backoff that honours Retry-After. A stream is never retried once it
// has handed content to the caller, since the caller cannot take it back.
package openaiclient
