package falclient

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// media is a kind of file fal produces, as a download asks for it and reports on it.
type media struct {
	noun   string // what the file is, in errors: "image", "audio"
	accept string // the Accept header sent
	limit  int    // the most bytes read
}

// The kinds of file downloaded.
var (
	imageMedia = media{noun: "image", accept: "image/*", limit: maxBody}
	audioMedia = media{noun: "audio", accept: "audio/*", limit: maxBody}
)

// download fetches a file fal produced: it decodes a data URI, or GETs a media URL
// through exchange, so bounded by Timeout and retried like every call, but without the
// key (fal's media URLs are public and the key must reach fal's API hosts only). It
// returns the bytes and the response's (or the data URI's) content type. A file larger
// than m's limit is an error naming m. Failures carry details {"stage": "download"},
// except the call's timeout and cancellation.
func (c *Client) download(ctx context.Context, endpoint, rawURL string, m media) ([]byte, string, error) {
	o, err := c.begin(ctx, endpoint, c.cfg.Timeout)
	if err != nil {
		return nil, "", err
	}
	defer o.end()
	if strings.HasPrefix(rawURL, "data:") {
		data, ct, err := decodeDataURI(rawURL, m.noun)
		if err != nil {
			return nil, "", downloadErr(o.badAnswer(http.StatusOK, nil, err))
		}
		return data, ct, nil
	}
	// Media URLs follow the queue's rule: https, or http only against a local fake.
	if err := c.checkQueueURL(rawURL); err != nil {
		return nil, "", downloadErr(o.badAnswer(http.StatusOK, nil, fmt.Errorf("media URL: %w", err)))
	}
	if c.downloadLimit > 0 {
		m.limit = min(m.limit, c.downloadLimit)
	}
	resp, body, err := c.exchange(o, request{method: http.MethodGet, url: rawURL, media: &m})
	if err != nil {
		return nil, "", err
	}
	return body, resp.Header.Get("Content-Type"), nil
}

// downloadErr marks an error as raised while fetching a file, after fal generated it.
func downloadErr(e *domain.Error) *domain.Error {
	e.Details["stage"] = "download"
	return e
}

// decodeDataURI decodes a base64 data URI, as fal returns media with sync_mode; noun
// names the file in errors.
func decodeDataURI(uri, noun string) ([]byte, string, error) {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(uri, "data:"), ",")
	mt, isBase64 := strings.CutSuffix(meta, ";base64")
	if !ok || !isBase64 {
		return nil, "", errors.New(noun + " data URI is not base64")
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, "", fmt.Errorf("%s data URI: %w", noun, err)
	}
	return data, mt, nil
}
