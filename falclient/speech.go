package falclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// The speech endpoints (fal's Kokoro and Whisper/Wizper schemas).
const (
	// KokoroEndpointPrefix starts every Kokoro endpoint: fal-ai/kokoro/<language>.
	KokoroEndpointPrefix = "fal-ai/kokoro/"
	// KokoroEndpoint is Kokoro's American English endpoint, the default voice's.
	KokoroEndpoint = KokoroEndpointPrefix + "american-english"
	// WizperEndpoint is Whisper v3 large, fal's faster variant; SpeechRecognizer's default.
	WizperEndpoint = "fal-ai/wizper"
	// WhisperEndpoint is fal's plain Whisper. Unlike Wizper it takes a prompt; whether fal
	// still serves it is unconfirmed (fal's Whisper/Wizper schemas).
	WhisperEndpoint = "fal-ai/whisper"
)

// KokoroVoicePrefix starts the id of every voice SpeechSynth lists: fal-kokoro-<voice>.
const KokoroVoicePrefix = "fal-kokoro-"

// DefaultVoiceID is the voice spoken when a request names none: af_heart, Kokoro's own
// default.
const DefaultVoiceID = KokoroVoicePrefix + "af_heart"

// kokoroLanguage is one Kokoro endpoint: its path under KokoroEndpointPrefix, the
// language's name and BCP 47 tag, and its voices (fal's Kokoro schema).
type kokoroLanguage struct {
	path, name, tag string
	voices          []string
}

var kokoroLanguages = []kokoroLanguage{
	{"american-english", "American English", "en-US", []string{"af_heart", "af_alloy", "af_aoede", "af_bella",
		"af_jessica", "af_kore", "af_nicole", "af_nova", "af_river", "af_sarah", "af_sky", "am_adam", "am_echo",
		"am_eric", "am_fenrir", "am_liam", "am_michael", "am_onyx", "am_puck", "am_santa"}},
	{"british-english", "British English", "en-GB", []string{"bf_alice", "bf_emma", "bf_isabella", "bf_lily",
		"bm_daniel", "bm_fable", "bm_george", "bm_lewis"}},
	{"spanish", "Spanish", "es", []string{"ef_dora", "em_alex", "em_santa"}},
	{"french", "French", "fr-FR", []string{"ff_siwis"}},
	{"italian", "Italian", "it", []string{"if_sara", "im_nicola"}},
	{"japanese", "Japanese", "ja", []string{"jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"}},
	{"mandarin-chinese", "Mandarin Chinese", "zh-CN", []string{"zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi",
		"zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang"}},
	{"hindi", "Hindi", "hi", []string{"hf_alpha", "hf_beta", "hm_omega", "hm_psi"}},
	{"brazilian-portuguese", "Brazilian Portuguese", "pt-BR", []string{"pf_dora", "pm_alex", "pm_santa"}},
}

// kokoroVoice is one voice of the catalogue: what to send and what to list.
type kokoroVoice struct {
	endpoint string
	name     string // Kokoro's voice name, e.g. af_heart
	voice    domain.Voice
}

// localVoices maps Troupe's local espeak-ng voice ids to Kokoro voices of the same
// accent and gender, so characters created offline keep a comparable voice when FAL_KEY
// is set. espeak-ng has male variants m1–m7 and female f1–f5; Kokoro has fewer British
// voices than that, so some British variants share one.
var localVoices = func() map[string]string {
	m := map[string]string{}
	variants := []struct {
		prefix string
		kokoro []string
	}{
		{"local-en-us-m", []string{"am_adam", "am_michael", "am_eric", "am_liam", "am_onyx", "am_fenrir", "am_puck"}},
		{"local-en-us-f", []string{"af_heart", "af_bella", "af_nicole", "af_sarah", "af_sky"}},
		{"local-en-gb-m", []string{"bm_george", "bm_lewis", "bm_daniel", "bm_fable", "bm_george", "bm_lewis", "bm_daniel"}},
		{"local-en-gb-f", []string{"bf_emma", "bf_isabella", "bf_alice", "bf_lily", "bf_emma"}},
	}
	for _, v := range variants {
		for i, k := range v.kokoro {
			m[fmt.Sprintf("%s%d", v.prefix, i+1)] = KokoroVoicePrefix + k
		}
	}
	return m
}()

