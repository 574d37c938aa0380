package notify

import (
	"encoding/base64"
	"errors"
	"net/url"
	"sort"
	"strings"
)

// RedactURL names a webhook without its secret parts: Slack puts its token
// in the path, and generic webhooks often carry one in the userinfo or the
// query, so only the host survives: "hooks.slack.com/…".
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "<unparseable URL>"
	}
	if u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return u.Host + "/…"
	}
	return u.Host
}

// scrubber removes every secret-bearing piece of one URL from text. Errors
// from net/http quote the request URL, and servers may echo it back, so
// every string a sender returns passes through here.
type scrubber struct {
	redacted string
	secrets  []string // longest first, so a piece never survives inside a longer one
}

// minSecretLen keeps short, common path words ("api", "v1") from being
// scrubbed out of unrelated text; tokens are far longer.
const minSecretLen = 6

func newScrubber(raw string) scrubber {
	s := scrubber{redacted: RedactURL(raw)}
	add := func(v string) {
		if len(v) >= minSecretLen {
			s.secrets = append(s.secrets, v)
		}
	}
	add(raw)
	add(strings.TrimSpace(raw))
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil {
		add(u.String())
		add(u.Path)
		add(u.EscapedPath())
		add(u.RawQuery)
		add(u.Fragment)
		if u.User != nil {
			add(u.User.String())
			add(u.User.Username())
			p, _ := u.User.Password()
			add(p)
			// net/http sends userinfo as Basic auth, which a server may echo.
			add(base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + p)))
		}
		for _, seg := range strings.Split(u.Path, "/") {
			add(seg)
		}
		for _, vals := range u.Query() {
			for _, v := range vals {
				add(v)
				add(url.QueryEscape(v))
			}
		}
	}
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
	return s
}

// text replaces the whole URL with its redacted name and any leftover
// piece with "…".
func (s scrubber) text(t string) string {
	for i, v := range s.secrets {
		repl := "…"
		if i == 0 || strings.Contains(v, "://") {
			repl = s.redacted
		}
		t = strings.ReplaceAll(t, v, repl)
	}
	return t
}

// err flattens err into a scrubbed message, keeping only what callers may
// test for: whether it was a timeout.
func (s scrubber) err(err error, retryable bool) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		// "Post \"https://…\": dial tcp …": drop the quoted URL outright.
		msg = ue.Op + " " + s.redacted + ": " + ue.Err.Error()
	}
	return &transportError{msg: s.text(msg), retryable: retryable, timeout: isTimeout(err)}
}
