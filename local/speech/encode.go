package speech

import (
	"context"
	"fmt"
	"github.com/troupe-ai/troupe/local/command"
	"os"
	"path/filepath"

	"github.com/troupe-ai/troupe/domain"
)

// encoder converts a WAV file into another format with a command-line tool. Every one is
// run with flags that make its output byte-identical for the same input (checked by
// TestSynthesizeDeterministic):
//
//   - lame writes no random data; CBR 64 kbit/s mono is plenty for 22.05 kHz speech.
//   - sox seeds its generators from the clock (the Ogg stream serial, dither) unless run
//     with -R ("repeatable"), which fixes them.
//   - oggenc picks a random Ogg serial unless given --serial.
//
// Both input and output are files rather than pipes so that the tools can seek: lame only
// writes its Xing/LAME header (the frame count players use for the duration) to a
// seekable file.
type encoder struct {
	format      string
	contentType string
	bin         string
	// pkg is the Debian package that provides bin.
	pkg  string
	args func(in, out string) []string
}

// encoders lists, per format, the tools that can make it, in order of preference.
var encoders = map[string][]encoder{
	domain.AudioMP3: {{
		format: domain.AudioMP3, contentType: "audio/mpeg", bin: "lame", pkg: "lame",
		args: func(in, out string) []string { return []string{"--quiet", "-b", "64", "-m", "m", in, out} },
	}},
	domain.AudioOGG: {{
		format: domain.AudioOGG, contentType: "audio/ogg", bin: "sox", pkg: "sox",
		args: func(in, out string) []string { return []string{"-R", "-q", in, "-t", "ogg", "-C", "3", out} },
	}, {
		format: domain.AudioOGG, contentType: "audio/ogg", bin: "oggenc", pkg: "vorbis-tools",
		args: func(in, out string) []string { return []string{"-Q", "--serial", "1", "-q", "3", "-o", out, in} },
	}},
}

// contentTypes are the MIME types of the formats.
var contentTypes = map[string]string{
	domain.AudioWAV: "audio/wav",
	domain.AudioMP3: "audio/mpeg",
	domain.AudioOGG: "audio/ogg",
}

// encoderFor finds an installed tool for format. None is a CodeEngineUnavailable error
// naming the package to install (the first, preferred one).
func (s *Synth) encoderFor(format string) (encoder, string, error) {
	options := encoders[format]
	for _, e := range options {
		if path, err := s.lookPath(e.bin); err == nil {
			return e, path, nil
		}
	}
	pkg := options[0].pkg
	return encoder{}, "", domain.Errorf(domain.CodeEngineUnavailable,
		"The local speech engine cannot write %s audio: install %s (apt-get install %s), or ask for wav.", format, pkg, pkg).
		WithDetails(map[string]any{"package": pkg, "format": format})
}

// encode converts wav with e (at path) in dir, a scratch directory.
func encode(ctx context.Context, e encoder, path, dir string, wav []byte) ([]byte, error) {
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out."+e.format)
	if err := os.WriteFile(in, wav, 0o600); err != nil {
		return nil, err
	}
	if _, err := command.Run(ctx, path, e.args(in, out), nil); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%s wrote no output: %w", e.bin, err)
	}
	return b, nil
}
