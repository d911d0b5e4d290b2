package server

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// FuzzSSEWriter writes arbitrary events and parses them back as a client would: the name
// and data survive (line endings normalised to \n), and nothing in them can start a new
// field or event.
func FuzzSSEWriter(f *testing.F) {
	f.Add(1, "dialogue.delta", []byte(`{"delta":"hi"}`))
	f.Add(7, "a\nretry: 1", []byte("x\r\ny\rz\n\nevent: fake"))
	f.Add(0, "", []byte(""))
	f.Fuzz(func(t *testing.T, id int, event string, data []byte) {
		var buf bytes.Buffer
		if err := writeSSE(&buf, id, event, data); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, "\r") {
			t.Fatal("a CR reached the stream")
		}
		if !strings.HasSuffix(out, "\n\n") || strings.Count(out, "\n\n") != 1 {
			t.Fatalf("not exactly one event: %q", out)
		}
		var name, gotID string
		var lines []string
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n\n"), "\n") {
			switch {
			case strings.HasPrefix(line, "id: ") && gotID == "" && name == "" && lines == nil:
				gotID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				lines = append(lines, strings.TrimPrefix(line, "data: "))
			default:
				t.Fatalf("unexpected line %q", line)
			}
		}
		if wantID := strconv.Itoa(id); id > 0 && gotID != wantID || id <= 0 && gotID != "" {
			t.Fatalf("id %q, want %d", gotID, id)
		}
		if want := strings.NewReplacer("\r", "", "\n", "").Replace(event); name != want {
			t.Fatalf("event %q, want %q", name, want)
		}
		want := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
		if got := strings.Join(lines, "\n"); got != want {
			t.Fatalf("data %q, want %q", got, want)
		}
	})
}
