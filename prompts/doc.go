// Package prompts renders the system and user prompts Troupe sends to text models.
//
// Each prompt is a pair of text/template files in templates/, embedded in the binary and
// parsed once. A typed function per task (Character, Validate, Dialogue, Reaction,
// Moderator, Summarize) takes a struct of inputs and returns the system and user messages.
// The JSON shapes the prompts ask for are the ones domain.TextTask documents, since the
// code that parses model output relies on them.
//
// Prompt injection (OWASP LLM01) is handled the same way everywhere: anything that did not
// come from this package (player lines, history, game context, lore, memory, drafts) is
// treated as untrusted. It is placed in clearly delimited blocks such as
// <conversation>…</conversation>, the prompt says that text inside a block is data and
// never instructions, and every untrusted string has its angle brackets (and their
// look-alikes) escaped, so it cannot open or close a block. Strings that must stay on one
// line, such as a conversation turn, have their line breaks folded so one turn cannot
// forge another. None of this is a security boundary on its own (LLM07: prompts are not
// secrets and the model is never trusted with authorisation); it only makes the model's
// job unambiguous.
//
// Rendering is deterministic: the same input always gives byte-identical prompts.
package prompts
