package recognition

import (
	"context"
	"errors"
	"github.com/troupe-ai/troupe/local/command"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Engine and Model name what serves local recognition in transcripts and health checks.
const (
	Engine = "local"
	Model  = "pocketsphinx en-us"
)

// rate is what the en-us acoustic model was trained on: 16 kHz mono 16-bit.
const rate = 16000

// sphinxPackages are what to install when the decoder or its model is missing.
const sphinxPackages = "pocketsphinx pocketsphinx-en-us"

// defaultTimeout bounds a decode when the caller's context has no deadline: 120 s of
// audio decodes in about a minute on two cores with the open-vocabulary model.
const defaultTimeout = 5 * time.Minute

// Recognizer is the local speech-to-text engine, a domain.SpeechRecognizer that spawns
// pocketsphinx_continuous (and sox for formats other than WAV). It is safe for concurrent
// use; at most one decode per CPU runs at a time, since each decoder holds ~110 MB.
type Recognizer struct {
	// lookPath finds a program and exists checks a model file; tests replace them to
	// pretend something is missing.
	lookPath func(string) (string, error)
	exists   func(string) bool

	slots chan struct{}

	soxMu      sync.Mutex
	soxFormats map[string]map[string]bool // sox path → formats it reads
}

var _ domain.SpeechRecognizer = (*Recognizer)(nil)

// New returns the local recognizer. Programs and the model are looked up at each call, so
// installing them takes effect without a restart.
func New() *Recognizer {
	return &Recognizer{
		lookPath: exec.LookPath,
		exists:   func(p string) bool { _, err := os.Stat(p); return err == nil },
		slots:    make(chan struct{}, max(1, runtime.NumCPU())),
	}
}

// Status is ok when pocketsphinx and its English model are installed. Detail says which
// input formats besides WAV cannot be read.
func (r *Recognizer) Status(ctx context.Context) domain.DependencyHealth {
	h := domain.DependencyHealth{Status: domain.StatusOK, Engine: Engine, Model: Model}
	if err := r.engine(); err != nil {
		h.Status = domain.StatusUnavailable
		h.Detail = "install " + err.Details["package"].(string)
		return h
	}
	if sox, err := r.lookPath("sox"); err != nil {
		h.Detail = "WAV input only: install sox and libsox-fmt-mp3 for MP3, Ogg and FLAC"
	} else if !r.soxReads(ctx, sox, formatMP3) {
		h.Detail = "no MP3 input: install libsox-fmt-mp3"
	}
	return h
}

// engine checks that the decoder and its model are installed.
func (r *Recognizer) engine() *domain.Error {
	pkg := ""
	if _, err := r.lookPath("pocketsphinx_continuous"); err != nil {
		pkg = sphinxPackages
	} else {
		for _, p := range []string{acoustic, languageLM, dictionary} {
			if !r.exists(p) {
				pkg = "pocketsphinx-en-us"
				break
			}
		}
	}
	if pkg == "" {
		return nil
	}
	return domain.Errorf(domain.CodeEngineUnavailable,
		"The local speech recognizer is not installed: install %s (apt-get install %s).", pkg, pkg).
		WithDetails(map[string]any{"package": pkg})
}

// Transcribe recognises English speech in req.Audio. With req.Phrases it listens only for
// those phrases and answers with one of them exactly (as the caller wrote it), or with no
// text. req.ContentType is not trusted (the format is sniffed from the bytes) and
// req.Prompt is not used: pocketsphinx takes no prompt. See the package documentation.
func (r *Recognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	if len(req.Audio) == 0 {
		return domain.Transcript{}, invalid("The audio is empty.")
	}
	if len(req.Audio) > domain.MaxAudioBytes {
		return domain.Transcript{}, domain.Errorf(domain.CodeAudioTooLarge, "The audio is larger than %d bytes.", domain.MaxAudioBytes).
			WithDetails(map[string]any{"max_bytes": domain.MaxAudioBytes})
	}
	if !english(req.Language) {
		return domain.Transcript{}, domain.ValidationError(domain.FieldError{Field: "language", Message: "the local recognizer understands English (en) only"})
	}
	if _, hasDeadline := ctx.Deadline(); !hasDeadline {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	dir, err := os.MkdirTemp("", "troupe-stt-")
	if err != nil {
		return domain.Transcript{}, err
	}
	defer os.RemoveAll(dir)

	w, err := r.decode(ctx, req.Audio, dir)
	if err != nil {
		return domain.Transcript{}, err
	}
	if d := w.duration(); d > domain.MaxAudioDuration {
		return domain.Transcript{}, domain.Errorf(domain.CodeAudioTooLong,
			"The audio is longer than %d seconds.", int(domain.MaxAudioDuration.Seconds())).
			WithDetails(map[string]any{"max_seconds": int(domain.MaxAudioDuration.Seconds())})
	}
	if err := r.engine(); err != nil {
		return domain.Transcript{}, err
	}
	var g grammar
	if len(req.Phrases) > 0 {
		lex, err := loadLexicon(dictionary)
		if err != nil {
			return domain.Transcript{}, domain.Errorf(domain.CodeEngineUnavailable,
				"The recognizer's dictionary cannot be read: reinstall pocketsphinx-en-us.").
				WithDetails(map[string]any{"package": "pocketsphinx-en-us"})
		}
		if g, err = buildGrammar(req.Phrases, lex); err != nil {
			return domain.Transcript{}, err
		}
	}

	// Empty, not nil: no words is an empty list to clients, not a missing one.
	t := domain.Transcript{
		Language: "en", Duration: w.duration(), Engine: Engine, Model: Model,
		Words: []domain.WordTiming{}, Segments: []domain.TranscriptSegment{},
	}
	samples := toInt16(resample(w.mono(), w.rate, rate))
	if silent(samples) {
		return t, nil
	}
	utts, err := r.decodeSpeech(ctx, samples, g, dir)
	if err != nil {
		return domain.Transcript{}, err
	}
	if words, segs := transcriptOf(utts); len(words) > 0 {
		t.Words, t.Segments = words, segs
	}
	if len(req.Phrases) == 0 {
		t.Text = joinWords(t.Words)
		return t, nil
	}
	// With a grammar the hypothesis is one phrase; answer with the caller's spelling.
	heard := make([]string, len(t.Words))
	for i, w := range t.Words {
		heard[i] = w.Word
	}
	phrase, ok := g.phraseFor(heard)
	if !ok {
		t.Segments = []domain.TranscriptSegment{}
		return t, nil
	}
	t.Text = phrase
	if len(t.Segments) > 0 {
		seg := segmentOf(t.Words)
		seg.Text = phrase
		t.Segments = []domain.TranscriptSegment{seg}
	}
	return t, nil
}

// decode turns the upload into a parsed WAV: WAV directly, anything else (and WAV
// encodings other than PCM and float) through sox.
func (r *Recognizer) decode(ctx context.Context, audio []byte, dir string) (wav, error) {
	format := sniff(audio)
	switch format {
	case "":
		return wav{}, invalid("The audio is not in a format we recognise: send WAV, MP3, Ogg or FLAC.")
	case formatWAV:
		w, err := parseWAV(audio)
		var unsupported errUnsupportedEncoding
		if !errors.As(err, &unsupported) {
			return w, err
		}
	}
	if sox, err := r.lookPath("sox"); err == nil && !r.soxReads(ctx, sox, format) {
		return wav{}, invalid("%s audio cannot be decoded here: send WAV (PCM), or install %s on the server.", upper(format), soxPackages[format]).
			WithDetails(map[string]any{"format": format, "package": soxPackages[format]})
	}
	return r.decodeWithSox(ctx, audio, format, dir)
}

// soxFormatsRe finds the list of formats in `sox -h`.
var soxFormatsRe = regexp.MustCompile(`AUDIO FILE FORMATS:([^\n]*)`)

// soxReads says whether the installed sox has a handler for format (MP3 needs
// libsox-fmt-mp3). The answer is cached per sox path; if sox cannot be asked, it is
// assumed able and left to fail with a clear error.
func (r *Recognizer) soxReads(ctx context.Context, sox, format string) bool {
	r.soxMu.Lock()
	defer r.soxMu.Unlock()
	formats, ok := r.soxFormats[sox]
	if !ok {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := command.Run(ctx, sox, []string{"-h"}, nil)
		m := soxFormatsRe.FindSubmatch(out)
		if err != nil || m == nil {
			return true
		}
		formats = map[string]bool{}
		for _, f := range strings.Fields(string(m[1])) {
			formats[f] = true
		}
		if r.soxFormats == nil {
			r.soxFormats = map[string]map[string]bool{}
		}
		r.soxFormats[sox] = formats
	}
	return formats[format]
}

// decodeSpeech runs pocketsphinx on 16 kHz samples, with the grammar if it has phrases.
func (r *Recognizer) decodeSpeech(ctx context.Context, samples []int16, g grammar, dir string) ([]utterance, error) {
	bin, err := r.lookPath("pocketsphinx_continuous")
	if err != nil {
		return nil, r.engine()
	}
	in, logPath, gram := filepath.Join(dir, "speech.wav"), filepath.Join(dir, "sphinx.log"), ""
	if err := os.WriteFile(in, encodeWAV16(samples, rate), 0o600); err != nil {
		return nil, err
	}
	if len(g.phrases) > 0 {
		gram = filepath.Join(dir, "phrases.gram")
		if err := os.WriteFile(gram, []byte(g.jsgf()), 0o600); err != nil {
			return nil, err
		}
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, command.ContextError(ctx)
	}
	out, err := command.Run(ctx, bin, sphinxArgs(in, logPath, gram), nil)
	if err != nil {
		if cerr := command.ContextError(ctx); cerr != nil {
			return nil, cerr
		}
		// The decoder's own log says why; keep its tail for our logs.
		if b, lerr := os.ReadFile(logPath); lerr == nil {
			tail := string(b[max(0, len(b)-1024):])
			err = errors.Join(err, errors.New(strings.TrimSpace(tail)))
		}
		return nil, err
	}
	return parseSphinx(out), nil
}

// silenceRMS is the loudest 20 ms RMS (in 16-bit units) audio can have and still count
// as silence: about −50 dBFS, far under quiet speech.
const silenceRMS = 100

// silent says whether the audio has no 20 ms stretch above silenceRMS. Such audio is not
// decoded: with a grammar, pocketsphinx would force the nearest phrase onto silence.
func silent(s []int16) bool {
	const frame = rate / 50
	for i := 0; i < len(s); i += frame {
		var sum float64
		seg := s[i:min(i+frame, len(s))]
		for _, v := range seg {
			sum += float64(v) * float64(v)
		}
		if math.Sqrt(sum/float64(len(seg))) > silenceRMS {
			return false
		}
	}
	return true
}

// english says whether a requested language is one the en-us model understands: none
// given, "auto", or English in any region.
func english(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "" || l == "auto" || l == "en" || l == "english" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

// joinWords is the words' text.
func joinWords(ws []domain.WordTiming) string {
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.Word
	}
	return strings.Join(texts, " ")
}
