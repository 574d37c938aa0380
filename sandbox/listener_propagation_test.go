package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

// "Rule updates do not take effect immediately, so requests could be
// routed using the previous rule configuration for a short time after you
// update a rule."
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-rule.html
// Right after a flip from blue to green, some requests still reach blue;
// once the change has propagated (5 s of AWS time, a second here on the
// scaled clock), all reach green. The update itself returns at once.
func TestListenerChangeRoutesByThePreviousRulesForAShortTime(t *testing.T) {
	h := newHarness(t)
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app"}))
	for _, v := range []string{"v1", "v2"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	lb, listener := blueGreenListener(t, h, 100, 0)
	handler := frontdoor.Handler(h.acct)
	host := core.Str(lb.outs, "dnsName")
	served := func(n int) map[string]int {
		seen := map[string]int{}
		for range n {
			_, v := get(t, handler, host)
			seen[v]++
		}
		return seen
	}
	require.Equal(t, map[string]int{"v1": 10}, served(10), "blue runs v1")

	tgs := map[string]string{}
	for _, r := range h.resources("aws:lb/targetGroup:TargetGroup") {
		tgs[map[string]string{"web-blue": "blue", "web-green": "green"}[core.StrOf(r.Outputs, "name")]] = core.StrOf(r.Outputs, "arn")
	}
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.2") // 5 s of AWS time is 1 s here
	start := time.Now()
	h.update(listener, forwardTo(lb, tgs, 0, 100), false)
	assert.Less(t, time.Since(start), 500*time.Millisecond, "ModifyListener returns at once; the rules propagate afterwards")

	during := served(10)
	assert.NotZero(t, during["v1"], "right after the change some requests follow the previous rules: %v", during)
	assert.NotZero(t, during["v2"], "and some the new ones: %v", during)

	assert.Eventually(t, func() bool { return served(10)["v1"] == 0 }, 5*time.Second, 100*time.Millisecond,
		"once the change propagated, every request follows the new rules")
	assert.Equal(t, map[string]int{"v2": 20}, served(20))
}
