package faltest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"mime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The speech endpoints New registers built-in handlers for (fal's Kokoro and
// Whisper/Wizper schemas). Every Kokoro language has one; these are the two Troupe uses most.
const (
	KokoroAmericanEnglish = "fal-ai/kokoro/american-english"
	KokoroBritishEnglish  = "fal-ai/kokoro/british-english"
	Wizper                = "fal-ai/wizper"
	Whisper               = "fal-ai/whisper"
)

// SpeechSampleRate is the sample rate of the audio the Kokoro handlers render: 24 kHz
// mono 16-bit PCM, as Kokoro itself produces.
const SpeechSampleRate = 24000

// DefaultTranscript is what the Whisper handlers hear in audio that is not the fake's own
// speech, unless Transcript says otherwise.
const DefaultTranscript = "Hello there, traveller. What brings you to the village?"

// kokoroVoices are each Kokoro endpoint's voices, its default first for
// american-english (fal's documented default, af_heart). For the other languages fal's
// default is not documented; the fake takes the first listed.
var kokoroVoices = map[string][]string{
	KokoroAmericanEnglish: {"af_heart", "af_alloy", "af_aoede", "af_bella", "af_jessica", "af_kore", "af_nicole",
		"af_nova", "af_river", "af_sarah", "af_sky", "am_adam", "am_echo", "am_eric", "am_fenrir", "am_liam",
		"am_michael", "am_onyx", "am_puck", "am_santa"},
	KokoroBritishEnglish:                 {"bf_alice", "bf_emma", "bf_isabella", "bf_lily", "bm_daniel", "bm_fable", "bm_george", "bm_lewis"},
	"fal-ai/kokoro/spanish":              {"ef_dora", "em_alex", "em_santa"},
	"fal-ai/kokoro/french":               {"ff_siwis"},
	"fal-ai/kokoro/italian":              {"if_sara", "im_nicola"},
	"fal-ai/kokoro/japanese":             {"jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"},
	"fal-ai/kokoro/mandarin-chinese":     {"zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi", "zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang"},
	"fal-ai/kokoro/hindi":                {"hf_alpha", "hf_beta", "hm_omega", "hm_psi"},
	"fal-ai/kokoro/brazilian-portuguese": {"pf_dora", "pm_alex", "pm_santa"},
}

// AudioFile is an audio output file, shaped like fal's File.
type AudioFile struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	FileName    string `json:"file_name"`
	FileSize    int    `json:"file_size"`
}

// KokoroOutput is a Kokoro endpoint's output.
type KokoroOutput struct {
	Audio AudioFile `json:"audio"`
}

// TranscriptChunk is one chunk of a Whisper transcript: [start, end] in seconds and its
// text.
type TranscriptChunk struct {
	Timestamp [2]float64 `json:"timestamp"`
	Text      string     `json:"text"`
}

// TranscriptOutput is fal-ai/wizper's and fal-ai/whisper's output. Wizper reports
// Languages, Whisper InferredLanguages (fal's Whisper/Wizper schemas).
type TranscriptOutput struct {
	Text              string            `json:"text"`
	Chunks            []TranscriptChunk `json:"chunks"`
	Languages         []string          `json:"languages,omitempty"`
	InferredLanguages []string          `json:"inferred_languages,omitempty"`
}

// registerSpeech installs the built-in Kokoro and Whisper handlers; Handle replaces them.
func (s *Server) registerSpeech() {
	for endpoint := range kokoroVoices {
		s.handlers[endpoint] = s.KokoroHandler(endpoint)
	}
	s.handlers[Wizper] = s.transcriber(Wizper, nil)
	s.handlers[Whisper] = s.transcriber(Whisper, nil)
}

// Transcript makes fal-ai/wizper and fal-ai/whisper hear text in any valid audio from
// now on, replacing their handlers. Input validation is unchanged; "" means silence.
func (s *Server) Transcript(text string) {
	s.Handle(Wizper, s.transcriber(Wizper, &text))
	s.Handle(Whisper, s.transcriber(Whisper, &text))
}

