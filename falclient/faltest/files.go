package faltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FilesEndpoint is the pseudo endpoint id under which the server records downloads of the
// files it serves (Recorded.Endpoint, with Kind KindFile). Pass it to FailNext, StallNext
// or DropNext to break the next downloads, as a CDN can fail.
const FilesEndpoint = "files"

// KindFile is a GET (or HEAD) of a file the server serves at {URL}/files/{name}.
const KindFile Kind = "file"

// filesPrefix is where files are served, like fal's CDN (https://v3.fal.media/files/…).
const filesPrefix = "/files/"

// media holds the files the server serves and the FLUX handlers' knobs. It has its own
// lock: handlers run without the server's.
type media struct {
	mu    sync.Mutex
	files map[string]storedFile
	nsfw  int // how many of the next FLUX calls are flagged NSFW
}

// storedFile is one served file.
type storedFile struct {
	data        []byte
	contentType string
}

// PutFile stores data and returns the URL it is served at: {URL}/files/{id}.{ext}, where
// id derives from the content, so equal files share a URL. Downloads need no key, as on
// fal's CDN. Handlers and tests use it to return files of their own.
func (s *Server) PutFile(data []byte, contentType string) string {
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:8]) + extension(contentType)
	s.media.mu.Lock()
	defer s.media.mu.Unlock()
	if s.media.files == nil {
		s.media.files = map[string]storedFile{}
	}
	s.media.files[name] = storedFile{data: bytes.Clone(data), contentType: contentType}
	return s.srv.URL + filesPrefix + name
}

// extension is the file name extension for a content type: ".png", ".jpeg", or none.
func extension(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if i := strings.IndexByte(mt, '/'); i >= 0 && !strings.ContainsAny(mt[i+1:], "+.") {
		return "." + mt[i+1:]
	}
	return ""
}

// fileRoute recognises a download: GET or HEAD of /files/{name}, one path segment.
func fileRoute(r *http.Request) (route, bool) {
	name, ok := strings.CutPrefix(r.URL.Path, filesPrefix)
	if !ok || name == "" || strings.Contains(name, "/") || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return route{}, false
	}
	return route{kind: KindFile, endpoint: FilesEndpoint, id: name}, true
}

// file answers a download with the stored bytes and their content type, or 404.
func (s *Server) file(w http.ResponseWriter, r *http.Request, rt route) {
	s.media.mu.Lock()
	f, ok := s.media.files[rt.id]
	s.media.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "File not found"}, nil)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	// ServeContent handles HEAD and ranges; a zero time sends no Last-Modified.
	http.ServeContent(w, r, rt.id, time.Time{}, bytes.NewReader(f.data))
}