// kokoroCatalogue is every Kokoro voice, in the order of fal's Kokoro schema, and the same
// voices by id.
var kokoroCatalogue, kokoroByID = func() ([]kokoroVoice, map[string]kokoroVoice) {
	var list []kokoroVoice
	byID := map[string]kokoroVoice{}
	for _, l := range kokoroLanguages {
		for _, name := range l.voices {
			gender := "female"
			if name[1] == 'm' {
				gender = "male"
			}
			display := name[strings.IndexByte(name, '_')+1:]
			display = strings.ToUpper(display[:1]) + display[1:]
			v := kokoroVoice{endpoint: KokoroEndpointPrefix + l.path, name: name, voice: domain.Voice{
				ID:          KokoroVoicePrefix + name,
				Name:        display + " (" + l.name + ")",
				Engine:      engineName,
				Language:    l.tag,
				Gender:      gender,
				Description: fmt.Sprintf("Kokoro %s %s voice %q, on fal.ai.", l.name, gender, name),
			}}
			list = append(list, v)
			byID[v.voice.ID] = v
		}
	}
	return list, byID
}()

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
// Duration come from the WAV header (or from the output's duration and sample_rate when
// the audio is not WAV and fal sent them). Speed is sent clamped to Kokoro's 0.1–5,
// zero meaning 1.
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
	data, header, err := s.c.fetchFile(ctx, v.endpoint, out.Audio.URL, nil)
	if err != nil {
		return domain.SpeechResult{}, err
	}
	a, err := describeAudio(data, header, out.Audio.ContentType)
	if err != nil {
		return domain.SpeechResult{}, downloadErr(o.badAnswer(http.StatusOK, data[:min(len(data), maxDetailBody)], err))
	}
	if a.format != domain.AudioWAV {
		// Only WAV is parsed; for anything else trust what fal says, when it says it.
		if d := out.Audio.Duration; d != nil && *d > 0 && *d < 1e6 {
			a.duration = time.Duration(*d * float64(time.Second))
		}
		if r := out.Audio.SampleRate; r != nil && *r > 0 && *r < 1e7 {
			a.sampleRate = int(*r)
		}
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

// keyHealth is the health of an adapter that needs nothing but a key.
func keyHealth(c *Client, model string) domain.DependencyHealth {
	h := domain.DependencyHealth{Status: domain.StatusOK, Engine: engineName, Model: model}
	if !c.Configured() {
		h.Status, h.Detail = domain.StatusUnavailable, "FAL_KEY is not set"
	}
	return h
}

// SpeechRecognizer implements domain.SpeechRecognizer with fal's Whisper endpoints:
// fal-ai/wizper by default, or another with WithSTTEndpoint.
//
// The audio is sent inline as a base64 data URI (fal takes one wherever it takes a URL),
// so nothing is uploaded; fal documents no size limit for data URIs, and Troupe's own
// limits (domain.MaxAudioBytes, domain.MaxAudioDuration) keep the request body near
// 22 MB at most. Whisper takes WAV, MP3, MP4/M4A and WebM; the bytes are sniffed
// (TranscribeRequest.ContentType is ignored), and anything else is CodeInvalidAudio, as
// are empty audio and a WAV that is truncated, has no samples or an unusable rate. A
// WAV longer than domain.MaxAudioDuration is CodeAudioTooLong, more than
// domain.MaxAudioBytes CodeAudioTooLarge, all before anything is sent.
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

// phraseSnapDistance is how far (normalised edit distance) a transcript may be from a
// phrase and still be taken for it.
const phraseSnapDistance = 0.25

// Transcribe sends req.Audio to Whisper and returns what was said.
func (r *SpeechRecognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	if !r.c.Configured() {
		return domain.Transcript{}, errNoKey()
	}
	audio, err := checkAudio(req.Audio)
	if err != nil {
		return domain.Transcript{}, err
	}
	lang, err := whisperLanguage(req.Language)
	if err != nil {
		return domain.Transcript{}, err
	}
	in := sttInput{
		AudioURL:   "data:" + audio.contentType + ";base64," + base64.StdEncoding.EncodeToString(req.Audio),
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
		Duration: audio.duration,
		Engine:   engineName,
		Model:    r.spec.endpoint,
	}
	t.Segments = segments(out, audio.duration)
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
		span := domain.TranscriptSegment{End: audio.duration, Text: phrase}
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
	a := audioInfo{format: sniffAudio(b)}
	switch a.format {
	case domain.AudioWAV:
		w, err := parseWAV(b)
		if err != nil {
			return audioInfo{}, audioError(domain.CodeInvalidAudio, "The audio is not a valid WAV file: "+err.Error()+".")
		}
		if w.sampleRate < 4000 || w.sampleRate > 192000 {
			return audioInfo{}, audioError(domain.CodeInvalidAudio,
				fmt.Sprintf("The WAV file's sample rate, %d Hz, is not usable (4000 to 192000 Hz).", w.sampleRate))
		}
		if w.duration == 0 {
			return audioInfo{}, audioError(domain.CodeInvalidAudio, "The WAV file contains no samples.")
		}
		if w.duration > domain.MaxAudioDuration {
			return audioInfo{}, audioError(domain.CodeAudioTooLong, fmt.Sprintf("The audio lasts %s, longer than %s.",
				w.duration.Round(100*time.Millisecond), domain.MaxAudioDuration))
		}
		a.sampleRate, a.duration = w.sampleRate, w.duration
	case "mp3", "mp4", "webm":
	default:
		return audioInfo{}, audioError(domain.CodeInvalidAudio, "The audio must be WAV, MP3, MP4/M4A or WebM.")
	}
	a.contentType = audioTypes[a.format]
	return a, nil
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

// snapPhrase returns the phrase closest to text when it is within phraseSnapDistance
// (normalised edit distance); the first wins a tie.
func snapPhrase(text string, phrases []string) (string, bool) {
	t := []rune(normalise(text))
	if len(t) == 0 {
		return "", false
	}
	best, bestD := "", math.Inf(1)
	for _, p := range phrases {
		n := []rune(normalise(p))
		if len(n) == 0 {
			continue
		}
		d := float64(editDistance(t, n)) / float64(max(len(t), len(n)))
		if d < bestD {
			best, bestD = strings.TrimSpace(p), d
		}
	}
	return best, bestD <= phraseSnapDistance
}

// normalise lower-cases s and keeps only letters and digits, words separated by single
// spaces, so punctuation and case never count as recognition errors.
func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}

// estimateWords spreads the words of text over [start, end] in proportion to their
// length: a word weighs its letters and digits, the gap after it one unit for the space
// plus two per comma-like and four per stop-like punctuation mark (where speakers
// pause), one per other character. Tokens with no letters or digits only lengthen the
// gap before them. Timings are monotonic and within [start, end]; an empty span gives
// none.
func estimateWords(text string, start, end time.Duration) []domain.WordTiming {
	if end <= start {
		return nil
	}
	type token struct {
		word       string
		weight     int64
		gap        int64 // after it
		startUnits int64
	}
	var toks []token
	for _, f := range strings.Fields(text) {
		word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		var pause int64
		for _, r := range f {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
			case strings.ContainsRune(".!?…", r):
				pause += 4
			case strings.ContainsRune(",;:—–", r):
				pause += 2
			default:
				pause++
			}
		}
		if word == "" {
			if len(toks) > 0 {
				toks[len(toks)-1].gap += pause
			}
			continue
		}
		toks = append(toks, token{word: word, weight: int64(utf8.RuneCountInString(word)), gap: 1 + pause})
	}
	if len(toks) == 0 {
		return nil
	}
	var total int64
	for i := range toks {
		toks[i].startUnits = total
		total += toks[i].weight
		if i < len(toks)-1 {
			total += toks[i].gap
		}
	}
	// Exact integer arithmetic keeps the timings monotonic; the 128-bit product cannot
	// overflow however long the audio or the text, and the quotient is at most span.
	span := uint64(end - start)
	at := func(units int64) time.Duration {
		hi, lo := bits.Mul64(span, uint64(units))
		q, _ := bits.Div64(hi, lo, uint64(total))
		return start + time.Duration(q)
	}
	words := make([]domain.WordTiming, len(toks))
	for i, t := range toks {
		words[i] = domain.WordTiming{Word: t.word, Start: at(t.startUnits), End: at(t.startUnits + t.weight)}
	}
	return words
}

