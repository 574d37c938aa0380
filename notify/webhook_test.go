package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookPostsDocumentedBody(t *testing.T) {
	srv := newServer(t, ok)
	e := sampleEvent()
	e.ID = "evt-1"
	ds := fast(mustWebhook(t, srv.URL, "")).Dispatch(context.Background(), e)
	require.NoError(t, ds[0].Err)
	h := srv.requests()[0]
	assert.Equal(t, "application/json", h.header.Get("Content-Type"))
	assert.Equal(t, "deploy.failed", h.header.Get(HeaderEvent))
	assert.Equal(t, "evt-1", h.header.Get(HeaderDelivery))
	assert.Empty(t, h.header.Get(HeaderSignature), "no secret, no signature")

	// Field names are the contract in doc.go: read them as a receiver would.
	var got map[string]any
	require.NoError(t, json.Unmarshal(h.body, &got))
	assert.Equal(t, map[string]any{
		"schema":           "kirikae.notify/v1",
		"id":               "evt-1",
		"kind":             "deploy.failed",
		"outcome":          "failure",
		"title":            "staging: deploy failed (release 7, image v3, frontend r2)",
		"stack":            "staging",
		"release":          map[string]any{"id": 7.0, "name": "image v3, frontend r2"},
		"who":              "alice",
		"ci_run_url":       "https://github.com/acme/shop/actions/runs/42",
		"changes":          map[string]any{"create": 1.0, "update": 2.0},
		"rollback_command": "kirikae rollback --stack staging --to 6",
		"reason":           "verify /healthz: HTTP 500",
		"time":             "2026-11-25T17:00:00Z",
	}, got)
}

func TestWebhookOmitsEmptyFields(t *testing.T) {
	raw, err := NewBody(Event{Kind: DeployStarted, Stack: "product", Time: time.Unix(0, 0)}).Marshal()
	require.NoError(t, err)
	assert.JSONEq(t, `{"schema":"kirikae.notify/v1","id":"","kind":"deploy.started","outcome":"info",
		"title":"product: deploy started","stack":"product","time":"1970-01-01T00:00:00Z"}`, string(raw))
}

func TestWebhookSignatureVerifies(t *testing.T) {
	const secret = "s3cret-shared"
	srv := newServer(t, ok)
	ds := fast(mustWebhook(t, srv.URL, secret)).Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)
	h := srv.requests()[0]
	require.NotEmpty(t, h.header.Get(HeaderSignature))

	assert.NoError(t, Verify(secret, h.body, h.header))
	assert.ErrorIs(t, Verify("wrong-secret", h.body, h.header), ErrBadSignature)
	tampered := append([]byte(nil), h.body...)
	tampered[len(tampered)-2] ^= 1
	assert.ErrorIs(t, Verify(secret, tampered, h.header), ErrBadSignature)

	// Replaying the delivery under a new timestamp breaks the MAC...
	replay := h.header.Clone()
	replay.Set(HeaderTimestamp, strconv.FormatInt(time.Now().Unix()+1, 10))
	assert.ErrorIs(t, Verify(secret, h.body, replay), ErrBadSignature)
	// ...and replaying it as is fails once the window has passed.
	assert.ErrorIs(t, VerifyAt(secret, h.body, h.header, time.Now().Add(10*time.Minute), Tolerance), ErrStaleTimestamp)

	unsigned := h.header.Clone()
	unsigned.Del(HeaderSignature)
	assert.ErrorIs(t, Verify(secret, h.body, unsigned), ErrNoSignature)
	garbled := h.header.Clone()
	garbled.Set(HeaderSignature, "sha1=abc")
	assert.ErrorIs(t, Verify(secret, h.body, garbled), ErrBadSignature)
}

// The scheme written out by hand, as a receiver in another language would.
func TestSignMatchesDocumentedScheme(t *testing.T) {
	body := []byte(`{"kind":"deploy.started"}`)
	m := hmac.New(sha256.New, []byte("k"))
	m.Write([]byte("1700000000." + string(body)))
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	assert.Equal(t, want, Sign("k", time.Unix(1700000000, 0), body))

	h := http.Header{}
	h.Set(HeaderTimestamp, "1700000000")
	h.Set(HeaderSignature, want)
	assert.NoError(t, VerifyAt("k", body, h, time.Unix(1700000100, 0), Tolerance))
}

func TestWebhookRejectsBadURL(t *testing.T) {
	_, err := NewWebhook("http://example.com/hook", "")
	var ue *URLError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "https")
}
