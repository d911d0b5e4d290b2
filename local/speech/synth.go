package speech

import (
	"context"
	"fmt"
	"github.com/troupe-ai/troupe/local/command"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Engine and Model name what serves local speech in results and health checks.
const (
	Engine = "local"
	Model  = "espeak-ng"
)

// Speed limits: espeak-ng speaks 80–450 words per minute (faster needs its "sonic"
// speed-up, which sounds different), and requests are 0.5–2 times a voice's own speed.
const (
	minWPM, maxWPM     = 80, 450
	minSpeed, maxSpeed = 0.5, 2.0
)

// Synth is the local text-to-speech engine, a domain.SpeechSynth that spawns the
// espeak-ng command-line program (plus lame or sox for MP3 and Ogg). It holds no state
// between calls and is safe for concurrent use.
type Synth struct {
	// lookPath finds a program; tests replace it to pretend one is missing.
	lookPath func(string) (string, error)

	versionMu sync.Mutex
	versions  map[string]string // espeak-ng binary path → "espeak-ng 1.51"
}

var _ domain.SpeechSynth = (*Synth)(nil)

// New returns the local speech engine. Programs are looked up at each call, so installing
// espeak-ng makes the voices available without a restart.
func New() *Synth {
	return &Synth{lookPath: exec.LookPath}
}

// Voices lists the curated voices, available when espeak-ng is installed.
func (s *Synth) Voices(context.Context) []domain.Voice {
	_, err := s.lookPath("espeak-ng")
	return domainVoices(err == nil)
}

// Status is ok with the espeak-ng version when the program is installed, and notes in
// Detail any output format that lacks its converter.
func (s *Synth) Status(ctx context.Context) domain.DependencyHealth {
	bin, err := s.lookPath("espeak-ng")
	if err != nil {
		return domain.DependencyHealth{Status: domain.StatusUnavailable, Engine: Engine, Model: Model, Detail: "install espeak-ng"}
	}
	h := domain.DependencyHealth{Status: domain.StatusOK, Engine: Engine, Model: s.version(ctx, bin)}
	var missing []string
	for _, format := range []string{domain.AudioMP3, domain.AudioOGG} {
		if _, _, err := s.encoderFor(format); err != nil {
			missing = append(missing, fmt.Sprintf("%s output needs %s", format, encoders[format][0].pkg))
		}
	}
	h.Detail = strings.Join(missing, "; ")
	return h
}

// versionRe finds the version in `espeak-ng --version`.
var versionRe = regexp.MustCompile(`text-to-speech: (\d+(?:\.\d+)+)`)

// version asks espeak-ng its version once per binary path.
func (s *Synth) version(ctx context.Context, bin string) string {
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if v, ok := s.versions[bin]; ok {
		return v
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := command.Run(ctx, bin, []string{"--version"}, nil)
	if err != nil {
		return Model // not cached: try again next time
	}
	v := Model
	if m := versionRe.FindSubmatch(out); m != nil {
		v += " " + string(m[1])
	}
	if s.versions == nil {
		s.versions = map[string]string{}
	}
	s.versions[bin] = v
	return v
}

// Synthesize speaks req.Text. See the package documentation for the formats, timings and
// determinism.
func (s *Synth) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	v, err := validate(&req)
	if err != nil {
		return domain.SpeechResult{}, err
	}
	bin, err := s.lookPath("espeak-ng")
	if err != nil {
		return domain.SpeechResult{}, domain.Errorf(domain.CodeEngineUnavailable,
			"The local speech engine is not installed: install espeak-ng (apt-get install espeak-ng).").
			WithDetails(map[string]any{"package": "espeak-ng"})
	}
	var enc encoder
	var encPath string
	if req.Format != domain.AudioWAV {
		// Checked before synthesising, so a missing converter costs nothing.
		if enc, encPath, err = s.encoderFor(req.Format); err != nil {
			return domain.SpeechResult{}, err
		}
	}
	dir, err := os.MkdirTemp("", "troupe-tts-")
	if err != nil {
		return domain.SpeechResult{}, err
	}
	defer os.RemoveAll(dir)

	rate := wpm(v, req.Speed)
	real, tm, err := s.assemble(ctx, bin, v, rate, req.Text, dir)
	if err != nil {
		return domain.SpeechResult{}, err
	}

	res := domain.SpeechResult{
		Data: encodeWAV(real), ContentType: contentTypes[domain.AudioWAV], Format: domain.AudioWAV,
		SampleRate: real.rate, Duration: real.duration(), Engine: Engine, Model: Model, VoiceID: v.id,
		Words: tm.words, Phonemes: tm.phonemes,
	}
	if req.Format != domain.AudioWAV {
		if res.Data, err = encode(ctx, enc, encPath, dir, res.Data); err != nil {
			return domain.SpeechResult{}, err
		}
		res.Format, res.ContentType = enc.format, enc.contentType
	}
	return res, nil
}

// assemble synthesises the caller's text piece by piece (domain.SpeechSentences, the pieces a
// streamed synthesis is made of), two pieces at a time, and joins their audio and
// timings. Speaking a whole line as its pieces is what makes a streamed line, whose
// chunks are these pieces said one by one, the same audio as the whole file.
func (s *Synth) assemble(ctx context.Context, bin string, v voice, rate int, text, dir string) (pcm, timings, error) {
	// Cut first, then make each piece speakable, as a stream does: its pieces are cut
	// from the caller's text, line breaks included.
	var pieces []string
	for _, p := range domain.SpeechSentences(text) {
		if p = speakable(p); p != "" {
			pieces = append(pieces, p)
		}
	}
	type spoken struct {
		audio pcm
		tm    timings
		err   error
	}
	out := make([]spoken, len(pieces))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, piece := range pieces {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			pieceDir, err := os.MkdirTemp(dir, "piece-")
			if err != nil {
				out[i].err = err
				return
			}
			out[i].audio, out[i].tm, out[i].err = synthPiece(ctx, bin, v, rate, piece, pieceDir)
		})
	}
	wg.Wait()
	whole := pcm{rate: 0}
	var tm timings
	for _, p := range out {
		if p.err != nil {
			return pcm{}, timings{}, p.err
		}
		if whole.rate == 0 {
			whole.rate = p.audio.rate
		}
		offset := whole.duration()
		tm.words = append(tm.words, domain.ShiftWords(p.tm.words, offset)...)
		tm.phonemes = append(tm.phonemes, domain.ShiftPhonemes(p.tm.phonemes, offset)...)
		whole.samples = append(whole.samples, p.audio.samples...)
	}
	return whole, tm, nil
}

