package audio

import (
	"errors"
	"fmt"
)

// ErrNotWAV is (or is wrapped by) every error for input that is not a little-endian
// RIFF/WAVE file: other bytes, a RIFF file of another kind (AVI), big-endian RIFX, RF64,
// or a WAVE file with its data chunk before its fmt chunk.
var ErrNotWAV = errors.New("the audio is not a WAV file")

// ErrTruncated is wrapped by every error for a WAV file that ends early: inside its
// header or a chunk, before its fmt or data chunk, or (ParseWAV only) before the end its
// data chunk declares.
var ErrTruncated = errors.New("the WAV file is truncated")

// ErrNoSamples is the error for a well-formed WAV file whose data chunk holds
// no whole frame. The WAV is returned with it, its format filled in, for callers to whom
// silence of no length is an answer.
var ErrNoSamples = errors.New("the WAV file has no samples")

// UnsupportedEncodingError is a well-formed WAV file whose encoding is neither integer
// PCM nor IEEE float (A-law, µ-law, ADPCM, MP3 in WAV…): this package does not decode it,
// but another decoder (sox, ffmpeg) may. The WAV is returned with it, Rate, Channels,
// Bits (8 when the file's is not a whole number of bytes) and Data filled in.
type UnsupportedEncodingError struct {
	// Tag is the format tag (WAVE_FORMAT_EXTENSIBLE's sub-format when extensible):
	// 6 A-law, 7 µ-law, 2 Microsoft ADPCM, 0x55 MP3…
	Tag int
}

func (e *UnsupportedEncodingError) Error() string {
	return fmt.Sprintf("WAV encoding 0x%04x is not PCM or float", e.Tag)
}

// FormatError is a WAV file whose fmt chunk says something this package does not take:
// a channel count outside 1 to MaxChannels, a sample rate outside MinRate to MaxRate, a
// sample size PCM or float does not have.
type FormatError struct {
	// Problem says what is wrong, as a clause: "the WAV file has 0 channels: 1 to 32 are
	// supported".
	Problem string
	// Rate is the file's sample rate when that is the problem, else 0.
	Rate int
}

func (e *FormatError) Error() string { return e.Problem }

// wavError is an error of a kind (one of the sentinels) with its own text.
type wavError struct {
	kind error
	text string
}

func (e *wavError) Error() string { return e.text }
func (e *wavError) Unwrap() error { return e.kind }

// errorf is an error of kind with a formatted text.
func errorf(kind error, format string, args ...any) error {
	return &wavError{kind: kind, text: fmt.Sprintf(format, args...)}
}
