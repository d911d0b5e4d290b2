package falclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
)

// The Whisper endpoints (fal's Whisper/Wizper schemas).
const (
	// WizperEndpoint is Whisper v3 large, fal's faster variant; SpeechRecognizer's default.
	WizperEndpoint = "fal-ai/wizper"
	// WhisperEndpoint is fal's plain Whisper. Unlike Wizper it takes a prompt; whether fal
	// still serves it is unconfirmed (fal's Whisper/Wizper schemas).
	WhisperEndpoint = "fal-ai/whisper"
)

// SpeechRecognizer implements domain.SpeechRecognizer with fal's Whisper endpoints:
// fal-ai/wizper by default, or another with WithSTTEndpoint.
//
// The audio is sent inline as a base64 data URI (fal takes one wherever it takes a URL),
// so nothing is uploaded; fal documents no size limit for data URIs, and Troupe's own
// limits (domain.MaxAudioBytes, domain.MaxAudioDuration) keep the request body near
// 22 MB at most. Whisper takes WAV, MP3, MP4/M4A and WebM; the bytes are sniffed
// (TranscribeRequest.ContentType is ignored), and anything else is CodeInvalidAudio, as
// are empty audio and a WAV that audio.ParseWAV refuses: truncated, without samples, of
// a rate outside 8 to 192 kHz. WAV in an encoding fal decodes but package audio does not
// (A-law, ADPCM…) is sent as it is. A WAV longer than domain.MaxAudioDuration is
// CodeAudioTooLong (domain.CheckAudioDuration), more than domain.MaxAudioBytes
// CodeAudioTooLarge, all before anything is sent.
//
// The input is task "transcribe", chunk_level "segment", and language when the request
// gives one (reduced to its primary subtag, "en-US" → "en"; Wizper assumes English
// otherwise, Whisper detects it). Segments are fal's chunks, ordered and made not to
// overlap; a transcript without chunks is one segment over the whole audio. Whisper
// reports no confidence, so Confidence is 0 throughout. fal gives no word timings here,
// so Words are estimates: each segment's words spread over the segment in proportion to
// their length, as SpeechSynth does. Duration is the WAV header's, else the end of the
// last segment.
//
// Whisper has no grammar. The request's Prompt and Phrases are passed as Whisper's prompt
// (a hint that biases spelling and vocabulary) where the endpoint takes one —
// fal-ai/whisper does, fal-ai/wizper does not — and Phrases then act as a closed
// vocabulary after the fact: when the transcript, normalised (lower case, letters and
// digits only, single spaces), is within a normalised edit distance of 0.25 of a phrase,
// the closest phrase replaces it (as given, one segment over the speech). A transcript
// that is near no phrase is returned as heard, so out-of-vocabulary speech is visible
// rather than forced onto a wrong phrase.
type SpeechRecognizer struct {
	c    *Client
	spec sttSpec
}

var _ domain.SpeechRecognizer = (*SpeechRecognizer)(nil)

// sttSpec is what an STT endpoint takes besides audio_url, task, language and
// chunk_level, and the language it assumes when none is sent.
type sttSpec struct {
	endpoint    string
	prompt      bool
	defaultLang string
}

var sttSpecs = map[string]sttSpec{
	WizperEndpoint:  {endpoint: WizperEndpoint, defaultLang: "en"},
	WhisperEndpoint: {endpoint: WhisperEndpoint, prompt: true},
}

// RecognizerOption configures a SpeechRecognizer.
type RecognizerOption func(*SpeechRecognizer)

// WithSTTEndpoint makes the recognizer call endpoint: WizperEndpoint, WhisperEndpoint,
// or another endpoint with Wizper's input and output (sent no prompt).
func WithSTTEndpoint(endpoint string) RecognizerOption {
	return func(r *SpeechRecognizer) {
		if spec, ok := sttSpecs[endpoint]; ok {
			r.spec = spec
			return
		}
		r.spec = sttSpec{endpoint: endpoint}
	}
}