// KokoroHandler returns the built-in handler of a Kokoro endpoint
// (fal-ai/kokoro/<language>), for tests that wrap it. It validates the input as fal's
// schema does (prompt, required except for american-english; voice, one of the
// endpoint's; speed from 0.1 to 5), renders SpeechAudio and serves it at
// {URL}/files/{id}.wav. It panics for any other endpoint.
func (s *Server) KokoroHandler(endpoint string) HandlerFunc {
	voices, ok := kokoroVoices[endpoint]
	if !ok {
		panic("faltest: no built-in Kokoro handler for " + endpoint)
	}
	return func(input json.RawMessage) (any, *Failure) {
		raw, fail := object(input)
		if fail != nil {
			return nil, fail
		}
		var prompt string
		v, ok := raw["prompt"]
		switch {
		case !ok && endpoint != KokoroAmericanEnglish:
			return nil, invalidAt("Field required", "missing", "body", "prompt")
		case ok && json.Unmarshal(v, &prompt) != nil:
			return nil, invalidAt("Input should be a valid string", "string_type", "body", "prompt")
		}
		voice := voices[0]
		if v, ok := raw["voice"]; ok {
			if json.Unmarshal(v, &voice) != nil || !slices.Contains(voices, voice) {
				return nil, invalidAt("Input should be one of "+strings.Join(voices, ", "), "enum", "body", "voice")
			}
		}
		speed := 1.0
		if v, ok := raw["speed"]; ok {
			if json.Unmarshal(v, &speed) != nil || speed < 0.1 || speed > 5 {
				return nil, invalidAt("Input should be a number from 0.1 to 5", "float_range", "body", "speed")
			}
		}
		data := SpeechAudio(prompt, voice, speed)
		url := s.PutFile(data, "audio/wav")
		return KokoroOutput{Audio: AudioFile{
			URL: url, ContentType: "audio/wav", FileName: url[strings.LastIndexByte(url, '/')+1:], FileSize: len(data),
		}}, nil
	}
}

// TranscriptHandler returns the built-in handler of fal-ai/wizper or fal-ai/whisper, for
// tests that wrap it. It validates the input (audio_url required: a data URI of audio or
// the URL of a file this server serves; task transcribe or translate; language a 2- or
// 3-letter code; chunk_level none, segment or word) and answers 422 in fal's validation
// shape otherwise. What it hears: the text the fake's own Kokoro handlers spoke into a
// WAV (kept in the file's INFO comment), else DefaultTranscript; silent or empty audio is
// heard as "". Chunks are the transcript's sentences (or words, for chunk_level word)
// spread over the audio's duration in proportion to their length. It panics for any
// other endpoint.
func (s *Server) TranscriptHandler(endpoint string) HandlerFunc {
	if endpoint != Wizper && endpoint != Whisper {
		panic("faltest: no built-in transcript handler for " + endpoint)
	}
	return s.transcriber(endpoint, nil)
}

// transcriber is a Whisper handler that hears *fixed when it is not nil.
func (s *Server) transcriber(endpoint string, fixed *string) HandlerFunc {
	return func(input json.RawMessage) (any, *Failure) {
		raw, fail := object(input)
		if fail != nil {
			return nil, fail
		}
		var audioURL string
		if json.Unmarshal(raw["audio_url"], &audioURL) != nil || audioURL == "" {
			return nil, invalidAt("Field required", "missing", "body", "audio_url")
		}
		if v, ok := raw["task"]; ok {
			var task string
			if json.Unmarshal(v, &task) != nil || (task != "transcribe" && task != "translate") {
				return nil, invalidAt("Input should be 'transcribe' or 'translate'", "enum", "body", "task")
			}
		}
		lang := "en"
		if v, ok := raw["language"]; ok {
			if json.Unmarshal(v, &lang) != nil || !isLanguage(lang) {
				return nil, invalidAt("Input should be a supported ISO 639 language code", "enum", "body", "language")
			}
		}
		level := "segment"
		if v, ok := raw["chunk_level"]; ok {
			if json.Unmarshal(v, &level) != nil || (level != "none" && level != "segment" && level != "word") {
				return nil, invalidAt("Input should be 'none', 'segment' or 'word'", "enum", "body", "chunk_level")
			}
		}
		if v, ok := raw["prompt"]; ok && endpoint == Whisper {
			var p string
			if json.Unmarshal(v, &p) != nil {
				return nil, invalidAt("Input should be a valid string", "string_type", "body", "prompt")
			}
		}
		audio, fail := s.fetchAudio(audioURL)
		if fail != nil {
			return nil, fail
		}
		text := DefaultTranscript
		switch {
		case fixed != nil:
			text = *fixed
		case audio.duration == 0:
			text = ""
		case audio.comment != "":
			text = audio.comment
		}
		out := TranscriptOutput{Text: text, Chunks: chunk(text, level, audio.duration)}
		if endpoint == Wizper {
			out.Languages = []string{lang}
		} else {
			out.InferredLanguages = []string{lang}
		}
		return out, nil
	}
}

// object decodes a JSON object input, dropping null fields (null counts as absent).
func object(input json.RawMessage) (map[string]json.RawMessage, *Failure) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(input, &raw); err != nil || raw == nil {
		return nil, invalidAt("Input should be a valid dictionary", "dict_type", "body")
	}
	for k, v := range raw {
		if string(v) == "null" {
			delete(raw, k)
		}
	}
	return raw, nil
}

