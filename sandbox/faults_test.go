package sandbox

import (
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ec2"
	"github.com/kirikae/kirikae/sandbox/provider"
)

func vpcInputs() map[string]any { return map[string]any{"cidrBlock": "10.0.0.0/16"} }

func TestFaultFailsExactlyTheNthMatchingCall(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.acct.InjectFault(core.Fault{Op: "create", Type: vpcType, Nth: 2, Message: "InsufficientCapacity: try later"}))

	h.create("aws:sns/topic:Topic", "other", pmap(nil)) // another type does not count
	h.create(vpcType, "v1", pmap(vpcInputs()))
	_, err := h.tryCreate(vpcType, "v2", pmap(vpcInputs()))
	require.Error(t, err)
	assert.Equal(t, "InsufficientCapacity: try later", status.Convert(err).Message(), "surfaced as a gRPC error")
	h.create(vpcType, "v3", pmap(vpcInputs()))

	res, err := h.acct.Resources()
	require.NoError(t, err)
	assert.Len(t, res, 3, "the failed create left nothing behind")
}

func TestFaultCountsSurviveAcrossAccounts(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.acct.InjectFault(core.Fault{Op: "create", Nth: 2}))
	h.create(vpcType, "v1", pmap(vpcInputs()))

	other, err := core.OpenAccount(h.acct.Dir()) // e.g. the rollback process
	require.NoError(t, err)
	h2 := &harness{t: t, p: provider.NewProvider(other, ""), acct: other, ctx: t.Context()}
	_, err = h2.tryCreate(vpcType, "v2", pmap(vpcInputs()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fault injected")
}

func TestEveryCallFaultUntilCleared(t *testing.T) {
	h := newHarness(t)
	v := h.create(vpcType, "v", pmap(vpcInputs()))
	require.NoError(t, h.acct.InjectFault(core.Fault{Op: "delete", Message: "DependencyViolation"}))
	for range 2 {
		_, err := h.p.Delete(h.ctx, &pulumirpc.DeleteRequest{Id: v.id, Type: vpcType, Properties: wire(t, v.outs)})
		require.ErrorContains(t, err, "DependencyViolation")
	}
	require.NoError(t, h.acct.ClearFaults())
	h.delete(v)
	res, err := h.acct.Resources()
	require.NoError(t, err)
	assert.Empty(t, res)
}

func TestDelayFaultSlowsButSucceeds(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.acct.InjectFault(core.Fault{Op: "create", Delay: time.Millisecond, Message: "ignored"}))
	r := h.create(vpcType, "v", pmap(vpcInputs()))
	assert.NotEmpty(t, r.id)
}

func TestPreviewDoesNotTripFaults(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.acct.InjectFault(core.Fault{Op: "create", Nth: 1}))
	_, err := h.p.Create(h.ctx, &pulumirpc.CreateRequest{Type: vpcType, Properties: wire(t, pmap(vpcInputs())), Preview: true})
	require.NoError(t, err)
	_, err = h.tryCreate(vpcType, "v", pmap(vpcInputs()))
	require.Error(t, err, "the first real create is still the first matching call")
}

func TestInjectFaultValidates(t *testing.T) {
	h := newHarness(t)
	assert.ErrorContains(t, h.acct.InjectFault(core.Fault{Op: "read"}), `op "read"`)
	assert.Error(t, h.acct.InjectFault(core.Fault{Op: "create", Nth: -1}))
}

// A subnet in a zone the region does not have is refused, as on AWS.
func TestSubnetInAMissingZoneIsRefused(t *testing.T) {
	assert.NoError(t, ec2.KnownZone("ap-northeast-1", "ap-northeast-1c"))
	err := ec2.KnownZone("ap-northeast-1", "ap-northeast-1b")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidParameterValue")
	assert.Contains(t, err.Error(), "ap-northeast-1a, ap-northeast-1c, ap-northeast-1d")
}
