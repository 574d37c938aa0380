package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/kirikae/kirikae/cloud"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// serve runs the account's AWS endpoint and front door for one test.
func serve(t *testing.T, a *core.Account) *Endpoint {
	t.Helper()
	ep, err := serveAccount(t.Context(), a, ServeOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	return ep
}

// cloudOf is kirikae's one data plane (aws-sdk-go-v2) pointed at the
// account's endpoint, exactly as deploy builds it in sandbox mode.
func cloudOf(t *testing.T, a *core.Account) cloud.Cloud {
	ep := serve(t, a)
	return cloud.NewAt(cloud.Endpoint{URL: ep.URL, Region: "us-east-1", AccessKeyID: core.AccessKeyID,
		SecretAccessKey: core.SecretAccessKey, HTTPClient: FrontDoorClient(ep.FrontDoor)})
}

func (h *harness) cloud() cloud.Cloud { return cloudOf(h.t, h.acct) }

// resources lists the account's resources of one type.
func (h *harness) resources(typ string) []core.Resource {
	h.t.Helper()
	all, err := h.acct.Resources()
	require.NoError(h.t, err)
	var out []core.Resource
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
