package deploy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// Status reads what AWS runs (through the sandbox's AWS endpoint, the same
// calls as on AWS), not what state says.
func TestStatusReadsTheLiveStackThroughTheAWSAPIs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	before, err := s.Status(ctx)
	require.NoError(t, err)
	assert.False(t, before.Deployed)
	assert.Nil(t, before.Live)

	deployImage(t, s, "v1")
	b := deployImage(t, s, "v2")
	_, err = s.SetFreeze(ctx, true, "audit")
	require.NoError(t, err)
	st, err := s.Status(ctx)
	require.NoError(t, err)
	assert.Empty(t, st.Problems)
	require.NotNil(t, st.Live)
	assert.Equal(t, b.Release.ID, st.Live.ID)
	require.Len(t, st.Colors, 2)
	assert.True(t, st.Colors[0].Active, "active colour first")
	assert.Equal(t, stacks.ColorGreen, st.Colors[0].Color)
	assert.Equal(t, st.Colors[0].Desired, st.Colors[0].Running)
	base := testproject.Stack(t, dir, "staging").ServiceName + "-staging"
	assert.Contains(t, st.Colors[0].TaskDefinition, base+"-green")
	assert.NotEmpty(t, st.Alarms, "the stack's alarms, read through DescribeAlarms")
	for _, a := range st.Alarms {
		assert.Contains(t, a.Name, base+"-")
	}
	require.NotNil(t, st.Freeze)
	assert.Equal(t, "audit", st.Freeze.Reason)
	require.NotNil(t, st.LastOperation)
	assert.Equal(t, "lock", st.LastOperation.Start.Op)
}

func TestStatusReadsTheLambdaAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyBackend, stacks.BackendLambda)
	lambdaZip(t, dir, "v1")
	s := openDeploy(t, dir, "staging", nil)
	a, err := deployWith(s, nil)
	require.NoError(t, err)
	st, err := s.Status(ctx)
	require.NoError(t, err)
	assert.Empty(t, st.Problems)
	require.NotNil(t, st.Alias)
	assert.Equal(t, a.Release.LambdaVersion, st.Alias.Version)
	assert.Empty(t, st.Colors)
}
