package openaiclient

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxEventBytes caps one server-sent event (and one line of it). A chat chunk is a few
// hundred bytes; the cap stops a server that never ends a line from filling memory.
const maxEventBytes = 1 << 20

// errEventTooLarge is a stream whose event or line exceeds maxEventBytes.
var errEventTooLarge = errors.New("openaiclient: server-sent event too large")

// sseReader reads the data of server-sent events (the WHATWG event-stream format), which is
// all a chat-completions stream uses: comments, event names, ids and retry fields are
// skipped. Lines end in LF or CRLF; a lone CR is not treated as a line end.
type sseReader struct {
	r    *bufio.Reader
	line []byte
	data []byte
}

func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 16<<10)}
}

// next returns the data of the next event that has a data field, its lines joined by LF.
// The slice is valid until the following call. At the end of the stream it returns io.EOF.
//
// Unlike the standard, an event cut off by the end of the stream is still returned: some
// servers close right after "data: [DONE]" without the blank line.
func (s *sseReader) next() ([]byte, error) {
	s.data = s.data[:0]
	has := false
	for {
		line, err := s.readLine()
		if err != nil {
			if err == io.EOF && has {
				return s.data, nil
			}
			return nil, err
		}
		if len(line) == 0 { // a blank line ends the event
			if has {
				return s.data, nil
			}
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			value = bytes.TrimPrefix(value, []byte(" ")) // exactly one space, per the format
		}
		if string(field) != "data" { // comments (":...") have an empty field name
			continue
		}
		if len(s.data)+1+len(value) > maxEventBytes {
			return nil, errEventTooLarge
		}
		if has {
			s.data = append(s.data, '\n')
		}
		s.data = append(s.data, value...)
		has = true
	}
}

// readLine returns the next line without its line end. A last line with no line end is
// returned as a line; the call after it returns io.EOF.
func (s *sseReader) readLine() ([]byte, error) {
	s.line = s.line[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.line)+len(chunk) > maxEventBytes {
			return nil, errEventTooLarge
		}
		s.line = append(s.line, chunk...)
		switch {
		case err == nil:
			return trimLineEnd(s.line), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(s.line) > 0:
			return trimLineEnd(s.line), nil
		default:
			return nil, err
		}
	}
}

func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