// audioTypes are the content types of the audio formats recognised by sniffAudio.
var audioTypes = map[string]string{
	domain.AudioWAV: "audio/wav",
	domain.AudioMP3: "audio/mpeg",
	domain.AudioOGG: "audio/ogg",
	"flac":          "audio/flac",
	"webm":          "audio/webm",
	"mp4":           "audio/mp4",
}

// sniffAudio names the audio format of b by its signature: wav, mp3, ogg, flac, webm or
// mp4 (M4A included); "" when it is none of them.
func sniffAudio(b []byte) string {
	switch {
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return domain.AudioWAV
	case bytes.HasPrefix(b, []byte("ID3")):
		return domain.AudioMP3
	// An MPEG audio frame: 11 sync bits, then a layer other than 00 (which is AAC's ADTS).
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0:
		return domain.AudioMP3
	case bytes.HasPrefix(b, []byte("OggS")):
		return domain.AudioOGG
	case bytes.HasPrefix(b, []byte("fLaC")):
		return "flac"
	case bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "webm"
	case len(b) >= 8 && string(b[4:8]) == "ftyp":
		return "mp4"
	}
	return ""
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
	a := audioInfo{format: sniffAudio(data)}
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
	a.contentType = audioTypes[a.format]
	if a.format == domain.AudioWAV {
		w, err := parseWAV(data)
		if err != nil {
			return audioInfo{}, fmt.Errorf("the audio is not a valid WAV file: %w", err)
		}
		a.sampleRate, a.duration = w.sampleRate, w.duration
	}
	return a, nil
}