// NewSpeechRecognizer returns a SpeechRecognizer calling fal through c.
func NewSpeechRecognizer(c *Client, opts ...RecognizerOption) *SpeechRecognizer {
	r := &SpeechRecognizer{c: c, spec: sttSpecs[WizperEndpoint]}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// sttInput is a Whisper endpoint's input.
type sttInput struct {
	AudioURL   string `json:"audio_url"`
	Task       string `json:"task"`
	Language   string `json:"language,omitempty"`
	ChunkLevel string `json:"chunk_level"`
	Prompt     string `json:"prompt,omitempty"`
}

// sttOutput is a Whisper endpoint's output: Wizper names the languages "languages",
// Whisper "inferred_languages". They are read leniently: a strange entry must not lose
// a transcript.
type sttOutput struct {
	Text              string            `json:"text"`
	Chunks            []sttChunk        `json:"chunks"`
	Languages         []json.RawMessage `json:"languages"`
	InferredLanguages []json.RawMessage `json:"inferred_languages"`
}

// sttChunk is one chunk: [start, end] in seconds, either of which may be null.
type sttChunk struct {
	Timestamp []*float64 `json:"timestamp"`
	Text      string     `json:"text"`
}

// maxPromptRunes caps Whisper's prompt, which the model truncates to 224 tokens anyway.
const maxPromptRunes = 1000

// Transcribe sends req.Audio to Whisper and returns what was said.
func (r *SpeechRecognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	if !r.c.Configured() {
		return domain.Transcript{}, errNoKey()
	}
	info, err := checkAudio(req.Audio)
	if err != nil {
		return domain.Transcript{}, err
	}
	lang, err := whisperLanguage(req.Language)
	if err != nil {
		return domain.Transcript{}, err
	}
	in := sttInput{
		AudioURL:   "data:" + info.contentType + ";base64," + base64.StdEncoding.EncodeToString(req.Audio),
		Task:       "transcribe",
		Language:   lang,
		ChunkLevel: "segment",
	}
	if r.spec.prompt {
		in.Prompt = whisperPrompt(req.Prompt, req.Phrases)
	}
	var out sttOutput
	if err := r.c.Subscribe(ctx, r.spec.endpoint, in, &out); err != nil {
		return domain.Transcript{}, err
	}
	t := domain.Transcript{
		Language: or(lang, or(firstString(out.Languages), or(firstString(out.InferredLanguages), r.spec.defaultLang))),
		Duration: info.duration,
		Engine:   engineName,
		Model:    r.spec.endpoint,
	}
	t.Segments = segments(out, info.duration)
	t.Text = strings.TrimSpace(out.Text)
	if t.Text == "" {
		var parts []string
		for _, s := range t.Segments {
			parts = append(parts, s.Text)
		}
		t.Text = strings.Join(parts, " ")
	}
	if t.Text == "" {
		t.Segments = nil
	}
	if phrase, ok := snapPhrase(t.Text, req.Phrases); ok && phrase != t.Text {
		t.Text = phrase
		span := domain.TranscriptSegment{End: info.duration, Text: phrase}
		if n := len(t.Segments); n > 0 {
			span.Start, span.End = t.Segments[0].Start, t.Segments[n-1].End
		}
		t.Segments = []domain.TranscriptSegment{span}
	}
	if t.Duration == 0 && len(t.Segments) > 0 {
		t.Duration = t.Segments[len(t.Segments)-1].End
	}
	for _, s := range t.Segments {
		t.Words = append(t.Words, estimateWords(s.Text, s.Start, s.End)...)
	}
	return t, nil
}

// Status reports the engine ready when a key is set, without calling fal.
func (r *SpeechRecognizer) Status(context.Context) domain.DependencyHealth {
	return keyHealth(r.c, r.spec.endpoint)
}

// whisperMaxRate is the highest WAV sample rate sent to Whisper; audio.MinRate is the
// lowest.
const whisperMaxRate = 192000

// checkAudio sniffs audio to transcribe and, for WAV, reads its header. Whatever Whisper
// could not take is a *domain.Error the caller can act on.
func checkAudio(b []byte) (audioInfo, error) {
	switch {
	case len(b) == 0:
		return audioInfo{}, audioError(domain.CodeInvalidAudio, "The audio is empty.")
	case len(b) > domain.MaxAudioBytes:
		return audioInfo{}, audioError(domain.CodeAudioTooLarge,
			fmt.Sprintf("The audio is larger than %d MB.", domain.MaxAudioBytes>>20))
	}
	a := audioInfo{format: audio.Sniff(b)}
	switch a.format {
	case audio.FormatWAV:
		rate, d, err := checkWAV(b)
		if err != nil {
			return audioInfo{}, err
		}
		if err := domain.CheckAudioDuration(d); err != nil {
			return audioInfo{}, err
		}
		a.sampleRate, a.duration = rate, d
	case audio.FormatMP3, audio.FormatMP4, audio.FormatWebM:
	default:
		return audioInfo{}, audioError(domain.CodeInvalidAudio, "The audio must be WAV, MP3, MP4/M4A or WebM.")
	}
	a.contentType = audio.ContentType(a.format)
	return a, nil
}

// checkWAV reads a WAV file's rate and duration for Whisper; what Whisper could not take
// is a *domain.Error.
func checkWAV(b []byte) (rate int, d time.Duration, err error) {
	rate, d, err = readWAV(b)
	var format *audio.FormatError
	switch {
	case errors.Is(err, audio.ErrNoSamples):
		return 0, 0, audioError(domain.CodeInvalidAudio, "The WAV file contains no samples.")
	case errors.As(err, &format) && format.Rate != 0:
		rate = format.Rate
	case err != nil:
		return 0, 0, audioError(domain.CodeInvalidAudio, "The audio is not a valid WAV file: "+err.Error()+".")
	}
	if rate < audio.MinRate || rate > whisperMaxRate {
		return 0, 0, audioError(domain.CodeInvalidAudio, fmt.Sprintf(
			"The WAV file's sample rate, %d Hz, is not usable (%d to %d Hz).", rate, audio.MinRate, whisperMaxRate))
	}
	return rate, d, nil
}

func audioError(code domain.Code, message string) *domain.Error {
	return &domain.Error{Code: code, Message: message, Details: map[string]any{"engine": engineName}}
}

// whisperLanguage reduces a language tag to the ISO 639 code Whisper's enum holds:
// "en-US" → "en". Anything that cannot be one is a validation error on language.
func whisperLanguage(tag string) (string, error) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" {
		return "", nil
	}
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 || strings.IndexFunc(tag, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return "", domain.ValidationError(domain.FieldError{Field: "language", Message: "must be an ISO 639-1 code such as en"})
	}
	return tag, nil
}

