package falclient

import (
	"context"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
)

// The Kokoro endpoints (fal's Kokoro schema).
const (
	// KokoroEndpointPrefix starts every Kokoro endpoint: fal-ai/kokoro/<language>.
	KokoroEndpointPrefix = "fal-ai/kokoro/"
	// KokoroEndpoint is Kokoro's American English endpoint, the default voice's.
	KokoroEndpoint = KokoroEndpointPrefix + "american-english"
)

// KokoroVoicePrefix starts the id of every voice SpeechSynth lists: fal-kokoro-<voice>.
const KokoroVoicePrefix = "fal-kokoro-"

// DefaultVoiceID is the voice spoken when a request names none: af_heart, Kokoro's own
// default.
const DefaultVoiceID = KokoroVoicePrefix + "af_heart"

// SpeechSynth implements domain.SpeechSynth with fal's Kokoro endpoints.
//
// Its voices are Kokoro's, with ids fal-kokoro-<voice> (fal-kokoro-af_heart, …), each
// spoken by the endpoint of its language (fal-ai/kokoro/american-english, …). Troupe's
// local voice ids (local-en-us-m1 … m7, local-en-us-f1 … f5 and the same for en-gb) are
// accepted too and spoken by a Kokoro voice of the same accent and gender; the result's
// VoiceID is then the Kokoro voice that actually spoke. An empty voice id is
// DefaultVoiceID; any other is a validation error on voice_id.
//
// Kokoro takes prompt, voice and speed and answers one audio file, WAV as far as known
// (fal's AudioFile defaults to audio/wav; Kokoro renders 24 kHz mono; neither is
// confirmed for fal's Kokoro), and it has no format option. So the request's
// Format is not sent: the result reports the format actually returned (Format and
// ContentType from the bytes), and converting is the caller's business. SampleRate and
// Duration come from the WAV header, or from the output's duration and sample_rate when
// there is no header that says (audio that is not WAV) and fal sent them. Speed is sent
// clamped to Kokoro's 0.1–5, zero meaning 1.
//
// Kokoro gives no timings, so Words are estimates: the text's words are spread over the
// whole audio in proportion to their length in characters, with a gap after each word
// proportional to the space and punctuation that follow it (longer after a comma or a
// full stop, where speakers pause). They suit rough lip sync and subtitles, not
// alignment; their Confidence is 0. Leading and trailing silence in the audio is not
// detected, so estimates run slightly early and late at the ends. No phonemes are given.
//
// The request runs through fal's queue, and the audio is then downloaded from fal's media
// URL without the key, as ImageModel does.
type SpeechSynth struct {
	c *Client
}

var _ domain.SpeechSynth = (*SpeechSynth)(nil)

// NewSpeechSynth returns a SpeechSynth calling fal through c.
func NewSpeechSynth(c *Client) *SpeechSynth { return &SpeechSynth{c: c} }

// kokoroInput is a Kokoro endpoint's input.
type kokoroInput struct {
	Prompt string  `json:"prompt"`
	Voice  string  `json:"voice"`
	Speed  float64 `json:"speed"`
}

// kokoroOutput is a Kokoro endpoint's output. Duration and SampleRate are newer
// AudioFile fields (fal's File schema), read when present.
type kokoroOutput struct {
	Audio struct {
		URL         string   `json:"url"`
		ContentType string   `json:"content_type"`
		Duration    *float64 `json:"duration"`
		SampleRate  *float64 `json:"sample_rate"`
	} `json:"audio"`
}

// Voices lists every Kokoro voice; they are available when the client has a key.
func (s *SpeechSynth) Voices(context.Context) []domain.Voice {
	out := make([]domain.Voice, len(kokoroCatalogue))
	for i, v := range kokoroCatalogue {
		out[i] = v.voice
		out[i].Available = s.c.Configured()
	}
	return out
}

// Resolve returns the Kokoro voice that speaks id: its own for a fal-kokoro-… id, the
// mapped one for a local id, DefaultVoiceID's for "". Any other id is a validation error
// on voice_id.
func (s *SpeechSynth) Resolve(id string) (domain.Voice, error) {
	v, err := resolveVoice(id)
	if err != nil {
		return domain.Voice{}, err
	}
	v.voice.Available = s.c.Configured()
	return v.voice, nil
}

