package audio

import "bytes"

// The audio formats Sniff recognises. The values are the usual file extensions and match
// the domain's format names where it has them (wav, mp3, ogg).
const (
	FormatWAV  = "wav"
	FormatMP3  = "mp3"
	FormatOGG  = "ogg"
	FormatFLAC = "flac"
	FormatAIFF = "aiff"
	FormatWebM = "webm"
	FormatMP4  = "mp4"
)

// contentTypes are the media types of the formats Sniff recognises.
var contentTypes = map[string]string{
	FormatWAV:  "audio/wav",
	FormatMP3:  "audio/mpeg",
	FormatOGG:  "audio/ogg",
	FormatFLAC: "audio/flac",
	FormatAIFF: "audio/aiff",
	FormatWebM: "audio/webm",
	FormatMP4:  "audio/mp4",
}

// ContentType is the media type of a format Sniff returns ("audio/wav", "audio/mpeg", …),
// or "" for any other string.
func ContentType(format string) string { return contentTypes[format] }

// Sniff names the audio format of b from its signature, never from a declared content
// type: FormatWAV, FormatMP3, FormatOGG, FormatFLAC, FormatAIFF, FormatWebM (any EBML
// file, Matroska included) or FormatMP4 (M4A included); "" when it is none of them.
//
// Any RIFF, RIFX or RF64 file that says WAVE, or is too short to say, is FormatWAV, so
// that ParseWAV can tell what is wrong with it (big-endian, truncated) rather than the
// file passing for unknown.
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("RIFF")) || bytes.HasPrefix(b, []byte("RIFX")) || bytes.HasPrefix(b, []byte("RF64")):
		if len(b) < 12 || string(b[8:12]) == "WAVE" {
			return FormatWAV
		}
	case bytes.HasPrefix(b, []byte("OggS")):
		return FormatOGG
	case bytes.HasPrefix(b, []byte("fLaC")):
		return FormatFLAC
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("FORM")) && (string(b[8:12]) == "AIFF" || string(b[8:12]) == "AIFC"):
		return FormatAIFF
	case bytes.HasPrefix(b, []byte("ID3")):
		return FormatMP3
	case len(b) >= 4 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0 && b[2]&0xF0 != 0xF0 && b[2]&0x0C != 0x0C:
		// An MPEG audio frame header: 11 sync bits, a layer (00 would be AAC's ADTS), a
		// valid bitrate index and sample-rate index.
		return FormatMP3
	case bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return FormatWebM
	case len(b) >= 8 && string(b[4:8]) == "ftyp":
		return FormatMP4
	}
	return ""
}