// whisperPrompt joins the caller's prompt and the expected phrases into Whisper's
// prompt, which it reads as text that came before the audio.
func whisperPrompt(prompt string, phrases []string) string {
	parts := []string{}
	if p := oneLine(prompt); p != "" {
		parts = append(parts, p)
	}
	var ps []string
	for _, p := range phrases {
		if p = oneLine(p); p != "" {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		parts = append(parts, strings.Join(ps, ", ")+".")
	}
	s := strings.Join(parts, " ")
	if utf8.RuneCountInString(s) > maxPromptRunes {
		s = string([]rune(s)[:maxPromptRunes])
	}
	return s
}

// firstString is the first entry of a list that is a non-empty string.
func firstString(list []json.RawMessage) string {
	for _, raw := range list {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// segments turns chunks into ordered, non-overlapping segments within [0, duration]
// (duration 0: unknown). A missing start is the previous segment's end; a missing end
// the next chunk's start, else the audio's end, else the start.
func segments(out sttOutput, duration time.Duration) []domain.TranscriptSegment {
	sec := func(p *float64) (time.Duration, bool) {
		if p == nil || math.IsNaN(*p) || *p < 0 || *p > 1e6 {
			return 0, false
		}
		return time.Duration(*p * float64(time.Second)), true
	}
	stamp := func(c sttChunk, i int) (time.Duration, bool) {
		if i < len(c.Timestamp) {
			return sec(c.Timestamp[i])
		}
		return 0, false
	}
	var segs []domain.TranscriptSegment
	var prevEnd time.Duration
	for i, c := range out.Chunks {
		text := strings.TrimSpace(c.Text)
		if text == "" {
			continue
		}
		start, ok := stamp(c, 0)
		if !ok || start < prevEnd {
			start = prevEnd
		}
		end, ok := stamp(c, 1)
		if !ok {
			end = max(duration, start)
			if i+1 < len(out.Chunks) {
				if next, ok := stamp(out.Chunks[i+1], 0); ok {
					end = next
				}
			}
		}
		if duration > 0 {
			start, end = min(start, duration), min(end, duration)
		}
		end = max(end, start)
		segs = append(segs, domain.TranscriptSegment{Start: start, End: end, Text: text})
		prevEnd = end
	}
	if len(segs) == 0 {
		if text := strings.TrimSpace(out.Text); text != "" {
			segs = []domain.TranscriptSegment{{End: duration, Text: text}}
		}
	}
	return segs
}
