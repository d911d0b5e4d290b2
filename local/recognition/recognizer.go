package recognition

import (
	"context"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/command"
)

// Engine and Model name what serves local recognition in transcripts and health checks.
const (
	Engine = "local"
	Model  = "pocketsphinx en-us"
)

// sphinxPackages are what to install when the decoder or its model is missing.
const sphinxPackages = "pocketsphinx pocketsphinx-en-us"

// defaultTimeout bounds a decode when the caller's context has no deadline: 120 s of
// audio decodes in about a minute on two cores with the open-vocabulary model.
const defaultTimeout = 5 * time.Minute

// Recognizer is the local speech-to-text engine, a domain.SpeechRecognizer that runs
// pocketsphinx_batch (and sox for formats other than WAV). It keeps decoders warm between
// calls, so it should be closed when no longer needed (Close). It is safe for concurrent
// use; at most one decode per CPU runs at a time.
type Recognizer struct {
	// lookPath finds a program and exists checks a model file; tests replace them to
	// pretend something is missing.
	lookPath func(string) (string, error)
	exists   func(string) bool

	// garbage is the rejection's garbage loop cost (garbagePhoneProb); tests set 0 to
	// hear the nearest phrase whatever was said.
	garbage float64

	slots    chan struct{}
	decoders *pools

	soxMu      sync.Mutex
	soxFormats map[string]map[string]bool // sox path → formats it reads
}

var _ domain.SpeechRecognizer = (*Recognizer)(nil)

// New returns the local recognizer. Programs and the model are looked up when a decoder
// is started, so installing them takes effect without a restart. No decoder runs until
// the first call (or Warm).
func New() *Recognizer {
	r := &Recognizer{
		lookPath: exec.LookPath,
		exists:   func(p string) bool { _, err := os.Stat(p); return err == nil },
		garbage:  garbagePhoneProb,
		slots:    make(chan struct{}, max(1, runtime.NumCPU())),
	}
	r.decoders = newPools(func() (string, error) { return r.lookPath(decoderProgram) }, runtime.NumCPU())
	return r
}

// Close stops the recognizer's decoders and waits until they have exited. Calls in
// progress fail; later calls return an error.
func (r *Recognizer) Close() error {
	r.decoders.close()
	return nil
}

// Warm starts an open-vocabulary decoder and waits until it has loaded the language
// model (about half a second), so the first call does not pay for it.
func (r *Recognizer) Warm(ctx context.Context) error {
	if err := r.engine(); err != nil {
		return err
	}
	p := r.decoders.get(nil)
	d, err := r.decoders.acquire(ctx, p)
	if err != nil {
		return err
	}
	r.decoders.release(p, d, true)
	return nil
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
	} else if !r.soxReads(ctx, sox, audio.FormatMP3) {
		h.Detail = "no MP3 input: install libsox-fmt-mp3"
	}
	return h
}

// engine checks that the decoder and its model are installed.
func (r *Recognizer) engine() *domain.Error {
	pkg := ""
	if _, err := r.lookPath(decoderProgram); err != nil {
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
	w, err := r.decode(ctx, req.Audio)
	if err != nil {
		return domain.Transcript{}, err
	}
	if err := domain.CheckAudioDuration(w.Duration()); err != nil {
		return domain.Transcript{}, err
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
		Language: "en", Duration: w.Duration(), Engine: Engine, Model: Model,
		Words: []domain.WordTiming{}, Segments: []domain.TranscriptSegment{},
	}
	samples := audio.ToInt16(audio.Resample(w.Mono(), w.Rate, rate))
	if silent(samples) {
		return t, nil
	}
	if len(req.Phrases) == 0 {
		rec, err := r.run(ctx, nil, samples)
		if err != nil {
			return domain.Transcript{}, err
		}
		if words := openWords(rec, t.Duration); len(words) > 0 {
			t.Words, t.Segments, t.Text = words, segmentsOf(words), joinWords(words)
		}
		return t, nil
	}
	spec := &decoderSpec{fsg: g.fsg(r.garbage), dict: g.dict()}
	rec, err := r.run(ctx, spec, padded(samples))
	if err != nil {
		return domain.Transcript{}, err
	}
	words, ok := phraseWords(rec, phrasePad, t.Duration)
	if !ok || len(words) == 0 {
		return t, nil // rejected, or no hypothesis
	}
	heard := make([]string, len(words))
	for i, w := range words {
		heard[i] = w.Word
	}
	phrase, ok := g.phraseFor(heard)
	if !ok {
		return t, nil
	}
	// With a grammar the hypothesis is one phrase; answer with the caller's spelling.
	seg := segmentOf(words)
	seg.Text = phrase
	t.Text, t.Words, t.Segments = phrase, words, []domain.TranscriptSegment{seg}
	return t, nil
}

// run decodes samples with a warm decoder of the configuration (nil: the language
// model), once one of the CPU slots is free. A decoder that fails (a process that died
// while idle, say) is replaced and the decode tried once more with another.
func (r *Recognizer) run(ctx context.Context, spec *decoderSpec, samples []int16) (record, error) {
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return record{}, command.ContextError(ctx)
	}
	p := r.decoders.get(spec)
	var err error
	for range 2 {
		var d *decoder
		if d, err = r.decoders.acquire(ctx, p); err != nil {
			return record{}, err
		}
		var rec record
		rec, err = d.decode(ctx, samples)
		r.decoders.release(p, d, err == nil)
		if err == nil || ctx.Err() != nil {
			return rec, err
		}
	}
	return record{}, err
}

// silenceRMS is the loudest 20 ms RMS (in 16-bit units) audio can have and still count
// as silence: about −50 dBFS, far under quiet speech.
const silenceRMS = 100

// silent says whether the audio has no 20 ms stretch above silenceRMS. Such audio is not
// decoded: there is nothing to hear, and a grammar's nearest phrase or garbage would be
// all the decoder could make of it.
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
