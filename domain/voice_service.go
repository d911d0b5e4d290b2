package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/audio"
)

// VoiceService transcribes speech and lists voices.
type VoiceService struct {
	Synth      SpeechSynth
	Recognizer SpeechRecognizer
	// Others are the engines not in use, listed in the catalogue so studios see every
	// voice; theirs are available only when the active engine accepts their ids.
	Others []SpeechSynth
	// Fetch downloads audio from a URL under the same SSRF rules as webhooks.
	Fetch func(ctx context.Context, url string, max int64) ([]byte, string, error)
	// Characters gives a streamed synthesis the voice of the character it names.
	Characters CharacterStore
	// MaxStreams is how many speech streams (StreamSpeech) one tenant may have open at
	// once on this server; 0 means DefaultMaxSpeechStreams. Synthesis is CPU work on the
	// local engine and a paid call per sentence on fal, so one tenant's streams must not
	// starve the others'. The count is per server process: N replicas allow N times as
	// many.
	MaxStreams int
	// Advisor, when set, is the recognizer's own word on what it is good for (it is
	// given apart because the wrappers around Recognizer hide it); nil means good at
	// open vocabulary.
	Advisor Advisor

	slots streamSlots
}

// TranscribeInput is audio given inline or by URL.
type TranscribeInput struct {
	Audio       []byte
	ContentType string
	URL         string
	Language    string
	Prompt      string
	Phrases     []string
}

// MaxPhrases is the most phrases a transcription may be restricted to, and MaxPhraseRunes
// the longest phrase, as the spec's STTRequest.phrases allows.
const (
	MaxPhrases     = 200
	MaxPhraseRunes = 200
)

// Transcribe checks the phrases (blank ones are dropped, then at most MaxPhrases of at
// most MaxPhraseRunes each), fetches the audio when given by URL, checks its size and
// transcribes it.
func (v *VoiceService) Transcribe(ctx context.Context, in TranscribeInput) (*Transcript, error) {
	var phrases []string
	for _, p := range in.Phrases {
		if p = strings.TrimSpace(p); p != "" {
			phrases = append(phrases, p)
		}
	}
	// The spec caps the list, but a multipart field may hold several phrases, one per
	// line, so the cap is checked here on the phrases themselves, before any fetch.
	if len(phrases) > MaxPhrases {
		return nil, ValidationError(FieldError{Field: "phrases",
			Message: fmt.Sprintf("has %d phrases; at most %d are allowed", len(phrases), MaxPhrases)})
	}
	for _, p := range phrases {
		if utf8.RuneCountInString(p) > MaxPhraseRunes {
			return nil, ValidationError(FieldError{Field: "phrases",
				Message: fmt.Sprintf("has a phrase longer than %d characters", MaxPhraseRunes)})
		}
	}
	if in.URL != "" {
		data, ct, err := v.Fetch(ctx, in.URL, MaxAudioBytes)
		if err != nil {
			var de *Error
			if errors.As(err, &de) {
				return nil, err
			}
			return nil, ValidationError(urlFieldError("audio_url", err))
		}
		in.Audio, in.ContentType = data, ct
	}
	if len(in.Audio) == 0 {
		return nil, Errorf(CodeInvalidAudio, "The audio is empty.")
	}
	if len(in.Audio) > MaxAudioBytes {
		return nil, Errorf(CodeAudioTooLarge, "The audio is larger than %d bytes.", MaxAudioBytes).
			WithDetails(map[string]any{"max_bytes": MaxAudioBytes})
	}
	// The length of WAV is in its header: checked here, once, for every engine, before
	// any decoding. Other formats are checked by the engine that decodes them.
	if audio.Sniff(in.Audio) == audio.FormatWAV {
		if w, err := audio.ParseWAV(in.Audio); err == nil || errors.Is(err, audio.ErrNoSamples) {
			if err := CheckAudioDuration(w.Duration()); err != nil {
				return nil, err
			}
		}
	}
	t, err := v.Recognizer.Transcribe(ctx, TranscribeRequest{
		Audio: in.Audio, ContentType: in.ContentType, Language: in.Language, Prompt: in.Prompt, Phrases: phrases,
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Voices lists every voice of every engine, with whether it can be used right now: the
// active engine's as it says, the others' when the active engine resolves their ids.
func (v *VoiceService) Voices(ctx context.Context) []Voice {
	out := v.Synth.Voices(ctx)
	seen := map[string]bool{}
	for _, voice := range out {
		seen[voice.ID] = true
	}
	resolver, _ := v.Synth.(VoiceResolver)
	if InTestMode(ctx) {
		resolver = nil // test-mode work runs on the local engine: no mapping applies
	}
	for _, other := range v.Others {
		for _, voice := range other.Voices(ctx) {
			if seen[voice.ID] {
				continue
			}
			seen[voice.ID] = true
			voice.Available = false
			if resolver != nil {
				if r, err := resolver.Resolve(voice.ID); err == nil {
					voice.Available = r.Available
				}
			}
			out = append(out, voice)
		}
	}
	return out
}

// RecognitionAdvice says which mode the active recognizer is good for.
func (v *VoiceService) RecognitionAdvice(ctx context.Context) RecognitionAdvice {
	if v.Advisor != nil {
		return v.Advisor.Advice()
	}
	st := v.Recognizer.Status(ctx)
	return RecognitionAdvice{Engine: st.Engine, Model: st.Model, RecommendedMode: ModeOpenVocabulary,
		Note: "Open vocabulary transcribes any speech; phrases restrict it to known commands."}
}

// SpeechStatus is the health of speech: synthesis and recognition, the worse of the two.
func (v *VoiceService) SpeechStatus(ctx context.Context) DependencyHealth {
	synth, rec := v.Synth.Status(ctx), v.Recognizer.Status(ctx)
	h := synth
	if rec.Status != StatusOK {
		h.Status = StatusDegraded
		if synth.Status != StatusOK {
			h.Status = StatusUnavailable
		}
		h.Detail = strings.TrimPrefix(strings.Join([]string{synth.Detail, "recognition: " + rec.Detail}, "; "), "; ")
	}
	h.Model = strings.Trim(synth.Model+" + "+rec.Model, " +")
	return h
}

// VoiceCatalog knows which voice ids exist.
type VoiceCatalog interface {
	KnowsVoice(ctx context.Context, id string) bool
}

var _ VoiceCatalog = (*VoiceService)(nil)

// KnowsVoice reports whether id is a voice some engine's catalogue lists (available now or
// not): a voice a character may be given. Ids the active engine resolves count too (fal
// maps the local voice ids to its own).
func (v *VoiceService) KnowsVoice(ctx context.Context, id string) bool {
	if r, ok := v.Synth.(VoiceResolver); ok && !InTestMode(ctx) {
		if _, err := r.Resolve(id); err == nil {
			return true
		}
	}
	for _, voice := range v.Voices(ctx) {
		if voice.ID == id {
			return true
		}
	}
	return false
}
