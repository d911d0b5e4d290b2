package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Header names defined by Standard Webhooks. [http.Header] canonicalises them
// (Webhook-Id, …); header names are case-insensitive, so receivers see the
// same thing.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// UserAgent is sent with every delivery so receivers can recognise Troupe.
const UserAgent = "Troupe-Webhooks/1"

// maxMsgIDLen bounds webhook-id; Troupe's ids are far shorter.
const maxMsgIDLen = 256

// ErrInvalidMsgID is returned for a message id that is empty, too long, or has
// characters other than visible ASCII excluding '.'.
var ErrInvalidMsgID = errors.New("webhook: invalid message id")

// Sign returns the webhook-signature value "v1,<base64 HMAC-SHA256>" for the
// message, signing "msgID.unix(ts).body" with the key decoded from secret.
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if err := checkMsgID(msgID); err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts.Unix(), 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Headers returns the headers of one delivery attempt: webhook-id,
// webhook-timestamp and webhook-signature for (msgID, ts, body), plus
// Content-Type application/json and the Troupe User-Agent. ts must be the time
// of this attempt, not of the first one: receivers reject stale timestamps.
func Headers(secret, msgID string, ts time.Time, body []byte) (http.Header, error) {
	return HeadersAll([]string{secret}, msgID, ts, body)
}

// checkMsgID keeps the id a valid header value and keeps the signed content
// unambiguous: the spec joins id, timestamp and body with '.', so an id that
// contained '.' followed by digits could be split differently ("a.1" at
// time 2 and "a" at time 1 with body "2.…" sign the same bytes).
func checkMsgID(id string) error {
	if id == "" || len(id) > maxMsgIDLen {
		return ErrInvalidMsgID
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '.' {
			return ErrInvalidMsgID
		}
	}
	return nil
}
