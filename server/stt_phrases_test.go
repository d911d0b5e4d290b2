package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

// uploadFields posts audio as multipart with each of fields as its own "phrases" field,
// in order, the way curl -F and browsers send a list.
func uploadFields(t *testing.T, url string, audio []byte, fields ...string) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("audio", "clip.wav")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(audio)
	for _, f := range fields {
		if err := w.WriteField("phrases", f); err != nil {
			t.Fatal(err)
		}
	}
	w.WriteField("language", "en")
	w.Close()
	return do(t, "POST", url+"/v1/voice/stt", &body, map[string]string{"Content-Type": w.FormDataContentType()})
}

// In phrase mode, phrases may come one per field (the standard multipart way), all in
// one field a line each, or mixed; every field counts.
func TestSTTPhrasesInEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const said = "attack the dragon"
	_, wav := speakToWAV(t, b, said)
	for _, tc := range []struct {
		name   string
		fields []string
	}{
		// The phrase said is in the first field, so a handler keeping only the last
		// field misses it, and not on the first line, so one keeping only the first line
		// of a field misses it too.
		{"a field per phrase", []string{said, "open the gate", "close the gate", "give me the sword"}},
		{"one field, a line each", []string{"open the gate\nclose the gate\n" + said + "\ngive me the sword"}},
		{"mixed, with blank lines and CRLF", []string{"open the gate\r\n\r\n" + said + "\r\n", "", "close the gate\r\ngive me the sword"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, body := uploadFields(t, b.url, wav, tc.fields...)
			var tr gen.Transcription
			if res.StatusCode != 200 || json.Unmarshal(body, &tr) != nil {
				t.Fatalf("stt: %d %s", res.StatusCode, body)
			}
			if tr.Text != said || tr.Engine != "local" {
				t.Fatalf("heard %q (engine %s), want %q: %s", tr.Text, tr.Engine, said, body)
			}
		})
	}
}

// More than 200 phrases in all, or a phrase over 200 characters, is refused, naming the
// field, however they are sent; exactly 200, blank lines aside, is accepted.
func TestSTTPhraseLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	wav := wavOf(16000, 16000)
	phrases := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("phrase %d", i)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		fields []string
	}{
		{"201 fields", phrases(201)},
		{"one field of 201 lines", []string{strings.Join(phrases(201), "\n")}},
		{"150 fields and a field of 51 lines", append(phrases(150), strings.Join(phrases(51), "\n"))},
		// A field may hold 4000 characters, but each phrase in it at most 200, as in JSON.
		{"a line of 201 characters", []string{"open the gate\n" + strings.Repeat("a", 201)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, body := uploadFields(t, b.url, wav, tc.fields...)
			e := expectError(t, res, body, 422, "VALIDATION_ERROR")
			if names := fieldNames(e); len(names) != 1 || names[0] != "phrases" {
				t.Fatalf("fields %v, want [phrases]: %s", names, body)
			}
		})
	}
	t.Run("200 with blank lines is not too many", func(t *testing.T) {
		t.Parallel()
		res, body := uploadFields(t, b.url, wav, strings.Join(phrases(100), "\n\n"), strings.Join(phrases(100), "\n")+"\n")
		if res.StatusCode != 200 {
			t.Fatalf("200 phrases refused: %d %s", res.StatusCode, body)
		}
	})
}
