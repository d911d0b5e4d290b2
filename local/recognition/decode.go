package recognition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/troupe-ai/troupe/local/command"
	"os"
	"path/filepath"
	"strconv"

	"github.com/troupe-ai/troupe/domain"
)

// Container formats recognised from their first bytes.
const (
	formatWAV  = "wav"
	formatMP3  = "mp3"
	formatOGG  = "ogg"
	formatFLAC = "flac"
	formatAIFF = "aiff"
)

// sniff names the audio format from the bytes (the client's content type is only a hint
// and is not trusted). "" is not audio we know.
func sniff(b []byte) string {
	switch {
	case len(b) >= 4 && (bytes.HasPrefix(b, []byte("RIFF")) || bytes.HasPrefix(b, []byte("RIFX")) || bytes.HasPrefix(b, []byte("RF64"))):
		return formatWAV
	case bytes.HasPrefix(b, []byte("OggS")):
		return formatOGG
	case bytes.HasPrefix(b, []byte("fLaC")):
		return formatFLAC
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("FORM")) && (string(b[8:12]) == "AIFF" || string(b[8:12]) == "AIFC"):
		return formatAIFF
	case bytes.HasPrefix(b, []byte("ID3")):
		return formatMP3
	case len(b) >= 4 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0 && b[2]&0xF0 != 0xF0 && b[2]&0x0C != 0x0C:
		// An MPEG audio frame header: 11 sync bits, a layer, a valid bitrate and
		// sample-rate index.
		return formatMP3
	}
	return ""
}

// soxPackages are what decoding through sox needs: MP3 is in a separate format library.
var soxPackages = map[string]string{
	formatMP3:  "sox libsox-fmt-mp3",
	formatOGG:  "sox",
	formatFLAC: "sox",
	formatAIFF: "sox",
	formatWAV:  "sox",
}

// decodeWithSox converts audio sox can read into 16-bit PCM WAV at its own rate and
// channel count, which parseWAV then checks like any upload. The output is cut at just
// over MaxAudioDuration, so a small, long compressed file cannot make sox write gigabytes;
// a file cut there is then refused as too long.
//
// -R makes sox repeatable and -D turns off dither when reducing to 16 bits, which would
// otherwise add noise that differs from run to run.
func (r *Recognizer) decodeWithSox(ctx context.Context, audio []byte, format, dir string) (wav, error) {
	sox, err := r.lookPath("sox")
	if err != nil {
		return wav{}, invalid("%s audio cannot be decoded here: send WAV (PCM), or install %s on the server.", upper(format), soxPackages[format]).
			WithDetails(map[string]any{"format": format, "package": soxPackages[format]})
	}
	in, out := filepath.Join(dir, "in."+format), filepath.Join(dir, "decoded.wav")
	if err := os.WriteFile(in, audio, 0o600); err != nil {
		return wav{}, err
	}
	limit := strconv.FormatFloat(domain.MaxAudioDuration.Seconds()+1, 'f', -1, 64)
	args := []string{"-q", "-R", "-D", "-t", format, in, "-t", "wav", "-e", "signed-integer", "-b", "16", out, "trim", "0", limit}
	if _, err := command.Run(ctx, sox, args, nil); err != nil {
		if cerr := command.ContextError(ctx); cerr != nil {
			return wav{}, cerr
		}
		e := invalid("The audio could not be decoded as %s: it may be damaged or truncated.", upper(format))
		e.Err = err
		if format == formatMP3 {
			e.Message += " (MP3 needs the libsox-fmt-mp3 package on the server.)"
		}
		return wav{}, e
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return wav{}, err
	}
	w, err := parseWAV(b)
	var unsupported errUnsupportedEncoding
	if errors.As(err, &unsupported) {
		return wav{}, fmt.Errorf("sox wrote %w", err)
	}
	return w, err
}

func upper(format string) string {
	b := []byte(format)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