// synthPiece speaks one piece with its timings: the real synthesis, the timing probe
// (and twin) and the lone words run side by side.
func synthPiece(ctx context.Context, bin string, v voice, rate int, text, dir string) (pcm, timings, error) {
	args := []string{"-v", v.espeak, "-s", strconv.Itoa(rate), "-p", strconv.Itoa(v.pitch)}
	textWords := words(text)
	var (
		wg      sync.WaitGroup
		realOut []byte
		realErr error
		lone    [][]phWord
		ta      timingAudio
	)
	wg.Go(func() {
		realOut, realErr = command.Run(ctx, bin, slices.Concat(args, []string{"--stdout", "--stdin"}), strings.NewReader(text))
	})
	wg.Go(func() { lone = loneWords(ctx, bin, v, textWords) })
	wg.Go(func() { ta = probe(ctx, bin, v, rate, text, dir) })
	wg.Wait()
	if realErr != nil {
		return pcm{}, timings{}, realErr
	}
	real, err := parseEspeakWAV(realOut)
	if err != nil {
		return pcm{}, timings{}, err
	}
	twin := real
	if ta.twin != nil {
		twin = *ta.twin
	}
	return real, measure(real, twin, ta.probe, ta.spoken, textWords, lone), nil
}

// timingAudio is what the timing probe gives: its audio and spoken words, and, for a
// voice timed on another (timingVoice), the twin of the real audio in that voice. A
// failed probe has no spoken words, and measure falls back to proportional timings:
// timing costs precision, never the synthesis.
type timingAudio struct {
	probe  pcm
	twin   *pcm
	spoken []phWord
}

