package recognition

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/command"
)

// rate is what the en-us acoustic model was trained on: 16 kHz mono 16-bit.
const rate = 16000

// soxPackages are what decoding through sox needs, by format: MP3 is in a separate
// format library. Formats not listed (WebM, MP4) are not decoded at all.
var soxPackages = map[string]string{
	audio.FormatMP3:  "sox libsox-fmt-mp3",
	audio.FormatOGG:  "sox",
	audio.FormatFLAC: "sox",
	audio.FormatAIFF: "sox",
	audio.FormatWAV:  "sox",
}

// decode turns the upload into a parsed WAV: WAV directly, anything else (and WAV
// encodings other than PCM and float) through sox. The format is sniffed from the bytes.
func (r *Recognizer) decode(ctx context.Context, b []byte) (audio.WAV, error) {
	format := audio.Sniff(b)
	if format == audio.FormatWAV {
		w, err := audio.ParseWAV(b)
		var unsupported *audio.UnsupportedEncodingError
		if !errors.As(err, &unsupported) {
			return w, wavError(err)
		}
	}
	pkg, ok := soxPackages[format]
	if !ok {
		return audio.WAV{}, invalid("The audio is not in a format we recognise: send WAV, MP3, Ogg or FLAC.")
	}
	sox, err := r.lookPath("sox")
	if err != nil || !r.soxReads(ctx, sox, format) {
		return audio.WAV{}, invalid("%s audio cannot be decoded here: send WAV (PCM), or install %s on the server.", upper(format), pkg).
			WithDetails(map[string]any{"format": format, "package": pkg})
	}
	return r.decodeWithSox(ctx, sox, b, format)
}

// invalid is a CodeInvalidAudio error.
func invalid(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.CodeInvalidAudio, format, args...)
}

// wavError is the error to answer for an audio.ParseWAV error: CodeInvalidAudio with its
// text as a sentence (a rate too low says which rate, in details), nil for nil.
func wavError(err error) error {
	if err == nil {
		return nil
	}
	e := invalid("%s.", sentence(err.Error()))
	var fe *audio.FormatError
	if errors.As(err, &fe) && fe.Rate > 0 && fe.Rate < audio.MinRate {
		e = e.WithDetails(map[string]any{"sample_rate": fe.Rate, "min_sample_rate": audio.MinRate})
	}
	e.Err = err
	return e
}

// sentence capitalises a clause's first letter.
func sentence(clause string) string {
	r, n := utf8.DecodeRuneInString(clause)
	return string(unicode.ToUpper(r)) + clause[n:]
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

// decodeWithSox converts audio sox can read into 16-bit PCM WAV at its own rate and
// channel count, which audio.ParseWAV then checks like any upload. The output is cut at
// just over MaxAudioDuration, so a small, long compressed file cannot make sox write
// gigabytes; a file cut there is then refused as too long.
//
// -R makes sox repeatable and -D turns off dither when reducing to 16 bits, which would
// otherwise add noise that differs from run to run.
func (r *Recognizer) decodeWithSox(ctx context.Context, sox string, b []byte, format string) (audio.WAV, error) {
	dir, err := os.MkdirTemp("", "troupe-sox-")
	if err != nil {
		return audio.WAV{}, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in."+format), filepath.Join(dir, "decoded.wav")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		return audio.WAV{}, err
	}
	limit := strconv.FormatFloat(domain.MaxAudioDuration.Seconds()+1, 'f', -1, 64)
	args := []string{"-q", "-R", "-D", "-t", format, in, "-t", "wav", "-e", "signed-integer", "-b", "16", out, "trim", "0", limit}
	if _, err := command.Run(ctx, sox, args, nil); err != nil {
		if cerr := command.ContextError(ctx); cerr != nil {
			return audio.WAV{}, cerr
		}
		e := invalid("The audio could not be decoded as %s: it may be damaged or truncated.", upper(format))
		e.Err = err
		if format == audio.FormatMP3 {
			e.Message += " (MP3 needs the libsox-fmt-mp3 package on the server.)"
		}
		return audio.WAV{}, e
	}
	decoded, err := os.ReadFile(out)
	if err != nil {
		return audio.WAV{}, err
	}
	w, err := audio.ParseWAV(decoded)
	var unsupported *audio.UnsupportedEncodingError
	if errors.As(err, &unsupported) {
		return audio.WAV{}, fmt.Errorf("sox wrote %w", err)
	}
	return w, wavError(err)
}

// upper is a format's name in capitals, for messages.
func upper(format string) string { return strings.ToUpper(format) }
