package stacks

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loaded(t *testing.T, lines ...string) Config {
	t.Helper()
	c, err := Parse(testFile, []byte(stackYAML(lines...)), "staging")
	require.NoError(t, err)
	return c
}

func TestWithAppliesReleaseValues(t *testing.T) {
	c := loaded(t, "kirikae:alertEmails: [a@example.com]")
	got, err := c.With(map[string]string{
		KeyImageTag:        "v2",
		KeyIdleImageTag:    "v1",
		KeyActiveColor:     "green",
		KeyIdleWeight:      "10",
		KeyBakeTime:        "90s",
		KeyAlertEmails:     "x@example.com, y@example.com",
		KeyFrontendRelease: "r2",
	})
	require.NoError(t, err)
	assert.Equal(t, "v2", got.ImageTag)
	assert.Equal(t, "v1", got.IdleImageTag)
	assert.Equal(t, ColorGreen, got.ActiveColor)
	assert.Equal(t, ColorBlue, got.IdleColor())
	assert.Equal(t, 10, got.IdleWeight)
	assert.Equal(t, 90*time.Second, got.BakeTime)
	assert.Equal(t, []string{"x@example.com", "y@example.com"}, got.AlertEmails)
	assert.Equal(t, "r2", got.FrontendRelease)

	// The receiver is untouched.
	assert.Equal(t, "v1", c.ImageTag)
	assert.Equal(t, []string{"a@example.com"}, c.AlertEmails)
}

func TestWithNoOverridesIsIdentity(t *testing.T) {
	c := loaded(t)
	got, err := c.With(nil)
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestWithReportsEveryBadOverride(t *testing.T) {
	c := loaded(t)
	got, err := c.With(map[string]string{
		KeyImageTag:           "bad tag",
		KeyDesiredCount:       "many",
		KeyMemory:             "4096",
		"kirikae:imagetag":    "v2",
		KeySlackWebhookURL:    "https://hooks.slack.com/x",
		"aws:profile":         "dev",
		KeyCanaryPercent:      "0",
		KeyLambdaCanaryWeight: "5",
	})
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "got %T: %v", err, err)
	assert.Equal(t, `override: aws:profile: "dev" is read by the AWS provider only; set it in the stack file
override: kirikae:desiredCount: "many" is not an integer
override: kirikae:imagetag: is not a known key; did you mean kirikae:imageTag?
override: kirikae:slackWebhookUrl: is a secret and cannot be overridden; use: pulumi config set --secret kirikae:slackWebhookUrl <value>
override: kirikae:imageTag: "bad tag" is not a valid Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})
override: kirikae:canaryPercent: "0" must be between 1 and 99
override: kirikae:memory: "4096" is not a valid Fargate memory for cpu 256; allowed: 512, 1024, 2048
override: kirikae:lambdaCanaryWeight: "5" needs kirikae:lambdaAliasVersion (the version alias live stays on during the canary)`, err.Error())
	assert.Equal(t, c, got, "on error With returns the receiver unchanged")
}

func TestWithCrossCheckNamesTheFileForUnchangedKeys(t *testing.T) {
	c := loaded(t, `kirikae:memory: "2048"`)
	_, err := c.With(map[string]string{KeyCPU: "4096"})
	assert.EqualError(t, err, `Pulumi.test.yaml: kirikae:memory: "2048" is not a valid Fargate memory for cpu 4096; allowed: 8192 to 30720 in steps of 1024`)
}

func TestTextRoundTripsReleaseValues(t *testing.T) {
	c := Defaults("staging")
	c.ImageTag, c.IdleWeight, c.ActiveColor = "v9", 10, ColorGreen
	for key, want := range map[string]string{KeyImageTag: "v9", KeyIdleWeight: "10", KeyActiveColor: "green"} {
		got, ok := c.Text(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, got, key)
	}
	_, ok := c.Text("kirikae:nope")
	assert.False(t, ok)
	base, err := Load("..", "staging")
	require.NoError(t, err)
	text, _ := c.Text(KeyIdleWeight)
	back, err := base.With(map[string]string{KeyIdleWeight: text})
	require.NoError(t, err)
	assert.Equal(t, 10, back.IdleWeight, "Text gives what With accepts back")
}
