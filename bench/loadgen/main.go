// Command loadgen is the load tool of bench/load.sh for what wrk cannot do: requests a
// worker must own (a conversation takes one turn at a time, so each worker advances its
// own), thousands of event streams held open at once, and the slow fal upstream those
// streams wait on.
//
//	loadgen run -base URL -targets FILE -c 64 -d 10s
//	    Each line of FILE is "METHOD PATH [JSON body]". Worker i sends lines i, i+c, i+2c…
//	    in turn, one request at a time on its own keep-alive connection. Prints
//	    "requests/s p50_ms p99_ms" and exits 1 on any non-2xx answer.
//	loadgen streams -base URL -targets FILE -n 10000 -pid PID
//	    Opens n streams (POST lines of FILE, in turn) and holds them until every one has
//	    received a heartbeat comment, then prints the server's resident memory
//	    ("streams rss_mib peak_rss_mib"), read from /proc/PID/status.
//	loadgen upstream -addr 127.0.0.1:9300 -cert FILE
//	    A fal-protocol text stream that never ends, over HTTPS (HTTP/2) with a
//	    self-signed certificate written to FILE: POST /{endpoint}/stream answers one
//	    partial token at once and then a keep-alive comment every 10 s until the client
//	    goes away. Other POSTs answer a short line at once.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: loadgen run|streams|upstream [flags]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "run":
		err = run(ctx, os.Args[2:])
	case "streams":
		err = streams(ctx, os.Args[2:])
	case "upstream":
		err = upstream(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// target is one request of a targets file.
type target struct {
	method, path string
	body         []byte
}

func readTargets(path string) ([]target, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ts []target
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) < 2 {
			return nil, fmt.Errorf("targets: %q is not METHOD PATH [BODY]", line)
		}
		t := target{method: parts[0], path: parts[1]}
		if len(parts) == 3 {
			t.body = []byte(parts[2])
		}
		ts = append(ts, t)
	}
	if len(ts) == 0 {
		return nil, errors.New("targets: no requests")
	}
	return ts, nil
}

