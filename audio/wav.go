package audio

import (
	"encoding/binary"
	"math"
	"time"
)

// WAV is the audio of a parsed WAV file: its format and its sample bytes, little-endian
// and interleaved, whole frames only.
type WAV struct {
	// Rate is the sample rate in Hz.
	Rate int
	// Channels is the number of interleaved channels.
	Channels int
	// Bits is the size of one sample: 8 (unsigned), 16, 24 or 32 for integer PCM, 32 or
	// 64 for float.
	Bits int
	// Float says the samples are IEEE float rather than integer PCM.
	Float bool
	// Data is the sample bytes.
	Data []byte
}

// Frames is the number of sample frames (one sample per channel).
func (w WAV) Frames() int {
	block := w.Channels * w.Bits / 8
	if block <= 0 {
		return 0
	}
	return len(w.Data) / block
}

// Duration is how long the audio plays.
func (w WAV) Duration() time.Duration {
	if w.Rate <= 0 {
		return 0
	}
	return time.Duration(int64(w.Frames()) * int64(time.Second) / int64(w.Rate))
}

// Mono decodes the samples and mixes the channels down to one, in [-1, 1]. Mixing is the
// mean of the channels, so a mono file duplicated to stereo comes back unchanged. Float
// samples outside [-1, 1] are clipped, and NaN and infinities are silence.
func (w WAV) Mono() []float32 {
	n, ch, size := w.Frames(), w.Channels, w.Bits/8
	out := make([]float32, n)
	scale := 1 / float64(max(ch, 1))
	for i := range n {
		var sum float64
		for c := range ch {
			sum += w.sample(w.Data[(i*ch+c)*size:])
		}
		out[i] = float32(sum * scale)
	}
	return out
}

// PCM16 is the audio as mono signed 16-bit samples. 16-bit PCM keeps its exact values
// (channels are averaged, rounding to nearest); anything else is mixed down by Mono and
// quantised by ToInt16.
func (w WAV) PCM16() []int16 {
	if w.Float || w.Bits != 16 {
		return ToInt16(w.Mono())
	}
	n, ch := w.Frames(), w.Channels
	out := make([]int16, n)
	for i := range n {
		var sum int
		for c := range ch {
			sum += int(int16(binary.LittleEndian.Uint16(w.Data[2*(i*ch+c):])))
		}
		out[i] = int16(math.Round(float64(sum) / float64(ch)))
	}
	return out
}

// sample decodes one sample at the start of b, in [-1, 1].
func (w WAV) sample(b []byte) float64 {
	if w.Float {
		var v float64
		if w.Bits == 32 {
			v = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		} else {
			v = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return max(-1, min(1, v))
	}
	switch w.Bits {
	case 8:
		return (float64(b[0]) - 128) / 128 // 8-bit WAV is unsigned
	case 16:
		return float64(int16(binary.LittleEndian.Uint16(b))) / 32768
	case 24:
		v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
		return float64(v) / (1 << 23)
	default:
		return float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31)
	}
}
