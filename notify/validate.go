package notify

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// URLKind says which sender a URL is for, since each accepts different URLs.
type URLKind string

// URL kinds, matching the config keys kirikae:slackWebhookUrl and kirikae:webhookUrl.
const (
	KindSlackURL   URLKind = "slack"
	KindWebhookURL URLKind = "webhook"
)

// URLError is a webhook URL that cannot work; the user fixes the config
// and nothing was sent. Its text never includes the URL's secret parts.
type URLError struct {
	Kind    URLKind
	URL     string // redacted (RedactURL)
	Problem string // what is wrong
	Fix     string // what to do
}

func (e *URLError) Error() string {
	name := "webhook URL"
	if e.Kind == KindSlackURL {
		name = "Slack webhook URL"
	}
	if e.URL != "" {
		name += " " + e.URL
	}
	return name + ": " + e.Problem + "; " + e.Fix
}

// ValidateURL checks a webhook URL before anything is sent, for
// `config check` and for the sender constructors. Only https is accepted,
// because the URL and the body carry secrets; plain http is allowed for a
// loopback host so tests and the sandbox can serve it locally, and a
// loopback host is accepted for Slack too for the same reason.
func ValidateURL(kind URLKind, raw string) error {
	fail := func(problem, fix string) error {
		r := ""
		if strings.TrimSpace(raw) != "" {
			r = RedactURL(raw)
		}
		return &URLError{Kind: kind, URL: r, Problem: problem, Fix: fix}
	}
	setIt := "set kirikae:webhookUrl to the receiver's https:// URL"
	if kind == KindSlackURL {
		setIt = "set it with `pulumi config set --secret kirikae:slackWebhookUrl https://hooks.slack.com/services/…`"
	} else if kind != KindWebhookURL {
		return fail(fmt.Sprintf("unknown kind %q", kind), "use notify.KindSlackURL or notify.KindWebhookURL")
	}
	if strings.TrimSpace(raw) == "" {
		return fail("is empty", setIt)
	}
	if raw != strings.TrimSpace(raw) {
		return fail("has leading or trailing spaces", setIt+" without them")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fail("is not an absolute https:// URL", setIt)
	}
	loopback := isLoopback(u.Hostname())
	if u.Scheme == "http" && !loopback {
		return fail("uses http, which would send it and every message in clear text", "use its https:// form (http is accepted only for localhost)")
	}
	if kind == KindSlackURL && !loopback && !isSlackHook(u) {
		return fail("is not a Slack incoming webhook (want https://hooks.slack.com/services/T…/B…/…)",
			"copy the URL from your Slack app's Incoming Webhooks page and "+setIt)
	}
	return nil
}

func isSlackHook(u *url.URL) bool {
	if !strings.EqualFold(u.Hostname(), "hooks.slack.com") || u.Port() != "" {
		return false
	}
	rest, ok := strings.CutPrefix(u.Path, "/services/")
	if !ok {
		return false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
	}
	return true
}

// IsLoopbackURL reports a URL on this machine (localhost, 127.0.0.0/8,
// ::1): the only receivers a sandbox run notifies, and addresses AWS SNS
// can never reach.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && isLoopback(u.Hostname())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
