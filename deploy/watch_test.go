package deploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// After the switch kirikae watches the stack's alarms (DescribeAlarms
// through the sandbox's endpoint); one that enters ALARM from what the new
// release serves (its /api answers 500 once traffic is on it) switches back
// by itself.
func TestAnAlarmDuringTheWatchSwitchesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	alarm := testproject.Stack(t, dir, "staging").ServiceName + "-staging-" // the stack's alarm names' prefix
	var phases []string
	var hit func()
	s, err := deploy.Open(ctx, deploy.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t),
		OnEvent: func(e deploy.Event) {
			if e.Kind != deploy.EventPhase {
				return
			}
			phases = append(phases, e.Message)
			if hit != nil && strings.HasPrefix(e.Message, "watch: alarms for") {
				hit() // users call the API the switch just moved to v3
			}
		}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	deploy.SetVerifyInterval(s, 0)
	deployImage(t, s, "v1")
	deployImage(t, s, "v2")
	assert.Contains(t, phases, "watch: no alarm fired")
	for _, a := range alarmStates(t, s) {
		assert.NotEqual(t, "ALARM", a, "no alarm fires before v3")
	}

	pushProgram(t, dir, "staging", "v3-api500", workloadPkg, "v3-api500")
	client := frontDoor(t, dir, "staging")
	url := outputOf(t, s, infra.OutputURL)
	hit = func() {
		// kirikae:alarm5xxThreshold is 20 per period in staging; a slow
		// machine may need more than one batch inside one period.
		for range 20 {
			for range 25 {
				if resp, err := client.Get(url + "/api/hello"); err == nil {
					resp.Body.Close()
				}
			}
			if alarmStates(t, s)[alarm+"alb-5xx"] == "ALARM" {
				return
			}
		}
	}
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v3-api500"})
	hit = nil
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	assert.Equal(t, "watch", vf.Check)
	assert.Contains(t, err.Error(), alarm+"alb-5xx entered ALARM")
	assert.Positive(t, vf.RolledBackTo, "switched back by itself")
	assert.Equal(t, "v2", outputOf(t, s, infra.OutputImageTag))
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v)

	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, "v3-api500", rels[1].ImageTag)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.True(t, strings.HasPrefix(rels[1].Reason, "watch: alarm "+alarm+"alb-5xx"), rels[1].Reason)

	// kirikae:watchTime 0 turns the watch off.
	setStackValue(t, dir, "staging", stacks.KeyWatchTime, "0s")
	s2 := openDeploy(t, dir, "staging", nil)
	deployImage(t, s2, "v4")
}

// alarmStates reads the stack's alarms as the watch does (DescribeAlarms).
func alarmStates(t testing.TB, s *deploy.Session) map[string]string {
	t.Helper()
	alarms, err := deploy.Alarms(context.Background(), s, s.Config.ServiceName+"-"+s.Stack()+"-")
	require.NoError(t, err)
	out := map[string]string{}
	for _, a := range alarms {
		out[a.Name] = a.State
	}
	return out
}

// An alarm already in ALARM before a deploy (an unrelated incident) is
// named, and not blamed on the release: a good release goes live. The
// incident is real: the frontend's release answers 503 to the users
// calling it, so CloudFront's 5xxErrorRate puts cloudfront-5xx in ALARM;
// it is mended once the deploy has read its baseline (before the frontend
// is verified), and the API's new release goes live.
func TestAnAlarmAlreadyFiringIsNamedNotBlamed(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	// CloudFront publishes its metrics only in us-east-1, which the
	// sandbox follows: a CloudFront alarm in the stack's region could never
	// fire. The stack lives in eu-west-1 here, so the alarm must be in
	// us-east-1 (infra.AlarmRegions) and the watch must read it there.
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
	setStackValue(t, dir, "staging", "aws:region", "eu-west-1")
	alarm := testproject.Stack(t, dir, "staging").ServiceName + "-staging-"
	acct := account(t, dir)
	var phases []string
	var mended func()
	s, err := deploy.Open(context.Background(), deploy.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t),
		OnEvent: func(e deploy.Event) {
			if e.Kind != deploy.EventPhase {
				return
			}
			phases = append(phases, e.Message)
			if mended != nil && strings.HasPrefix(e.Message, "watch: alarm ") {
				mended()
			}
		}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	deploy.SetVerifyInterval(s, 0)
	deployImage(t, s, "v1")

	client, site := frontDoor(t, dir, "staging"), outputOf(t, s, infra.OutputFrontendURL)+"/"
	release := outputOf(t, s, infra.OutputFrontendRelease)
	require.NoError(t, acct.MarkUnhealthy(release))
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // users keep loading the site
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if resp, err := client.Get(site); err == nil {
				resp.Body.Close()
			}
		}
	}()
	require.Eventually(t, func() bool { return alarmStates(t, s)[alarm+"cloudfront-5xx"] == "ALARM" },
		10*time.Second, 20*time.Millisecond, "the frontend's 503s fire its alarm")
	mended = func() {
		close(stop)
		<-done
		require.NoError(t, acct.MarkHealthy(release))
		mended = nil
	}

	phases = nil
	res := deployImage(t, s, "v2")
	if mended != nil {
		mended()
	}
	assert.Equal(t, deploy.VerifyPassed, res.Release.Verified)
	assert.Equal(t, []string{alarm + "cloudfront-5xx"}, res.AlarmsBefore)
	assert.Contains(t, strings.Join(phases, "\n"), "watch: alarm "+alarm+"cloudfront-5xx was already in ALARM before the switch; it is not blamed on this release")
	assert.Contains(t, phases, "watch: no alarm fired")
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v)
}

// A canary whose 5xx trip the alarm during its bake never gets the rest of
// the traffic: the alarm is read while 10% bakes on green, and the deploy
// goes back to blue at 100% without ever switching.
func TestACanaryTrippingAnAlarmNeverReachesAllTraffic(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyStrategy, "canary")
	// 5 per period (a second on the sandbox's clock): a tenth of the
	// requests reach the canary, and a loaded machine serves too few in
	// a second for staging's 20.
	setStackValue(t, dir, "staging", stacks.KeyAlarm5xxThreshold, `"5"`)
	alarm := testproject.Stack(t, dir, "staging").ServiceName + "-staging-"
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deployImage(t, s, "v1")
	pushProgram(t, dir, "staging", "v2-api500", workloadPkg, "v2-api500")
	client := frontDoor(t, dir, "staging")
	url := outputOf(t, s, infra.OutputURL)
	var during map[string]int
	bakes := 0
	deploy.SetSleep(s, func(context.Context, time.Duration) error {
		bakes++
		if bakes == 1 {
			during = listenerWeights(t, dir)
			// Users call the API: one in ten reaches the canary, whose
			// /api answers 500, until the alarm fires from what was
			// served.
			for range 40 {
				for range 50 {
					if resp, err := client.Get(url + "/api/hello"); err == nil {
						resp.Body.Close()
					}
				}
				if alarmStates(t, s)[alarm+"alb-5xx"] == "ALARM" {
					break
				}
			}
		}
		return nil
	})
	phases = nil
	_, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v2-api500"})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Contains(t, err.Error(), "alb-5xx entered ALARM")
	assert.Equal(t, map[string]int{"blue": 90, "green": 10}, during, "the alarm was read while the canary baked")
	for _, p := range phases {
		assert.False(t, strings.HasPrefix(p, "switch:"), "never switched: %s", p)
	}
	assert.Equal(t, map[string]int{"blue": 100, "green": 0}, listenerWeights(t, dir), "back to blue at 100%")
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
}
