package recognition

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// WAV format tags (the fmt chunk's first field).
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
)

// Sample-rate limits: below 8 kHz speech loses the consonants (telephone audio is 8 kHz);
// above 384 kHz no recorder goes.
const (
	minRate = 8000
	maxRate = 384000
)

// streamingSize is the least data-chunk size taken to mean "unknown length": programs that
// stream WAV to a pipe (espeak-ng --stdout writes 0x7FFFF000, others 0xFFFFFFFF) cannot
// seek back to write the true size, and no upload under MaxAudioBytes can be this big.
const streamingSize = 0x7FFFF000

// wav is a parsed WAV file: its format and its sample bytes (whole frames only).
type wav struct {
	format   int // wavPCM or wavFloat, after resolving WAVE_FORMAT_EXTENSIBLE
	tag      int // the format tag as written, for messages
	channels int
	rate     int
	bits     int
	data     []byte
}

// frames is the number of sample frames (one sample per channel).
func (w wav) frames() int { return len(w.data) / (w.channels * w.bits / 8) }

// duration is how long the audio plays.
func (w wav) duration() time.Duration {
	return time.Duration(float64(w.frames()) / float64(w.rate) * float64(time.Second))
}

// invalid is a CodeInvalidAudio error.
func invalid(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.CodeInvalidAudio, format, args...)
}

// errUnsupportedEncoding marks a well-formed WAV whose encoding (A-law, ADPCM, MP3 in
// WAV…) this parser does not decode; sox may.
type errUnsupportedEncoding struct{ tag int }

func (e errUnsupportedEncoding) Error() string {
	return fmt.Sprintf("WAV encoding 0x%04x is not PCM or float", e.tag)
}

// parseWAV reads a RIFF/WAVE file: integer PCM of 8 (unsigned), 16, 24 or 32 bits, or
// IEEE float of 32 or 64 bits, any number of channels up to 32, plain or
// WAVE_FORMAT_EXTENSIBLE. Chunks other than fmt and data are skipped. Every problem is a
// *domain.Error with CodeInvalidAudio, except an encoding it does not decode, which is
// errUnsupportedEncoding.
func parseWAV(b []byte) (wav, error) {
	switch {
	case len(b) >= 4 && (string(b[0:4]) == "RIFX" || string(b[0:4]) == "RF64"):
		return wav{}, invalid("%s WAV files are not supported: send little-endian RIFF WAV.", b[0:4])
	case len(b) < 4 || string(b[0:4]) != "RIFF":
		return wav{}, invalid("The audio is not a WAV file.")
	case len(b) < 12:
		return wav{}, invalid("The WAV file is truncated: its header is incomplete.")
	case string(b[8:12]) != "WAVE":
		return wav{}, invalid("The audio is a RIFF file but not WAVE.")
	}
	var w wav
	haveFmt := false
	for off := 12; ; {
		if off+8 > len(b) {
			if !haveFmt {
				return wav{}, invalid("The WAV file is truncated: it has no fmt chunk.")
			}
			return wav{}, invalid("The WAV file is truncated: it has no data chunk.")
		}
		id := string(b[off : off+4])
		size := uint64(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := b[off+8:]
		switch id {
		case "fmt ":
			if size < 16 || uint64(len(body)) < 16 || uint64(len(body)) < size {
				return wav{}, invalid("The WAV file's fmt chunk is truncated.")
			}
			if err := w.readFmt(body[:size]); err != nil {
				return wav{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return wav{}, invalid("The WAV file has its data chunk before its fmt chunk.")
			}
			if size > uint64(len(body)) {
				if size < streamingSize {
					return wav{}, invalid("The WAV data chunk is shorter than its header says (%d of %d bytes): the file is truncated.", len(body), size)
				}
				size = uint64(len(body))
			}
			if w.format != wavPCM && w.format != wavFloat {
				return w, errUnsupportedEncoding{w.tag}
			}
			block := uint64(w.channels * w.bits / 8)
			w.data = body[:size-size%block]
			if len(w.data) == 0 {
				return wav{}, invalid("The WAV file has no samples.")
			}
			return w, nil
		}
		next := uint64(off) + 8 + size + size&1
		if next > uint64(len(b)) {
			return wav{}, invalid("The WAV file is truncated inside its %q chunk.", id)
		}
		off = int(next)
	}
}

// readFmt reads a fmt chunk's body.
func (w *wav) readFmt(f []byte) error {
	w.tag = int(binary.LittleEndian.Uint16(f[0:2]))
	w.channels = int(binary.LittleEndian.Uint16(f[2:4]))
	rate := binary.LittleEndian.Uint32(f[4:8])
	w.bits = int(binary.LittleEndian.Uint16(f[14:16]))
	w.format = w.tag
	if w.tag == wavExtensible {
		// cbSize (2), valid bits (2), channel mask (4), then the sub-format GUID whose
		// first two bytes are the real format tag.
		if len(f) < 40 {
			return invalid("The WAV file's extensible fmt chunk is truncated.")
		}
		w.format = int(binary.LittleEndian.Uint16(f[24:26]))
	}
	switch {
	case w.channels < 1 || w.channels > 32:
		return invalid("The WAV file has %d channels: 1 to 32 are supported.", w.channels)
	case rate < minRate:
		return invalid("Sample rate too low: the audio is %d Hz; at least %d Hz is needed for speech.", rate, minRate).
			WithDetails(map[string]any{"sample_rate": rate, "min_sample_rate": minRate})
	case rate > maxRate:
		return invalid("Sample rate too high: the audio is %d Hz; at most %d Hz is supported.", rate, maxRate)
	}
	w.rate = int(rate)
	switch w.format {
	case wavPCM:
		if w.bits != 8 && w.bits != 16 && w.bits != 24 && w.bits != 32 {
			return invalid("The WAV file has %d-bit PCM: 8, 16, 24 and 32 bits are supported.", w.bits)
		}
	case wavFloat:
		if w.bits != 32 && w.bits != 64 {
			return invalid("The WAV file has %d-bit float samples: 32 and 64 bits are supported.", w.bits)
		}
	default:
		if w.bits == 0 || w.bits%8 != 0 {
			w.bits = 8 // compressed encodings: only the block size matters, for sox
		}
	}
	return nil
}

// mono decodes the samples and mixes the channels down to one, in [-1, 1]. Mixing is the
// mean of the channels, so a mono file duplicated to stereo comes back unchanged.
func (w wav) mono() []float32 {
	n, ch, size := w.frames(), w.channels, w.bits/8
	out := make([]float32, n)
	scale := 1 / float64(ch)
	for i := range n {
		var sum float64
		for c := range ch {
			sum += w.sample(w.data[(i*ch+c)*size:])
		}
		out[i] = float32(sum * scale)
	}
	return out
}

// sample decodes one sample at the start of b.
func (w wav) sample(b []byte) float64 {
	if w.format == wavFloat {
		var v float64
		if w.bits == 32 {
			v = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		} else {
			v = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return max(-1, min(1, v))
	}
	switch w.bits {
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

// encodeWAV16 writes mono 16-bit PCM samples as a canonical WAV file.
func encodeWAV16(samples []int16, rate int) []byte {
	dataLen := 2 * len(samples)
	b := make([]byte, 44+dataLen)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], wavPCM)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*rate))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataLen))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return b
}
