package audio

import (
	"encoding/binary"
	"fmt"
)

// WAV format tags (the fmt chunk's first field).
const (
	tagPCM        = 1
	tagFloat      = 3
	tagExtensible = 0xFFFE
)

// The limits of what ParseWAV takes. Below 8 kHz speech loses its consonants (telephone
// audio is 8 kHz); above 384 kHz no recorder goes.
const (
	MinRate     = 8000
	MaxRate     = 384000
	MaxChannels = 32
)

// streamingSize is the least data-chunk size taken to mean "unknown length": programs that
// stream WAV to a pipe cannot seek back to write the true size (espeak-ng --stdout writes
// 0x7FFFF000, others 0xFFFFFFFF), and no real upload is this big.
const streamingSize = 0x7FFFF000

// ParseWAV reads a RIFF/WAVE file: integer PCM of 8 (unsigned), 16, 24 or 32 bits, or
// IEEE float of 32 or 64 bits, 1 to MaxChannels channels at MinRate to MaxRate, plain or
// WAVE_FORMAT_EXTENSIBLE. Chunks other than fmt and data are skipped, and a partial last
// frame is dropped.
//
// A data chunk declared 0 bytes with bytes after it, or at least 0x7FFFF000 bytes, is of
// unknown length, as streaming writers leave it, and runs to the end of b; any other data
// chunk longer than what follows is ErrTruncated.
//
// Errors wrap ErrNotWAV, ErrTruncated or ErrNoSamples, or are a *FormatError or an
// *UnsupportedEncodingError; with the last two of these the WAV is returned too.
func ParseWAV(b []byte) (WAV, error) { return parse(b, false) }

// ParseStreamedWAV reads a WAV file as ParseWAV does, except that a data chunk whose
// declared size exceeds what follows is read to the end of b, whatever its size says.
// It suits the output of programs that write WAV to a pipe with placeholder sizes, such
// as `espeak-ng --stdout`, which cannot be told from truncation.
func ParseStreamedWAV(b []byte) (WAV, error) { return parse(b, true) }

func parse(b []byte, streamed bool) (WAV, error) {
	switch {
	case len(b) >= 4 && (string(b[0:4]) == "RIFX" || string(b[0:4]) == "RF64"):
		return WAV{}, errorf(ErrNotWAV, "%s WAV files are not supported: send little-endian RIFF WAV", b[0:4])
	case len(b) < 4 || string(b[0:4]) != "RIFF":
		return WAV{}, ErrNotWAV
	case len(b) < 12:
		return WAV{}, errorf(ErrTruncated, "the WAV file is truncated: its header is incomplete")
	case string(b[8:12]) != "WAVE":
		return WAV{}, errorf(ErrNotWAV, "the audio is a RIFF file but not WAVE")
	}
	var w WAV
	tag, haveFmt := 0, false
	for off := 12; ; {
		if off+8 > len(b) {
			if !haveFmt {
				return WAV{}, errorf(ErrTruncated, "the WAV file is truncated: it has no fmt chunk")
			}
			return WAV{}, errorf(ErrTruncated, "the WAV file is truncated: it has no data chunk")
		}
		id := string(b[off : off+4])
		size := uint64(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := b[off+8:]
		switch id {
		case "fmt ":
			if size < 16 || uint64(len(body)) < size {
				return WAV{}, errorf(ErrTruncated, "the WAV file's fmt chunk is truncated")
			}
			var err error
			if tag, err = w.readFmt(body[:size]); err != nil {
				return WAV{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return WAV{}, errorf(ErrNotWAV, "the WAV file has its data chunk before its fmt chunk")
			}
			rest := uint64(len(body))
			switch {
			case size == 0 && rest > 0, size > rest && (streamed || size >= streamingSize):
				size = rest
			case size > rest:
				return WAV{}, errorf(ErrTruncated, "the WAV data chunk is shorter than its header says (%d of %d bytes): the file is truncated", rest, size)
			}
			block := uint64(w.Channels * w.Bits / 8)
			w.Data = body[:size-size%block]
			if tag != tagPCM && tag != tagFloat {
				return w, &UnsupportedEncodingError{Tag: tag}
			}
			if len(w.Data) == 0 {
				return w, ErrNoSamples
			}
			return w, nil
		}
		next := uint64(off) + 8 + size + size&1
		if next > uint64(len(b)) {
			return WAV{}, errorf(ErrTruncated, "the WAV file is truncated inside its %q chunk", id)
		}
		off = int(next)
	}
}

// readFmt reads a fmt chunk's body (at least 16 bytes) into w and returns its format
// tag, the sub-format's for WAVE_FORMAT_EXTENSIBLE.
func (w *WAV) readFmt(f []byte) (int, error) {
	tag := int(binary.LittleEndian.Uint16(f[0:2]))
	channels := int(binary.LittleEndian.Uint16(f[2:4]))
	rate := int(binary.LittleEndian.Uint32(f[4:8]))
	bits := int(binary.LittleEndian.Uint16(f[14:16]))
	if tag == tagExtensible {
		// cbSize (2), valid bits (2), channel mask (4), then the sub-format GUID whose
		// first two bytes are the real format tag.
		if len(f) < 40 {
			return 0, errorf(ErrTruncated, "the WAV file's extensible fmt chunk is truncated")
		}
		tag = int(binary.LittleEndian.Uint16(f[24:26]))
	}
	switch {
	case channels < 1 || channels > MaxChannels:
		return 0, &FormatError{Problem: fmt.Sprintf("the WAV file has %d channels: 1 to %d are supported", channels, MaxChannels)}
	case rate < MinRate:
		return 0, &FormatError{Rate: rate,
			Problem: fmt.Sprintf("sample rate too low: the audio is %d Hz; at least %d Hz is needed for speech", rate, MinRate)}
	case rate > MaxRate:
		return 0, &FormatError{Rate: rate,
			Problem: fmt.Sprintf("sample rate too high: the audio is %d Hz; at most %d Hz is supported", rate, MaxRate)}
	}
	switch tag {
	case tagPCM:
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return 0, &FormatError{Problem: fmt.Sprintf("the WAV file has %d-bit PCM: 8, 16, 24 and 32 bits are supported", bits)}
		}
	case tagFloat:
		if bits != 32 && bits != 64 {
			return 0, &FormatError{Problem: fmt.Sprintf("the WAV file has %d-bit float samples: 32 and 64 bits are supported", bits)}
		}
		w.Float = true
	default:
		if bits == 0 || bits%8 != 0 {
			bits = 8 // compressed encodings: only whole bytes make a block, for other decoders
		}
	}
	w.Rate, w.Channels, w.Bits = rate, channels, bits
	return tag, nil
}
