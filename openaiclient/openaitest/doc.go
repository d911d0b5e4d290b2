// Package openaitest is a fake OpenAI-compatible chat-completions server for tests. It
// speaks the real protocol (POST /v1/chat/completions, plain JSON or server-sent events with
// a final usage chunk and "data: [DONE]", OpenAI-shaped error bodies), so the client code
// under test is the code that talks to Ollama, vLLM or a hosted provider.
//
// Replies are deterministic: a function of the request, set per test with Server.Reply.
// Failures are injected per request (FailNext, DropNext, StreamErrorNext) and slowness per
// server (WithLatency, WithChunkDelay, WithStall, WithStreamStall). Every request is
// recorded for assertions.
package openaitest