// wavInfo is what a WAV header says.
type wavInfo struct {
	sampleRate int
	channels   int
	duration   time.Duration
}

// parseWAV reads a RIFF/WAVE file's format and duration, walking its chunks (LIST and
// others are skipped). A data chunk whose size is 0 or 0xFFFFFFFF, as streaming writers
// leave it, runs to the end of the file; one that claims more bytes than there are is
// truncated, and an error.
func parseWAV(b []byte) (wavInfo, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return wavInfo{}, errors.New("no RIFF/WAVE header")
	}
	var w wavInfo
	var blockAlign int
	haveFmt := false
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		size := int64(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		rest := int64(len(b) - p - 8)
		if id == "data" {
			if !haveFmt {
				return wavInfo{}, errors.New("data before the fmt chunk")
			}
			switch {
			case size == 0 || size == 0xFFFFFFFF:
				size = rest
			case size > rest:
				return wavInfo{}, fmt.Errorf("truncated: %d of %d data bytes", rest, size)
			}
			frames := size / int64(blockAlign)
			w.duration = time.Duration(frames * int64(time.Second) / int64(w.sampleRate))
			return w, nil
		}
		if size > rest {
			return wavInfo{}, fmt.Errorf("truncated %q chunk", id)
		}
		if id == "fmt " {
			if size < 16 {
				return wavInfo{}, errors.New("fmt chunk too short")
			}
			f := b[p+8:]
			w.channels = int(binary.LittleEndian.Uint16(f[2:4]))
			w.sampleRate = int(binary.LittleEndian.Uint32(f[4:8]))
			blockAlign = int(binary.LittleEndian.Uint16(f[12:14]))
			if w.channels == 0 || w.sampleRate == 0 || blockAlign == 0 {
				return wavInfo{}, errors.New("fmt chunk with zero channels, rate or block size")
			}
			haveFmt = true
		}
		p += 8 + int(size) + int(size%2)
	}
	if !haveFmt {
		return wavInfo{}, errors.New("no fmt chunk")
	}
	return wavInfo{}, errors.New("no data chunk")
}

// fetchFile fetches a file fal produced: it decodes a data URI, or downloads a media URL
// without the key (fal's media URLs are public and the key must reach fal's API hosts
// only), bounded by Timeout and retried like every call, and returns the bytes and the
// response's (or the data URI's) content type, after accept when it is not nil. Failures
// carry details {"stage": "download"}.
func (c *Client) fetchFile(ctx context.Context, endpoint, rawURL string, accept func(o *op, data []byte, contentType string) ([]byte, string, error)) ([]byte, string, error) {
	o, err := c.begin(ctx, endpoint, c.cfg.Timeout)
	if err != nil {
		return nil, "", err
	}
	defer o.end()
	if strings.HasPrefix(rawURL, "data:") {
		data, ct, err := decodeDataURI(rawURL)
		if err != nil {
			return nil, "", downloadErr(o.badAnswer(http.StatusOK, nil, err))
		}
		return acceptWith(accept, o, data, ct)
	}
	// Media URLs follow the queue's rule: https, or http only against a local fake.
	if err := c.checkQueueURL(rawURL); err != nil {
		return nil, "", downloadErr(o.badAnswer(http.StatusOK, nil, fmt.Errorf("media URL: %w", err)))
	}
	for attempt := 0; ; attempt++ {
		resp, body, failure, retry, wait := c.fetch(o, rawURL, attempt)
		if failure == nil {
			return acceptWith(accept, o, body, resp.Header.Get("Content-Type"))
		}
		if err := o.doneErr(); err != nil {
			return nil, "", err
		}
		if !retry || attempt >= c.cfg.MaxRetries {
			return nil, "", downloadErr(failure)
		}
		if dl, ok := o.ctx.Deadline(); ok && time.Until(dl) <= wait {
			return nil, "", downloadErr(failure)
		}
		if err := c.sleep(o.ctx, wait); err != nil {
			if err := o.doneErr(); err != nil {
				return nil, "", err
			}
			return nil, "", downloadErr(failure)
		}
	}
}

func acceptWith(accept func(*op, []byte, string) ([]byte, string, error), o *op, data []byte, contentType string) ([]byte, string, error) {
	if accept == nil {
		return data, contentType, nil
	}
	return accept(o, data, contentType)
}
