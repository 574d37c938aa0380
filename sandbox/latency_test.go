package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Each modeled operation is recorded where the sandbox performs it: a
// service's new task definition waits for steady state, a distribution
// update for propagation, an invalidation only propagates. Types without a
// model (cluster, task definition) take no modeled time.
func TestModeledTimeIsRecordedPerOperation(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "")
	h := newHarness(t)
	core.ResetModeledTime()
	start := time.Now()
	cluster, svc, tds := ecsService(t, h, "v1", "v2")
	h.update(svc, pmap(serviceInputs(cluster, tds[1])), false)
	d := distribution(h, nil)
	require.NoError(t, h.cloud().Invalidate(t.Context(), d.id, []string{"/*"}))
	assert.Less(t, time.Since(start), 5*time.Second, "scale 0 waits for nothing")

	m := core.ModeledTime()
	assert.Equal(t, 2, m.Count[core.ECSSteadyState], "create and update of the service")
	assert.Equal(t, 1, m.Count[core.DistributionUpdate])
	assert.Equal(t, 1, m.Count[core.InvalidationCompleted])
	assert.Equal(t, 2*330*time.Second+300*time.Second+60*time.Second, m.Total)

	// A failed request models nothing.
	require.Error(t, h.cloud().Invalidate(t.Context(), "EUNKNOWN", []string{"/*"}))
	assert.Equal(t, 1, core.ModeledTime().Count[core.InvalidationCompleted])
	core.ResetModeledTime()
	assert.Zero(t, core.ModeledTime().Total)
}

// On the scaled clock a waited-on operation sleeps its scaled duration; a
// background one (invalidation) never does.
func TestModeledTimeRunsOnTheScaledClock(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.001")
	start := time.Now()
	core.Delay(t.Context(), core.ECSSteadyState) // 330 s × 0.001
	assert.GreaterOrEqual(t, time.Since(start), 330*time.Millisecond)
	start = time.Now()
	core.Delay(t.Context(), core.InvalidationCompleted)
	assert.Less(t, time.Since(start), 50*time.Millisecond)

	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "-1")
	assert.Zero(t, core.TimeScale())
}
