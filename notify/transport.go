package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StatusError is a webhook's non-2xx answer. It carries no URL, so it is
// safe to show and to journal.
type StatusError struct {
	Code int
	// Text is the start of the response body, one line, scrubbed: Slack
	// answers "no_service" or "invalid_payload", which says what to fix.
	Text string
	// RetryAfter is the server's Retry-After, 0 when absent.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}

// Retryable says whether another attempt may succeed: a server error or a
// rate limit may pass; any other 4xx means the request itself is wrong.
func (e *StatusError) Retryable() bool { return e.Code >= 500 || e.Code == http.StatusTooManyRequests }

// transportError is a failure before any answer (refused, reset, timed
// out), flattened to a scrubbed message so no URL travels inside it.
type transportError struct {
	msg       string
	retryable bool
	timeout   bool
}

func (e *transportError) Error() string   { return e.msg }
func (e *transportError) Retryable() bool { return e.retryable }
func (e *transportError) Timeout() bool   { return e.timeout }

// Unwrap keeps errors.Is(err, context.DeadlineExceeded) working without
// keeping the original error (and the URL inside it).
func (e *transportError) Unwrap() error {
	if e.timeout {
		return context.DeadlineExceeded
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// exchange records what one POST got back, whoever made the request (our
// webhook sender or slack-go), so both are classified the same way.
type exchange struct {
	tried  bool
	status int
	header http.Header
	body   bytes.Buffer // the first excerptLen bytes of a non-2xx body
}

const excerptLen = 200

type recorder struct {
	base http.RoundTripper
	x    *exchange
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.x.tried = true
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.x.status, r.x.header = resp.StatusCode, resp.Header
	if resp.StatusCode/100 != 2 {
		resp.Body = teeBody{ReadCloser: resp.Body, buf: &r.x.body}
	}
	return resp, nil
}

type teeBody struct {
	io.ReadCloser
	buf *bytes.Buffer
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if room := excerptLen - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(n, room)])
	}
	return n, err
}

// post runs one request through a client that records the exchange and
// turns the outcome into nil, a *StatusError or a scrubbed transport error.
func post(ctx context.Context, base *http.Client, s scrubber, do func(*http.Client) error) error {
	x := &exchange{}
	c := *base
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = recorder{base: rt, x: x}
	// A webhook that redirects is misconfigured; following it would resend
	// a signed body to a host nobody configured.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	err := do(&c)
	switch {
	case x.status != 0 && x.status/100 != 2:
		return &StatusError{Code: x.status, Text: s.text(oneLine(x.body.String())), RetryAfter: retryAfter(x.header, time.Now())}
	case err == nil:
		return nil
	case x.status != 0:
		// A 2xx the client still refused (Slack wants exactly 200): the
		// same request would be refused again.
		return s.err(err, false)
	case !x.tried:
		// The request could not even be built: retrying cannot help.
		return s.err(err, false)
	default:
		// No answer: a network failure, worth retrying unless our own
		// deadline or the caller's cancellation caused it.
		return s.err(err, ctx.Err() == nil)
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) >= excerptLen {
		s += "…"
	}
	return s
}

// retryAfter reads Retry-After as seconds or an HTTP date
// (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after); 0 when absent
// or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(0, time.Duration(secs)*time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now))
	}
	return 0
}
