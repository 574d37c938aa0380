package notify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateURL(t *testing.T) {
	good := []struct {
		kind URLKind
		url  string
	}{
		{KindSlackURL, "https://hooks.slack.com/services/T0001/B0001/abcdef"},
		{KindSlackURL, "http://127.0.0.1:8080/services/T/B/X"},
		{KindSlackURL, "http://localhost/anything"},
		{KindWebhookURL, "https://example.com/hook"},
		{KindWebhookURL, "https://u:p@example.com:8443/hook?token=1"},
		{KindWebhookURL, "http://[::1]:9000/hook"},
	}
	for _, c := range good {
		assert.NoError(t, ValidateURL(c.kind, c.url), "%s %s", c.kind, c.url)
	}

	bad := []struct {
		kind URLKind
		url  string
		want string // in the message
	}{
		{KindSlackURL, "", "is empty; set it with `pulumi config set --secret kirikae:slackWebhookUrl"},
		{KindWebhookURL, "", "is empty; set kirikae:webhookUrl"},
		{KindWebhookURL, "example.com/hook", "not an absolute https:// URL"},
		{KindWebhookURL, "ftp://example.com/hook", "not an absolute https:// URL"},
		{KindWebhookURL, "https://exa mple.com/", "not an absolute https:// URL"},
		{KindWebhookURL, " https://example.com/hook", "leading or trailing spaces"},
		{KindWebhookURL, "http://example.com/hook", "uses http"},
		{KindSlackURL, "http://hooks.slack.com/services/T/B/X", "uses http"},
		{KindSlackURL, "https://example.com/services/T/B/X", "not a Slack incoming webhook"},
		{KindSlackURL, "https://hooks.slack.com/triggers/T/B/X", "not a Slack incoming webhook"},
		{KindSlackURL, "https://hooks.slack.com/services/T/B", "not a Slack incoming webhook"},
		{KindSlackURL, "https://hooks.slack.com/services/T//X", "not a Slack incoming webhook"},
		{KindSlackURL, "https://hooks.slack.com:444/services/T/B/X", "not a Slack incoming webhook"},
		{URLKind("sns"), "https://example.com", "unknown kind"},
	}
	for _, c := range bad {
		err := ValidateURL(c.kind, c.url)
		require.Error(t, err, "%s %q", c.kind, c.url)
		var ue *URLError
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, err.Error(), c.want, "%s %q", c.kind, c.url)
		assert.NotContains(t, err.Error(), "\n", "one line")
		// Every message says what to do next.
		assert.True(t, strings.Contains(ue.Fix, "set") || strings.Contains(ue.Fix, "use"), ue.Fix)
	}
}

func TestSendersFromConfig(t *testing.T) {
	none, err := Senders(Config{})
	require.NoError(t, err)
	assert.Empty(t, none)

	both, err := Senders(Config{
		SlackURL:   "https://hooks.slack.com/services/T0001/B0001/abcdef",
		WebhookURL: "https://example.com/hook?token=abcdefgh",
	})
	require.NoError(t, err)
	require.Len(t, both, 2)
	assert.Equal(t, "slack hooks.slack.com/…", both[0].Name())
	assert.Equal(t, "webhook example.com/…", both[1].Name())

	_, err = Senders(Config{SlackURL: "https://example.com/x", WebhookURL: "http://example.com/y"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Slack webhook URL example.com/…: is not a Slack incoming webhook")
	assert.Contains(t, err.Error(), "webhook URL example.com/…: uses http")
}
