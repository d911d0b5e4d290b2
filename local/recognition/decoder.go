package recognition

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/local/command"
)

// decoder is one long-lived pocketsphinx_batch process with its model (and grammar)
// loaded, decoding one request at a time: a request writes its audio to a file in the
// decoder's own directory and names it, then the sentinel, on the decoder's standard
// input, and reads the records back from its standard output. A decoder is used by one
// goroutine at a time; kill and close may be called from any.
type decoder struct {
	cmd *exec.Cmd
	dir string
	ctl io.WriteCloser
	out *bufio.Reader
	log *logTail
	// exited is closed when the process has exited and been waited for.
	exited chan struct{}
	n      int // requests sent, to name their files
	// sent, when set (by tests), is called once a request has been sent.
	sent func()
}

// decoderSpec is what a decoder is started with: its grammar (nil for the language
// model), as the FSG and dictionary text written to its directory.
type decoderSpec struct {
	fsg, dict string
}

// startDecoder spawns a decoder and asks it for the sentinel's record, which it answers
// once its model is loaded; ready waits for that answer. The process is not tied to a
// request's context: it outlives requests, and is stopped by close or kill.
func startDecoder(bin string, spec *decoderSpec) (d *decoder, err error) {
	dir, err := os.MkdirTemp("", "troupe-stt-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, sentinel+".raw"), nil, 0o600); err != nil {
		return nil, err
	}
	var files *grammarFiles
	if spec != nil {
		files = &grammarFiles{fsg: filepath.Join(dir, "phrases.fsg"), dict: filepath.Join(dir, "phrases.dict")}
		if err := os.WriteFile(files.fsg, []byte(spec.fsg), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(files.dict, []byte(spec.dict), 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, batchArgs(dir, files)...)
	ctl, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// Standard output is an os.Pipe of our own rather than cmd.StdoutPipe, which Wait
	// closes: a kill must not race the reader that it is there to stop.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	log := &logTail{max: 4096}
	cmd.Stdout, cmd.Stderr = w, log
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close()
	d = &decoder{cmd: cmd, dir: dir, ctl: ctl, out: bufio.NewReaderSize(r, 64<<10), log: log, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		r.Close()
		os.RemoveAll(dir)
		close(d.exited)
	}()
	if _, err := io.WriteString(ctl, sentinel+"\n"); err != nil {
		d.kill()
		return nil, d.failure(err)
	}
	return d, nil
}

// ready waits until the decoder has loaded its model and answered the sentinel.
func (d *decoder) ready(ctx context.Context) error {
	stop := context.AfterFunc(ctx, d.kill)
	defer stop()
	if _, err := d.readUntilSentinel(""); err != nil {
		if cerr := command.ContextError(ctx); cerr != nil {
			return cerr
		}
		return err
	}
	return nil
}

// decode decodes 16 kHz samples. If ctx ends first the process is killed: a decode
// cannot be stopped otherwise, and the decoder is not to be used again after an error.
func (d *decoder) decode(ctx context.Context, samples []int16) (record, error) {
	d.n++
	name := "u" + strconv.Itoa(d.n)
	path := filepath.Join(d.dir, name+".raw")
	raw := make([]byte, 2*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(s))
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return record{}, err
	}
	defer os.Remove(path)
	stop := context.AfterFunc(ctx, d.kill)
	defer stop()
	if _, err := io.WriteString(d.ctl, name+"\n"+sentinel+"\n"); err != nil {
		d.kill()
		return record{}, d.failure(err)
	}
	if d.sent != nil {
		d.sent()
	}
	rec, err := d.readUntilSentinel(name)
	if err != nil {
		if cerr := command.ContextError(ctx); cerr != nil {
			return record{}, cerr
		}
		return record{}, err
	}
	return rec, nil
}

// readUntilSentinel reads output lines up to the sentinel's record, keeping the lines of
// file name.
func (d *decoder) readUntilSentinel(name string) (record, error) {
	var rec record
	for {
		line, err := d.out.ReadString('\n')
		if err != nil {
			d.kill()
			return record{}, d.failure(err)
		}
		f := strings.Fields(line)
		switch {
		case len(f) < 2:
		case f[0] == sentinel && f[1] == "S":
			return rec, nil
		case f[0] != name:
		case f[1] == "S":
			ts, ok := parseHypseg(f)
			if !ok {
				d.kill()
				return record{}, d.failure(fmt.Errorf("unreadable hypothesis %q", strings.TrimSpace(line)))
			}
			rec.tokens = ts
		default:
			if w, p, ok := parseCTM(f); ok {
				rec.posteriors = append(rec.posteriors, posterior{w, p})
			}
		}
	}
}

// failure is an error of the decoder, with the tail of its log once it has exited.
func (d *decoder) failure(err error) error {
	select {
	case <-d.exited:
	case <-time.After(3 * time.Second):
	}
	if tail := strings.TrimSpace(d.log.String()); tail != "" {
		err = fmt.Errorf("%w: %s", err, tail)
	}
	return fmt.Errorf("%s: %w", decoderProgram, err)
}

// kill stops the process at once.
func (d *decoder) kill() { _ = d.cmd.Process.Kill() }

// close ends the decoder's input, which makes it exit after its current file, waits for
// it (killing it if it does not exit within a few seconds) and removes its directory.
func (d *decoder) close() {
	_ = d.ctl.Close()
	select {
	case <-d.exited:
	case <-time.After(5 * time.Second):
		d.kill()
		<-d.exited
	}
}

// posterior is a -ctm word and its posterior probability.
type posterior struct {
	word string
	p    float64
}

// logTail keeps the last max bytes of a decoder's log (its standard error).
type logTail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

// Write implements io.Writer.
func (t *logTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// String returns the kept bytes.
func (t *logTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// errDecoderClosed is returned for a request to a recognizer that has been closed.
var errDecoderClosed = errors.New("recognition: the recognizer is closed")