func (t target) request(ctx context.Context, base, key string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, t.method, base+t.path, bytes.NewReader(t.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if t.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// serverFlags are the flags of the commands that load a server: its base URL, the API
// key and the targets file.
func serverFlags(fs *flag.FlagSet) (base, key, targets *string) {
	return fs.String("base", "http://127.0.0.1:9000", "server base URL"),
		fs.String("key", "demo-key-123", "API key"),
		fs.String("targets", "", "targets file")
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	base, key, file := serverFlags(fs)
	conns := fs.Int("c", 64, "workers, each with its own connection")
	dur := fs.Duration("d", 10*time.Second, "duration")
	_ = fs.Parse(args)
	ts, err := readTargets(*file)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}}
	ctx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      []time.Duration
		failures atomic.Int64
		first    atomic.Value
	)
	start := time.Now()
	for w := range *conns {
		wg.Go(func() {
			var mine []time.Duration
			defer func() {
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			}()
			for i := w; ctx.Err() == nil; i += *conns {
				req, err := ts[i%len(ts)].request(ctx, *base, *key)
				if err != nil {
					first.CompareAndSwap(nil, err.Error())
					failures.Add(1)
					return
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						first.CompareAndSwap(nil, err.Error())
						failures.Add(1)
					}
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil && ctx.Err() != nil {
					return
				}
				if resp.StatusCode/100 != 2 || err != nil {
					first.CompareAndSwap(nil, fmt.Sprintf("%s %s: %d %s %v", req.Method, req.URL.Path, resp.StatusCode, body, err))
					failures.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failures.Load(); n > 0 {
		return fmt.Errorf("%d failed requests, the first: %v", n, first.Load())
	}
	if len(all) == 0 {
		return errors.New("no request completed")
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / 1e6 }
	fmt.Printf("%.0f %.3f %.3f\n", float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99))
	return nil
}

func streams(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("streams", flag.ExitOnError)
	base, key, file := serverFlags(fs)
	n := fs.Int("n", 10000, "streams to hold open")
	pid := fs.Int("pid", 0, "server process whose memory to read")
	opening := fs.Int("opening", 100, "streams being opened at once")
	timeout := fs.Duration("timeout", 3*time.Minute, "give up when the streams are not all open and heartbeating by then")
	hold := fs.Duration("hold", 0, "keep the streams open this long after measuring (to profile the server)")
	_ = fs.Parse(args)
	ts, err := readTargets(*file)
	if err != nil {
		return err
	}
	// One connection per stream, at most `opening` being dialled and sent at a time so the
	// listen backlog never overflows.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		open, beating atomic.Int64
		failed        = make(chan error, 1)
		allBeating    = make(chan struct{})
		slots         = make(chan struct{}, *opening)
	)
	for i := range *n {
		slots <- struct{}{}
		go func() {
			// The slot is free once the request is out: waiting for the answer's headers
			// takes no dial.
			var once sync.Once
			release := func() { once.Do(func() { <-slots }) }
			defer release()
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { release() }}
			req, err := ts[i%len(ts)].request(httptrace.WithClientTrace(ctx, trace), *base, *key)
			if err == nil {
				req.Header.Set("Accept", "text/event-stream")
			}
			var resp *http.Response
			if err == nil {
				resp, err = client.Do(req)
			}
			if err == nil && resp.StatusCode != http.StatusOK {
				body, _ := io.ReadAll(resp.Body)
				err = fmt.Errorf("stream %d: %d %s", i, resp.StatusCode, body)
			}
			if err != nil {
				if ctx.Err() == nil {
					select {
					case failed <- err:
					default:
					}
				}
				return
			}
			defer resp.Body.Close()
			open.Add(1)
			r := bufio.NewReader(resp.Body)
			counted := false
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					if ctx.Err() == nil {
						select {
						case failed <- fmt.Errorf("stream %d ended: %v", i, err):
						default:
						}
					}
					return
				}
				if !counted && strings.HasPrefix(line, ": heartbeat") {
					counted = true
					if beating.Add(1) == int64(*n) {
						close(allBeating)
					}
				}
			}
		}()
	}
	select {
	case <-allBeating:
	case err := <-failed:
		return fmt.Errorf("%w (%d open)", err, open.Load())
	case <-time.After(*timeout):
		return fmt.Errorf("after %s: %d streams open, %d heartbeating", *timeout, open.Load(), beating.Load())
	case <-ctx.Done():
		return ctx.Err()
	}
	rss, peak, err := memoryOf(*pid)
	if err != nil {
		return err
	}
	fmt.Printf("%d %.0f %.0f\n", beating.Load(), rss, peak)
	select {
	case <-time.After(*hold):
	case <-ctx.Done():
	}
	return nil
}

// memoryOf reads a process's resident and peak resident memory in MiB.
func memoryOf(pid int) (rss, peak float64, err error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS for process %d", pid)
	}
	return rss, peak, nil
}

func upstream(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("upstream", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:9300", "listen address")
	certFile := fs.String("cert", "upstream.pem", "where to write the server's certificate")
	_ = fs.Parse(args)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.HasSuffix(r.URL.Path, "/stream") {
			_, _ = io.WriteString(w, `{"output":"Aye.","partial":false}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		_, _ = io.WriteString(w, ": keep-alive\n\ndata: {\"output\":\"Well, \",\"partial\":true}\n\n")
		_ = rc.Flush()
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
				if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
					return
				}
				_ = rc.Flush()
			}
		}
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	cert, err := selfSigned(*certFile)
	if err != nil {
		return err
	}
	// TLS, so the server's client speaks HTTP/2 to it as it does to fal, and thousands of
	// streams share a few connections instead of taking a socket each.
	srv := &http.Server{Handler: mux, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ServeTLS(ln, "", ""); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and writes it, PEM-encoded, to path for
// the server under test to trust (SSL_CERT_FILE).
func selfSigned(path string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "loadgen upstream"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
