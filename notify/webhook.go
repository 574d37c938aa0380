package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Option tunes a sender.
type Option func(*options)

type options struct {
	client *http.Client
	now    func() time.Time
}

// WithHTTPClient sends through c (a proxy, custom TLS roots). Its Timeout
// is better left 0: the Dispatcher's per-delivery deadline bounds each send.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

func newOptions(opts []Option) options {
	o := options{client: &http.Client{}, now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}

const userAgent = "kirikae-notify/1"

// Webhook POSTs the JSON body of doc.go to any HTTPS endpoint, signed when
// a secret is set.
type Webhook struct {
	url    string
	secret string
	opts   options
	scrub  scrubber
}

var _ Sender = (*Webhook)(nil)

// NewWebhook checks the URL (ValidateURL) and returns a sender for it. An
// empty secret sends unsigned deliveries.
func NewWebhook(rawURL, secret string, opts ...Option) (*Webhook, error) {
	if err := ValidateURL(KindWebhookURL, rawURL); err != nil {
		return nil, err
	}
	return &Webhook{url: rawURL, secret: secret, opts: newOptions(opts), scrub: newScrubber(rawURL)}, nil
}

// Name says where deliveries go, without the URL's secret parts.
func (w *Webhook) Name() string { return "webhook " + RedactURL(w.url) }

// Send makes one delivery attempt; the Dispatcher retries. Each attempt is
// signed with its own timestamp so a slow retry still passes Verify.
func (w *Webhook) Send(ctx context.Context, e Event) error {
	body, err := NewBody(e).Marshal()
	if err != nil {
		return err
	}
	err = post(ctx, w.opts.client, w.scrub, func(c *http.Client) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", userAgent)
		req.Header.Set(HeaderEvent, string(e.Kind))
		req.Header.Set(HeaderDelivery, e.ID)
		if w.secret != "" {
			now := w.opts.now()
			req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
			req.Header.Set(HeaderSignature, Sign(w.secret, now, body))
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		// Drain so the excerpt is recorded and the connection is reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	})
	if err != nil {
		return fmt.Errorf("post webhook: %w", err)
	}
	return nil
}