func resolveVoice(id string) (kokoroVoice, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		id = DefaultVoiceID
	}
	if mapped, ok := localVoices[id]; ok {
		id = mapped
	}
	v, ok := kokoroByID[id]
	if !ok {
		return kokoroVoice{}, domain.ValidationError(domain.FieldError{Field: "voice_id",
			Message: "unknown voice; see GET /v1/voice/voices for the voices of engine fal"})
	}
	return v, nil
}

// Synthesize speaks req.Text with Kokoro and returns the audio's bytes.
func (s *SpeechSynth) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	if !s.c.Configured() {
		return domain.SpeechResult{}, errNoKey()
	}
	v, err := resolveVoice(req.VoiceID)
	if err != nil {
		return domain.SpeechResult{}, err
	}
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return domain.SpeechResult{}, domain.ValidationError(domain.FieldError{Field: "text", Message: "must not be empty"})
	}
	in := kokoroInput{Prompt: text, Voice: v.name, Speed: kokoroSpeed(req.Speed)}
	var out kokoroOutput
	if err := s.c.Subscribe(ctx, v.endpoint, in, &out); err != nil {
		return domain.SpeechResult{}, err
	}
	o := &op{endpoint: v.endpoint, key: s.c.cfg.Key}
	if out.Audio.URL == "" {
		return domain.SpeechResult{}, o.badAnswer(http.StatusOK, nil, errors.New("output without an audio URL"))
	}
	data, header, err := s.c.download(ctx, v.endpoint, out.Audio.URL, audioMedia)
	if err != nil {
		return domain.SpeechResult{}, err
	}
	a, err := describeAudio(data, header, out.Audio.ContentType)
	if err != nil {
		return domain.SpeechResult{}, downloadErr(o.badAnswer(http.StatusOK, data[:min(len(data), maxDetailBody)], err))
	}
	// Only WAV headers are read; for what they do not say, trust fal when it says it.
	if d := out.Audio.Duration; a.duration == 0 && d != nil && *d > 0 && *d < 1e6 {
		a.duration = time.Duration(*d * float64(time.Second))
	}
	if r := out.Audio.SampleRate; a.sampleRate == 0 && r != nil && *r > 0 && *r < 1e7 {
		a.sampleRate = int(*r)
	}
	return domain.SpeechResult{
		Data:        data,
		ContentType: a.contentType,
		Format:      a.format,
		SampleRate:  a.sampleRate,
		Duration:    a.duration,
		Engine:      engineName,
		Model:       v.endpoint,
		VoiceID:     v.voice.ID,
		Words:       estimateWords(text, 0, a.duration),
	}, nil
}

// Status reports the engine ready when a key is set, without calling fal.
func (s *SpeechSynth) Status(context.Context) domain.DependencyHealth {
	return keyHealth(s.c, KokoroEndpoint)
}

// kokoroSpeed maps a requested speed to Kokoro's range, 0.1 to 5; zero (unset) and NaN
// are normal speed.
func kokoroSpeed(v float64) float64 {
	if v == 0 || math.IsNaN(v) {
		return 1
	}
	return min(max(v, 0.1), 5)
}

// audioInfo is what is known of a piece of audio.
type audioInfo struct {
	format      string
	contentType string
	sampleRate  int
	duration    time.Duration
}

// describeAudio names downloaded audio's format and content type, from its bytes when
// they are recognised, else from the first audio/* type among the response's and the
// file object's; for WAV it reads the header. Bytes that are not audio, and a WAV that
// cannot be read, are errors.
func describeAudio(data []byte, header, declared string) (audioInfo, error) {
	if len(data) == 0 {
		return audioInfo{}, errors.New("the audio URL served nothing")
	}
	a := audioInfo{format: audio.Sniff(data)}
	if a.format == "" {
		for _, t := range []string{header, declared} {
			if mt, _, err := mime.ParseMediaType(t); err == nil && strings.HasPrefix(mt, "audio/") {
				a.format, a.contentType = strings.TrimPrefix(mt, "audio/"), mt
				break
			}
		}
		if a.format == "" {
			return audioInfo{}, errors.New("the audio URL did not serve audio")
		}
		return a, nil
	}
	a.contentType = audio.ContentType(a.format)
	if a.format == audio.FormatWAV {
		rate, d, err := readWAV(data)
		if err != nil {
			return audioInfo{}, fmt.Errorf("the audio is not a valid WAV file: %w", err)
		}
		a.sampleRate, a.duration = rate, d
	}
	return a, nil
}
