package recognition

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/audio/audiotest"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/speech"
)

// inCI says whether the tests run in CI, where a missing program is a failure, not a
// reason to skip.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "0" && v != "false"
}

// requireTools skips the test when a program is not installed, or fails it in CI.
func requireTools(t testing.TB, programs ...string) {
	t.Helper()
	var missing []string
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, ", ") + " not installed: run tools/install-voice-engines.sh"
	if inCI() {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg + " (set CI=true to fail instead of skipping)")
}

// asDomainError returns err's *domain.Error, failing the test if there is none.
func asDomainError(t testing.TB, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	return de
}

// testdata is where pocketsphinx-testdata installs real recordings with transcripts.
const testdata = "/usr/share/pocketsphinx/test/data"

// requireTestdata skips the test (or fails it in CI) without pocketsphinx-testdata.
func requireTestdata(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(testdata); err == nil {
		return
	}
	msg := "pocketsphinx-testdata is not installed: run tools/install-voice-engines.sh"
	if inCI() {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg + " (set CI=true to fail instead of skipping)")
}

// requireEngine needs the decoder and its model.
func requireEngine(t testing.TB) {
	t.Helper()
	requireTools(t, decoderProgram)
	if err := New().engine(); err != nil {
		if inCI() {
			t.Fatal("CI: " + err.Message)
		}
		t.Skip(err.Message)
	}
}

// newRecognizer is New, closed when the test ends so that no decoder outlives it.
func newRecognizer(t testing.TB) *Recognizer {
	r := New()
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// WAV format tags, for makeWAV.
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
)

// makeWAV builds a WAV file of the given layout (audiotest.MakeWAV).
func makeWAV(tag, sub, channels, rate, bits int, data []byte) []byte {
	return audiotest.MakeWAV(tag, sub, channels, rate, bits, data)
}

// pcm16 is 16-bit little-endian PCM of the samples.
func pcm16(samples ...int16) []byte {
	var b []byte
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

// speak synthesises text with the local TTS engine, as WAV unless format says otherwise.
func speak(t testing.TB, text, voice, format string) []byte {
	t.Helper()
	requireTools(t, "espeak-ng")
	res, err := speech.New().Synthesize(t.Context(), domain.SpeechRequest{Text: text, VoiceID: voice, Format: format})
	if err != nil {
		t.Fatalf("speak %q: %v", text, err)
	}
	return res.Data
}