// probe runs the timing probe: the text with a word gap after every word, printing the
// phonemes of the words (see timing.go), and for an echo voice the twin.
func probe(ctx context.Context, bin string, v voice, rate int, text, dir string) timingAudio {
	name := v.espeak
	if v.timingVoice != "" {
		name = v.timingVoice
	}
	args := []string{"-v", name, "-s", strconv.Itoa(rate), "-p", strconv.Itoa(v.pitch)}
	var ta timingAudio
	var twinErr error
	var wg sync.WaitGroup
	if v.timingVoice != "" {
		wg.Go(func() {
			out, err := command.Run(ctx, bin, slices.Concat(args, []string{"--stdout", "--stdin"}), strings.NewReader(text))
			if err == nil {
				var twin pcm
				if twin, err = parseEspeakWAV(out); err == nil {
					ta.twin = &twin
				}
			}
			twinErr = err
		})
	}
	phonout := filepath.Join(dir, "probe.pho")
	probeArgs := slices.Concat(args, []string{"-g", strconv.Itoa(probeGap(rate)), "-x", "--sep=z", "--phonout=" + phonout, "--stdout", "--stdin"})
	out, err := command.Run(ctx, bin, probeArgs, strings.NewReader(text))
	wg.Wait()
	if err != nil || twinErr != nil {
		return timingAudio{}
	}
	if ta.probe, err = parseEspeakWAV(out); err != nil {
		return timingAudio{}
	}
	b, err := os.ReadFile(phonout)
	if err != nil {
		return timingAudio{}
	}
	ta.spoken = parsePhonemeWords(string(b))
	return ta
}

// loneWords has espeak-ng say each text word alone (phonemes only, no audio), one word a
// line, for aligning text words to spoken ones. -l makes every line its own clause. It
// returns nil when the output is not one line per word.
func loneWords(ctx context.Context, bin string, v voice, textWords []string) [][]phWord {
	if len(textWords) == 0 {
		return nil
	}
	longest := 0
	for _, w := range textWords {
		longest = max(longest, len(w))
	}
	args := []string{"-q", "-x", "--sep=z", "-v", v.espeak, "-l", strconv.Itoa(longest + 2), "--stdin"}
	out, err := command.Run(ctx, bin, args, strings.NewReader(strings.Join(textWords, "\n")+"\n"))
	if err != nil {
		return nil
	}
	lines := parsePhonemeLines(string(out))
	if len(lines) != len(textWords) {
		return nil
	}
	return lines
}

// validate fills in defaults (the default voice, speed 1, WAV) and checks the request.
func validate(req *domain.SpeechRequest) (voice, error) {
	var bad []domain.FieldError
	if speakable(req.Text) == "" {
		bad = append(bad, domain.FieldError{Field: "text", Message: "must have something to speak"})
	}
	if req.Speed == 0 {
		req.Speed = 1
	}
	if math.IsNaN(req.Speed) || req.Speed < minSpeed || req.Speed > maxSpeed {
		bad = append(bad, domain.FieldError{Field: "speed", Message: "must be between 0.5 and 2"})
	}
	if req.Format == "" {
		req.Format = domain.AudioWAV
	}
	if _, ok := contentTypes[req.Format]; !ok {
		bad = append(bad, domain.FieldError{Field: "format", Message: "must be wav, mp3 or ogg"})
	}
	if req.VoiceID == "" {
		req.VoiceID = defaultVoiceID
	}
	v, ok := voiceByID(req.VoiceID)
	if !ok {
		bad = append(bad, domain.FieldError{Field: "voice_id", Message: fmt.Sprintf("unknown voice %q: see GET /v1/voice/voices", req.VoiceID)})
	}
	if len(bad) > 0 {
		return voice{}, domain.ValidationError(bad...)
	}
	return v, nil
}

// wpm is the voice's speed scaled by the request's, within what espeak-ng can do.
func wpm(v voice, speed float64) int {
	return clamp(int(math.Round(float64(v.wpm)*speed)), minWPM, maxWPM)
}
