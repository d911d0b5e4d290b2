package falclient

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// Limits on one SSE line and one event's data, so a broken stream cannot exhaust memory.
const (
	maxSSELine  = 8 << 20
	maxSSEEvent = 16 << 20
)

var errSSETooLarge = errors.New("falclient: SSE event too large")

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	name string
	data string
	id   string
}

// sseReader parses a text/event-stream as the WHATWG HTML standard describes: lines end
// in CRLF, LF or CR; "data" lines accumulate (joined by LF); "event" names the event;
// "id" sets the last event id; lines starting with ":" are comments; an empty line
// dispatches. One deliberate leniency: an event still pending at the end of the stream is
// dispatched rather than dropped, because the last event of a fal stream carries the
// final output and usage.
type sseReader struct {
	sc      *bufio.Scanner
	started bool
	lastID  string
	// scanned is how many bytes of the pending line hold no line break.
	scanned int
}

func newSSEReader(r io.Reader) *sseReader {
	sr := &sseReader{sc: bufio.NewScanner(r)}
	// Small to start: a replica may hold thousands of streams waiting on the model, and
	// the buffer grows (doubling) for the few long events.
	sr.sc.Buffer(make([]byte, 0, 512), maxSSELine)
	sr.sc.Split(sr.scanLine)
	return sr
}

// next returns the next event with data, or io.EOF at the end of the stream.
func (r *sseReader) next() (sseEvent, error) {
	var data strings.Builder
	hasData := false
	name := ""
	for r.sc.Scan() {
		line := r.sc.Text()
		if !r.started {
			r.started = true
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if line == "" {
			if !hasData {
				name = ""
				continue
			}
			return r.event(name, &data), nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, found := strings.Cut(line, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "data":
			if data.Len()+len(value) > maxSSEEvent {
				return sseEvent{}, errSSETooLarge
			}
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "event":
			name = value
		case "id":
			if !strings.ContainsRune(value, 0) {
				r.lastID = value
			}
		}
		// "retry" and unknown fields are ignored, as the standard says.
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return sseEvent{}, errSSETooLarge
		}
		return sseEvent{}, err
	}
	if hasData {
		return r.event(name, &data), nil
	}
	return sseEvent{}, io.EOF
}

func (r *sseReader) event(name string, data *strings.Builder) sseEvent {
	return sseEvent{name: name, data: strings.TrimSuffix(data.String(), "\n"), id: r.lastID}
}

// scanLine splits on CRLF, LF or a lone CR. A CR at the end of the buffered data waits
// for the next byte, which may be the LF of a CRLF. The scanner calls it again with the
// same pending line after every read, so it remembers how much it already searched:
// without that a long line arriving in small reads costs quadratic time.
func (r *sseReader) scanLine(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data[r.scanned:], "\r\n"); i >= 0 {
		i += r.scanned
		switch {
		case data[i] == '\n':
			advance = i + 1
		case i+1 < len(data) && data[i+1] == '\n':
			advance = i + 2
		case i+1 < len(data) || atEOF:
			advance = i + 1
		default:
			r.scanned = i
			return 0, nil, nil
		}
		r.scanned = 0
		return advance, data[:i], nil
	}
	if atEOF {
		r.scanned = 0
		return len(data), data, nil
	}
	r.scanned = len(data)
	return 0, nil, nil
}
