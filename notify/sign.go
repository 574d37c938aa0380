package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the signed generic webhook (doc.go has the scheme).
const (
	HeaderSignature = "X-Kirikae-Signature"
	HeaderTimestamp = "X-Kirikae-Timestamp"
	HeaderEvent     = "X-Kirikae-Event"
	HeaderDelivery  = "X-Kirikae-Delivery"
)

// Tolerance is how far a delivery's timestamp may be from the receiver's
// clock before Verify calls it a replay; five minutes covers clock skew and
// every retry of one delivery (each retry is signed afresh).
const Tolerance = 5 * time.Minute

// Why a delivery failed verification; test with errors.Is.
var (
	ErrNoSignature    = errors.New("no signature")
	ErrBadSignature   = errors.New("signature does not match")
	ErrStaleTimestamp = errors.New("timestamp outside the allowed window")
)

// Sign returns the signature header value for a body sent at ts:
// "sha256=" + hex(HMAC-SHA256(secret, "<unix seconds>." + body)).
func Sign(secret string, ts time.Time, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

// mac puts the timestamp inside the MAC so a captured delivery
// cannot be replayed later under a fresh timestamp header.
func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery as a receiver gets it: the raw request body and
// its headers, against the shared secret, with Tolerance against replays.
func Verify(secret string, body []byte, h http.Header) error {
	return VerifyAt(secret, body, h, time.Now(), Tolerance)
}

// VerifyAt is Verify with an explicit clock and window.
func VerifyAt(secret string, body []byte, h http.Header, now time.Time, window time.Duration) error {
	sig, tsText := h.Get(HeaderSignature), h.Get(HeaderTimestamp)
	if sig == "" || tsText == "" {
		return fmt.Errorf("verify delivery: %w: want headers %s and %s", ErrNoSignature, HeaderSignature, HeaderTimestamp)
	}
	secs, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("verify delivery: %w: %s is not unix seconds", ErrStaleTimestamp, HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > window || d < -window {
		return fmt.Errorf("verify delivery: %w: sent %s from now, allowed %s", ErrStaleTimestamp, d.Round(time.Second), window)
	}
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	got, err := hex.DecodeString(hexSig)
	if !ok || err != nil {
		return fmt.Errorf("verify delivery: %w: want sha256=<hex>", ErrBadSignature)
	}
	// hmac.Equal compares in constant time, so timing reveals nothing.
	if !hmac.Equal(got, mac(secret, tsText, body)) {
		return fmt.Errorf("verify delivery: %w", ErrBadSignature)
	}
	return nil
}
