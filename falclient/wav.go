package falclient

import (
	"errors"
	"time"

	"github.com/troupe-ai/troupe/audio"
)

// The WAV format tags of A-law and µ-law, which fal decodes and package audio does not.
const (
	wavALaw  = 6
	wavMuLaw = 7
)

// readWAV reads a WAV file's sample rate and duration with audio.ParseWAV. The adapters
// pass WAV on to fal rather than decode it, so an encoding audio does not decode (A-law,
// ADPCM…) is no error here; its duration is known only for A-law and µ-law, one byte a
// sample, and is zero (unknown) otherwise.
func readWAV(b []byte) (rate int, d time.Duration, err error) {
	w, err := audio.ParseWAV(b)
	var unsupported *audio.UnsupportedEncodingError
	switch {
	case errors.As(err, &unsupported):
		if unsupported.Tag == wavALaw || unsupported.Tag == wavMuLaw {
			return w.Rate, w.Duration(), nil
		}
		return w.Rate, 0, nil
	case err != nil:
		return 0, 0, err
	}
	return w.Rate, w.Duration(), nil
}