func isLanguage(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// heard is what the fake makes of an audio input.
type heard struct {
	duration float64 // seconds
	comment  string  // the text the fake's Kokoro spoke, for its own WAVs
}

// fetchAudio reads an audio_url: a base64 data URI, or a file this server serves (fal
// would download any public URL; the fake has no network).
func (s *Server) fetchAudio(audioURL string) (heard, *Failure) {
	bad := func(msg, typ string) (heard, *Failure) { return heard{}, invalidAt(msg, typ, "body", "audio_url") }
	var data []byte
	var declared string
	if rest, ok := strings.CutPrefix(audioURL, "data:"); ok {
		meta, payload, ok := strings.Cut(rest, ",")
		mt, isBase64 := strings.CutSuffix(meta, ";base64")
		if !ok || !isBase64 {
			return bad("Invalid data URI: only base64 data URIs are supported", "invalid_data_uri")
		}
		b, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return bad("Invalid data URI: "+err.Error(), "invalid_data_uri")
		}
		data, declared = b, mt
	} else {
		name, ok := strings.CutPrefix(audioURL, s.srv.URL+filesPrefix)
		s.media.mu.Lock()
		f, found := s.media.files[name]
		s.media.mu.Unlock()
		if !ok || !found {
			return bad("Failed to download the file", "file_download_error")
		}
		data, declared = f.data, f.contentType
	}
	if mt, _, err := mime.ParseMediaType(declared); err != nil || !strings.HasPrefix(mt, "audio/") {
		return bad("Unsupported file type: expected audio, got "+strings.TrimSpace(declared), "invalid_file_type")
	}
	if len(data) == 0 {
		return heard{}, nil
	}
	if bytes.HasPrefix(data, []byte("RIFF")) {
		d, comment, ok := readWAV(data)
		if !ok {
			return bad("Could not decode the audio file", "audio_decode_error")
		}
		return heard{duration: d, comment: comment}, nil
	}
	if !compressedAudio(data) {
		return bad("Could not decode the audio file", "audio_decode_error")
	}
	// Compressed audio is not decoded; its length is guessed at 128 kbit/s.
	return heard{duration: float64(len(data)) / 16000}, nil
}

// compressedAudio recognises the compressed formats fal's Whisper takes: MP3, MP4/M4A,
// WebM (and Ogg).
func compressedAudio(b []byte) bool {
	switch {
	case bytes.HasPrefix(b, []byte("ID3")), bytes.HasPrefix(b, []byte("OggS")),
		bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}),
		len(b) >= 8 && string(b[4:8]) == "ftyp",
		len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0:
		return true
	}
	return false
}

// readWAV reads a RIFF/WAVE file's duration in seconds and the text of its INFO ICMT
// comment, if any.
func readWAV(b []byte) (seconds float64, comment string, ok bool) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, "", false
	}
	var byteRate uint32
	dataLen := -1
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > len(body) {
			if id != "data" {
				return 0, "", false
			}
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return 0, "", false
			}
			byteRate = binary.LittleEndian.Uint32(body[8:12])
		case "data":
			dataLen = size
		case "LIST":
			if size >= 4 && string(body[:4]) == "INFO" {
				comment = infoComment(body[4:])
			}
		}
		p += 8 + size + size%2
	}
	if byteRate == 0 || dataLen < 0 {
		return 0, "", false
	}
	return float64(dataLen) / float64(byteRate), comment, true
}

// infoComment finds the ICMT entry of a LIST/INFO chunk's body.
func infoComment(b []byte) string {
	for p := 0; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		if p+8+size > len(b) {
			return ""
		}
		if id == "ICMT" {
			return strings.TrimRight(string(b[p+8:p+8+size]), "\x00")
		}
		p += 8 + size + size%2
	}
	return ""
}

// chunk cuts text into sentences (or words, or nothing for level none) and spreads them
// over [0, duration] in proportion to their length, with timestamps rounded to 10 ms as
// Whisper's are.
func chunk(text, level string, duration float64) []TranscriptChunk {
	chunks := []TranscriptChunk{}
	var parts []string
	switch level {
	case "none":
		return chunks
	case "word":
		parts = strings.Fields(text)
	default:
		parts = sentences(text)
	}
	total := 0
	for _, p := range parts {
		total += utf8.RuneCountInString(p)
	}
	at := 0
	for _, p := range parts {
		start := math.Round(float64(at)/float64(total)*duration*100) / 100
		at += utf8.RuneCountInString(p)
		end := math.Round(float64(at)/float64(total)*duration*100) / 100
		chunks = append(chunks, TranscriptChunk{Timestamp: [2]float64{start, end}, Text: p})
	}
	return chunks
}

