package audio

import "testing"

func TestSniff(t *testing.T) {
	t.Parallel()
	wav := EncodeWAV16([]int16{1}, 8000)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"wav", wav, FormatWAV},
		{"short RIFF", []byte("RIFF\x00\x00"), FormatWAV},
		{"RIFX", append([]byte("RIFX"), wav[4:]...), FormatWAV},
		{"RF64", append([]byte("RF64"), wav[4:]...), FormatWAV},
		{"AVI", []byte("RIFF\x00\x00\x00\x00AVI LIST"), ""},
		{"mp3 ID3", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), FormatMP3},
		{"mp3 frame", []byte{0xFF, 0xFB, 0x90, 0x64}, FormatMP3},
		{"AAC ADTS", []byte{0xFF, 0xF1, 0x50, 0x80}, ""},
		{"mp3 sync with a bad bitrate", []byte{0xFF, 0xFB, 0xF0, 0x64}, ""},
		{"ogg", []byte("OggS\x00\x02"), FormatOGG},
		{"flac", []byte("fLaC\x00\x00\x00\x22"), FormatFLAC},
		{"aiff", []byte("FORM\x00\x00\x00\x00AIFFCOMM"), FormatAIFF},
		{"aifc", []byte("FORM\x00\x00\x00\x00AIFCFVER"), FormatAIFF},
		{"other IFF", []byte("FORM\x00\x00\x00\x00ILBM"), ""},
		{"webm", []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F}, FormatWebM},
		{"m4a", []byte("\x00\x00\x00\x20ftypM4A "), FormatMP4},
		{"text", []byte("hello, this is not audio"), ""},
		{"empty", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Sniff(tc.b); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	for format, want := range map[string]string{
		FormatWAV: "audio/wav", FormatMP3: "audio/mpeg", FormatOGG: "audio/ogg", FormatFLAC: "audio/flac",
		FormatAIFF: "audio/aiff", FormatWebM: "audio/webm", FormatMP4: "audio/mp4", "": "", "avi": "",
	} {
		if got := ContentType(format); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", format, got, want)
		}
	}
}
