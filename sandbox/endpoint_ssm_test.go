package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The AWS CLI stores and reads a SecureString as Parameter Store does: the
// value comes back only with decryption, a second put needs --overwrite,
// and a missing name is ParameterNotFound.
func TestSSMParametersWithTheAWSCLI(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	ep := serve(t, h.acct)

	put := awsJSON(t, ep, "ssm", "put-parameter", "--name", "/kirikae/staging/slack", "--type", "SecureString", "--value", "xoxb-secret-1")
	assert.EqualValues(t, 1, put["Version"])

	got := awsJSON(t, ep, "ssm", "get-parameter", "--name", "/kirikae/staging/slack", "--with-decryption")
	assert.Equal(t, "xoxb-secret-1", got["Parameter"].(map[string]any)["Value"])
	sealed := awsJSON(t, ep, "ssm", "get-parameter", "--name", "/kirikae/staging/slack")
	assert.NotEqual(t, "xoxb-secret-1", sealed["Parameter"].(map[string]any)["Value"], "a SecureString is never returned without decryption")

	_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "ssm", "put-parameter", "--name", "/kirikae/staging/slack", "--type", "SecureString", "--value", "other")
	require.False(t, ok)
	assert.Contains(t, errOut, "ParameterAlreadyExists")
	again := awsJSON(t, ep, "ssm", "put-parameter", "--name", "/kirikae/staging/slack", "--value", "xoxb-secret-2", "--overwrite")
	assert.EqualValues(t, 2, again["Version"])

	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "ssm", "get-parameter", "--name", "/nope")
	require.False(t, ok)
	assert.Contains(t, errOut, "ParameterNotFound")
}