// sentences splits text after each . ! or ? that ends a word.
func sentences(text string) []string {
	var out []string
	var cur []string
	for _, w := range strings.Fields(text) {
		cur = append(cur, w)
		if strings.ContainsAny(w[len(w)-1:], ".!?") {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// SpeechAudio is the WAV the Kokoro handlers render for a prompt: 24 kHz mono 16-bit PCM,
// deterministic. Each word is a rising tone (lower for male voices, and shifted per
// voice) lasting 55 ms per character (at least 80 ms), words are separated by silences
// that are longer after punctuation, with 100 ms of silence at either end; speed divides
// every length. The prompt is kept in the file's LIST/INFO ICMT comment, which is how the
// fake Whisper handlers "recognise" the fake's own speech.
func SpeechAudio(prompt, voice string, speed float64) []byte {
	if speed <= 0 || math.IsNaN(speed) {
		speed = 1
	}
	var pcm []int16
	silence := func(sec float64) { pcm = append(pcm, make([]int16, int(sec/speed*SpeechSampleRate))...) }
	h := fnv.New32a()
	_, _ = h.Write([]byte(voice))
	f0 := 200 + float64(h.Sum32()%40)
	if len(voice) > 1 && voice[1] == 'm' {
		f0 -= 90
	}
	silence(0.1)
	words := strings.Fields(prompt)
	for i, w := range words {
		pcm = appendTone(pcm, max(0.08, 0.055*float64(utf8.RuneCountInString(w)))/speed, f0)
		if i == len(words)-1 {
			break
		}
		switch last, _ := utf8.DecodeLastRuneInString(w); {
		case strings.ContainsRune(".!?…", last):
			silence(0.3)
		case unicode.IsPunct(last):
			silence(0.15)
		default:
			silence(0.07)
		}
	}
	silence(0.1)
	return wav(SpeechSampleRate, pcm, prompt)
}

// appendTone appends a tone of sec seconds gliding from f0 up by a third, with its octave
// mixed in and 5 ms raised-cosine edges so it does not click.
func appendTone(pcm []int16, sec, f0 float64) []int16 {
	n := int(sec * SpeechSampleRate)
	edge := SpeechSampleRate / 200
	phase := 0.0
	for i := range n {
		f := f0 * (1 + 0.25*float64(i)/float64(n))
		phase += 2 * math.Pi * f / SpeechSampleRate
		env := 1.0
		if k := min(i, n-1-i); k < edge {
			env = 0.5 - 0.5*math.Cos(math.Pi*float64(k)/float64(edge))
		}
		v := env * (0.7*math.Sin(phase) + 0.3*math.Sin(2*phase))
		pcm = append(pcm, int16(v*9000))
	}
	return pcm
}

// WAV encodes mono 16-bit PCM samples at rate as a WAV file, for tests that need audio.
func WAV(rate int, samples []int16) []byte { return wav(rate, samples, "") }

// ToneWAV is d of a 440 Hz tone as a WAV file (16 kHz mono 16-bit), for tests that need
// audio that is not the fake's speech.
func ToneWAV(d time.Duration) []byte {
	const rate = 16000
	samples := make([]int16, int(d.Seconds()*rate))
	for i := range samples {
		samples[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	return WAV(rate, samples)
}

// wav writes a canonical RIFF/WAVE file: a fmt chunk, a LIST/INFO chunk carrying comment
// when there is one (between fmt and data, where many writers put it, so readers must
// walk the chunks), and the data chunk.
func wav(rate int, samples []int16, comment string) []byte {
	var info []byte
	if comment != "" {
		c := append([]byte(comment), 0)
		if len(c)%2 == 1 {
			c = append(c, 0)
		}
		info = binary.LittleEndian.AppendUint32(append([]byte("INFO"), "ICMT"...), uint32(len(c)))
		info = append(info, c...)
	}
	size := 4 + 8 + 16 + 8 + 2*len(samples)
	if info != nil {
		size += 8 + len(info)
	}
	b := make([]byte, 0, 8+size)
	le := binary.LittleEndian
	b = le.AppendUint32(append(b, "RIFF"...), uint32(size))
	b = append(b, "WAVE"...)
	b = le.AppendUint32(append(b, "fmt "...), 16)
	b = le.AppendUint16(b, 1) // PCM
	b = le.AppendUint16(b, 1) // mono
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*2))
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	if info != nil {
		b = le.AppendUint32(append(b, "LIST"...), uint32(len(info)))
		b = append(b, info...)
	}
	b = le.AppendUint32(append(b, "data"...), uint32(2*len(samples)))
	for _, s := range samples {
		b = le.AppendUint16(b, uint16(s))
	}
	return b
}
