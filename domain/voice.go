package domain

import (
	"context"
	"time"
)

// Audio formats a synthesis can be asked for.
const (
	AudioWAV = "wav"
	AudioMP3 = "mp3"
	AudioOGG = "ogg"
)

// SpeechRequest is one line to speak.
type SpeechRequest struct {
	Text    string
	VoiceID string
	// Speed is relative to normal (0.5–2.0).
	Speed float64
	// Format is AudioWAV, AudioMP3 or AudioOGG.
	Format string
}

// WordTiming is when a word is spoken (or was heard).
type WordTiming struct {
	Word  string
	Start time.Duration
	End   time.Duration
	// Confidence is 0–1 for recognised words; 0 for synthesised ones.
	Confidence float64
}

// PhonemeTiming is when a phoneme is spoken, with the viseme (mouth shape) a game can
// drive lip sync with.
type PhonemeTiming struct {
	Phoneme string
	Viseme  string
	Start   time.Duration
	End     time.Duration
}

// SpeechResult is synthesised audio.
type SpeechResult struct {
	Data        []byte
	ContentType string
	Format      string
	SampleRate  int
	Duration    time.Duration
	Engine      string
	Model       string
	VoiceID     string
	Words       []WordTiming
	// Phonemes are given where the engine can time them; empty otherwise. The services
	// fill them from the words' spelling when the engine gives none (withLipSync).
	Phonemes []PhonemeTiming
	// LipSync says how Phonemes were made: LipSyncMeasured, LipSyncEstimated or
	// LipSyncNone. Engines may leave it empty; withLipSync fills it in.
	LipSync string
}

// Voice is one voice of the catalogue.
type Voice struct {
	ID          string
	Name        string
	Engine      string
	Language    string
	Gender      string
	Description string
	Available   bool
}

// SpeechSynth is a text-to-speech engine: fal.ai (Kokoro and others) or local espeak-ng.
// An unknown voice is a *Error with CodeValidation (field voice_id); a missing engine is
// CodeEngineUnavailable naming the package to install.
type SpeechSynth interface {
	Synthesize(ctx context.Context, req SpeechRequest) (SpeechResult, error)
	// Voices lists the engine's voices, saying which are available right now.
	Voices(ctx context.Context) []Voice
	Status(ctx context.Context) DependencyHealth
}

// TranscribeRequest is audio to transcribe.
type TranscribeRequest struct {
	Audio []byte
	// ContentType is what the client said the audio is; engines sniff the bytes anyway.
	ContentType string
	Language    string
	Prompt      string
	// Phrases, when given, restrict recognition to these phrases (a closed grammar).
	Phrases []string
}

// TranscriptSegment is a stretch of recognised speech.
type TranscriptSegment struct {
	Start      time.Duration
	End        time.Duration
	Text       string
	Confidence float64
}

// Transcript is what was said.
type Transcript struct {
	Text     string
	Language string
	Duration time.Duration
	Segments []TranscriptSegment
	Words    []WordTiming
	Engine   string
	Model    string
}

// Limits on audio to transcribe.
const (
	MaxAudioBytes    = 16 << 20
	MaxAudioDuration = 120 * time.Second
)

// Codes for audio that cannot be transcribed (422).
const (
	CodeInvalidAudio  Code = "INVALID_AUDIO"
	CodeAudioTooLong  Code = "AUDIO_TOO_LONG"
	CodeAudioTooLarge Code = "AUDIO_TOO_LARGE"
)

// CheckAudioDuration is the one rule on how long audio to transcribe may last: longer
// than MaxAudioDuration is CodeAudioTooLong with details {max_seconds}. VoiceService
// applies it to audio whose length it can read from the header (WAV); an engine that
// decodes other formats applies it to what it decoded.
func CheckAudioDuration(d time.Duration) error {
	if d <= MaxAudioDuration {
		return nil
	}
	limit := int(MaxAudioDuration.Seconds())
	return Errorf(CodeAudioTooLong, "The audio lasts %s, longer than the %d seconds allowed.",
		d.Round(100*time.Millisecond), limit).WithDetails(map[string]any{"max_seconds": limit})
}

// Recognition modes a game can use.
const (
	ModeOpenVocabulary = "open_vocabulary"
	ModePhrases        = "phrases"
)

// RecognitionAdvice is what a speech-to-text engine is good for: the mode to use and a
// note with its measured accuracy, shown in the voice catalogue.
type RecognitionAdvice struct {
	Engine, Model   string
	RecommendedMode string
	Note            string
}

// Advisor is implemented by recognizers that know their own accuracy. One that does not
// is taken to be good at open vocabulary.
type Advisor interface {
	Advice() RecognitionAdvice
}

// SpeechRecognizer is a speech-to-text engine: fal.ai (Wizper/Whisper) or local
// pocketsphinx. Audio that is not audio, truncated, empty, of an unusable rate or too long
// is a *Error with CodeInvalidAudio or CodeAudioTooLong, never an internal error.
type SpeechRecognizer interface {
	Transcribe(ctx context.Context, req TranscribeRequest) (Transcript, error)
	Status(ctx context.Context) DependencyHealth
}

// KeepResolver returns wrapper, resolving voices as wrapped does when wrapped is a
// VoiceResolver. A wrapper of an engine (telemetry, test mode, metering) must not hide
// the engine's voice resolution from the services, which look for it by type.
func KeepResolver(wrapper, wrapped SpeechSynth) SpeechSynth {
	r, ok := wrapped.(VoiceResolver)
	if !ok {
		return wrapper
	}
	return resolvingSynth{wrapper, r}
}

// resolvingSynth is a synthesiser with the voice resolution of the engine it wraps.
type resolvingSynth struct {
	SpeechSynth
	VoiceResolver
}
