package notify

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const plantedToken = "PLANTEDtok3nQx7Zr9"

// Failures in every shape, against URLs that carry a known token in each
// place a URL can: the path (Slack), the userinfo and the query. The token
// must appear in no error, result, name or warning.
func TestWebhookURLTokenNeverLeaks(t *testing.T) {
	echo := func(_ int, w http.ResponseWriter, r *http.Request) {
		// A hostile or chatty server echoing the request back.
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = fmt.Fprintf(w, "failed %s %s", r.URL.String(), r.Header.Get("Authorization"))
	}
	hang := func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	closedAddr := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		return l.Addr().String()
	}

	urls := func(hostport string) map[string]string {
		return map[string]string{
			"slack path":     "http://" + hostport + "/services/T0001/B0001/" + plantedToken,
			"webhook user":   "http://deploy:" + plantedToken + "@" + hostport + "/hook",
			"webhook query":  "http://" + hostport + "/hook?token=" + plantedToken,
			"webhook path":   "http://" + hostport + "/hooks/" + plantedToken,
			"webhook userid": "http://" + plantedToken + "@" + hostport + "/hook",
		}
	}
	failures := map[string]func() string{
		"refused": closedAddr,
		"500 echo": func() string {
			return strings.TrimPrefix(newServer(t, echo).URL, "http://")
		},
		"timeout": func() string {
			return strings.TrimPrefix(newServer(t, hang).URL, "http://")
		},
	}
	for failure, addr := range failures {
		for name, u := range urls(addr()) {
			t.Run(failure+"/"+name, func(t *testing.T) {
				var s Sender
				var err error
				if strings.HasPrefix(name, "slack") {
					s, err = NewSlack(u)
				} else {
					s, err = NewWebhook(u, "secret")
				}
				require.NoError(t, err)
				d := fast(s)
				d.Deadline = 150 * time.Millisecond
				d.MaxAttempts = 2
				ds := d.Dispatch(context.Background(), sampleEvent())
				require.Error(t, ds[0].Err)
				assertNoToken(t, ds)
			})
		}
	}
}

func TestURLErrorsNeverLeak(t *testing.T) {
	for _, u := range []string{
		"https://hooks.slack.com/services/T0001/" + plantedToken,
		"http://hooks.slack.com/services/T0001/B0001/" + plantedToken,
		"https://example.com/services/T0001/B0001/" + plantedToken,
		"ftp://user:" + plantedToken + "@example.com/x",
		" https://hooks.slack.com/services/T0001/B0001/" + plantedToken,
		"https://hooks.slack.com/services/T0001/B0001/" + plantedToken + "\x7f",
	} {
		_, err := Senders(Config{SlackURL: u, WebhookURL: u})
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), plantedToken)
	}
}

func assertNoToken(t *testing.T, ds []Delivery) {
	t.Helper()
	var seen []string
	seen = append(seen, fmt.Sprintf("%v|%+v|%#v", ds, ds, ds))
	seen = append(seen, Warnings(ds)...)
	for _, d := range ds {
		seen = append(seen, d.Sender)
		for err := d.Err; err != nil; err = errors.Unwrap(err) {
			seen = append(seen, err.Error(), fmt.Sprintf("%+v|%#v", err, err))
		}
		var se *StatusError
		if errors.As(d.Err, &se) {
			seen = append(seen, fmt.Sprintf("%#v", *se))
		}
	}
	basic := []string{ // the userinfo as net/http sends it
		base64.StdEncoding.EncodeToString([]byte("deploy:" + plantedToken)),
		base64.StdEncoding.EncodeToString([]byte(plantedToken + ":")),
	}
	for _, s := range seen {
		assert.NotContains(t, s, plantedToken)
		for _, b := range basic {
			assert.NotContains(t, s, b)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://hooks.slack.com/services/T0/B0/XYZ": "hooks.slack.com/…",
		"https://u:p@example.com:8443/x?token=1":     "example.com:8443/…",
		"https://example.com":                        "example.com",
		"https://example.com/":                       "example.com",
		"not a url":                                  "<unparseable URL>",
		"":                                           "<unparseable URL>",
	} {
		assert.Equal(t, want, RedactURL(raw), raw)
	}
}
