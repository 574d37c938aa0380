package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slackTexts collects every text a reader sees in a message's blocks.
func slackTexts(t *testing.T, m slack.WebhookMessage) string {
	t.Helper()
	var out []string
	for _, a := range m.Attachments {
		for _, b := range a.Blocks.BlockSet {
			switch b := b.(type) {
			case *slack.SectionBlock:
				if b.Text != nil {
					out = append(out, b.Text.Text)
				}
				for _, f := range b.Fields {
					out = append(out, f.Text)
				}
			case *slack.ContextBlock:
				for _, el := range b.ContextElements.Elements {
					if tx, ok := el.(*slack.TextBlockObject); ok {
						out = append(out, tx.Text)
					}
				}
			default:
				t.Fatalf("unexpected block %T", b)
			}
		}
	}
	return strings.Join(out, "\n")
}

func TestSlackMessageCarriesWhatToDo(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	s, err := NewSlack(srv.URL + "/services/T000/B000/XXXX")
	require.NoError(t, err)
	ds := fast(s).Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)

	var m slack.WebhookMessage
	require.NoError(t, json.Unmarshal(srv.requests()[0].body, &m))
	assert.Equal(t, ":x: staging: deploy failed (release 7, image v3, frontend r2)", m.Text)
	require.Len(t, m.Attachments, 1)
	assert.Equal(t, slackColors[OutcomeFailure], m.Attachments[0].Color)
	text := slackTexts(t, m)
	assert.Contains(t, text, "*Stack*\nstaging")
	assert.Contains(t, text, "*Release*\nrelease 7, image v3, frontend r2")
	assert.Contains(t, text, "*Who*\nalice")
	assert.Contains(t, text, "*Changes*\ncreate 1, update 2")
	assert.Contains(t, text, "`kirikae rollback --stack staging --to 6`")
	assert.Contains(t, text, "verify /healthz: HTTP 500")
	assert.Contains(t, text, "<https://github.com/acme/shop/actions/runs/42|CI run>")
	assert.Contains(t, text, "<!date^1795626000^{date_short_pretty} {time_secs}|2026-11-25T17:00:00Z>")
}

func TestSlackMessageWithoutDetailsIsJustTheHeadline(t *testing.T) {
	m := SlackMessage(Event{Kind: DriftFound})
	assert.Equal(t, ":warning: drift found", m.Text)
	assert.Empty(t, m.Attachments)
}

func TestSlackColourFollowsOutcome(t *testing.T) {
	colours := map[string]bool{}
	for _, k := range []Kind{DeployStarted, DeploySucceeded, DeployFailed, RolledBackAutomatic} {
		e := sampleEvent()
		e.Kind = k
		c := SlackMessage(e).Attachments[0].Color
		assert.Equal(t, slackColors[e.Outcome()], c)
		colours[c] = true
	}
	assert.Len(t, colours, 4, "info, success, failure and warning look different")
}

func TestSlackMessageEscapesText(t *testing.T) {
	e := sampleEvent()
	e.Reason = "got <html> & more"
	e.RollbackCommand = "kirikae rollback --stack `x`"
	text := slackTexts(t, *SlackMessage(e))
	assert.Contains(t, text, "got &lt;html&gt; &amp; more")
	assert.Contains(t, text, "```kirikae rollback --stack `x````")
}

func TestSlackErrorAnswerIsFinal(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("no_service"))
	})
	s, err := NewSlack(srv.URL + "/services/T000/B000/XXXX")
	require.NoError(t, err)
	ds := fast(s).Dispatch(context.Background(), sampleEvent())
	var se *StatusError
	require.ErrorAs(t, ds[0].Err, &se)
	assert.Equal(t, "no_service", se.Text)
	assert.Equal(t, 1, ds[0].Attempts)
}

func TestSlackRetriesRateLimit(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests) // no Retry-After: backoff applies
		}
	})
	s, err := NewSlack(srv.URL + "/services/T000/B000/XXXX")
	require.NoError(t, err)
	ds := fast(s).Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)
	assert.Equal(t, 2, ds[0].Attempts)
}

func TestSlackRejectsNonSlackURL(t *testing.T) {
	_, err := NewSlack("https://example.com/services/T/B/X")
	var ue *URLError
	require.ErrorAs(t, err, &ue)
}
