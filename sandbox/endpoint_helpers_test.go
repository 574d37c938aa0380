package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/kirikae/kirikae/cloud"
	"github.com/stretchr/testify/require"
)

// serve runs the account's AWS endpoint and front door for one test.
func serve(t *testing.T, a *Account) *Endpoint {
	t.Helper()
	ep, err := Serve(t.Context(), a)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	return ep
}

// cloudOf is kirikae's one data plane (aws-sdk-go-v2) pointed at the
// account's endpoint, exactly as deploy builds it in sandbox mode.
func cloudOf(t *testing.T, a *Account) cloud.Cloud {
	ep := serve(t, a)
	return cloud.NewAt(cloud.Endpoint{URL: ep.URL, Region: "us-east-1", AccessKeyID: AccessKeyID,
		SecretAccessKey: SecretAccessKey, HTTPClient: FrontDoorClient(ep.FrontDoor)})
}

func (h *harness) cloud() cloud.Cloud { return cloudOf(h.t, h.acct) }

// resources lists the account's resources of one type.
func (h *harness) resources(typ string) []Resource {
	h.t.Helper()
	all, err := h.acct.Resources()
	require.NoError(h.t, err)
	var out []Resource
	for _, r := range all {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
