package iam

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// CreateOpenIDConnectProvider: the ARN is the URL without https://, one
// provider per URL, an https URL and 40-hex-digit thumbprints only.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
func TestCreateOIDCProvider(t *testing.T) {
	st := core.NewState()
	p, err := CreateOIDCProvider(st, "111122223333", "https://token.actions.githubusercontent.com", []string{"sts.amazonaws.com"},
		[]string{"6938fd4d98bab03faadb97b34396831e3780aea1"})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", p.Arn)

	code := func(err error) string {
		if e, ok := err.(*core.APIError); ok {
			return e.Code
		}
		return ""
	}
	_, err = CreateOIDCProvider(st, "111122223333", "https://token.actions.githubusercontent.com", nil, nil)
	assert.Equal(t, "EntityAlreadyExists", code(err))
	_, err = CreateOIDCProvider(st, "111122223333", "http://insecure.example.com", nil, nil)
	assert.Equal(t, "ValidationError", code(err))
	_, err = CreateOIDCProvider(st, "111122223333", "https://ok.example.com", nil, []string{"not-hex"})
	assert.Equal(t, "ValidationError", code(err))
}
