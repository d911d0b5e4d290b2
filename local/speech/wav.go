package speech

import (
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/audio"
)

// pcm is mono signed 16-bit audio.
type pcm struct {
	rate    int
	samples []int16
}

// duration is how long the audio plays.
func (p pcm) duration() time.Duration {
	if p.rate <= 0 {
		return 0
	}
	return time.Duration(int64(len(p.samples)) * int64(time.Second) / int64(p.rate))
}

// at converts a sample index to a time.
func (p pcm) at(sample int) time.Duration {
	return time.Duration(int64(sample) * int64(time.Second) / int64(p.rate))
}

// parseEspeakWAV reads what `espeak-ng --stdout` writes: a RIFF/WAVE stream of mono s16le.
// Because espeak-ng streams, it cannot know the length up front and writes placeholder
// sizes (RIFF 0x7FFFF024, data 0x7FFFF000), so the data chunk is read to the end of the
// output, not to its declared size.
func parseEspeakWAV(b []byte) (pcm, error) {
	w, err := audio.ParseStreamedWAV(b)
	if err != nil {
		return pcm{}, fmt.Errorf("espeak-ng output: %w", err)
	}
	if w.Channels != 1 || w.Bits != 16 || w.Float {
		return pcm{}, fmt.Errorf("espeak-ng output has %d channels of %d bits: want mono 16-bit PCM", w.Channels, w.Bits)
	}
	return pcm{rate: w.Rate, samples: w.PCM16()}, nil
}

// encodeWAV writes p as a canonical 44-byte-header RIFF/WAVE file with true sizes.
func encodeWAV(p pcm) []byte { return audio.EncodeWAV16(p.samples, p.rate) }
