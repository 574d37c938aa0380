package deploy

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// AlarmError is an alarm of the stack that entered ALARM while kirikae
// watched a release it had just switched to.
type AlarmError struct {
	Alarm  string
	Reason string
}

func (e *AlarmError) Error() string {
	msg := "alarm " + e.Alarm + " entered ALARM"
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// watch polls the stack's CloudWatch alarms (DescribeAlarms) for
// kirikae:watchTime after a switch: CodeDeploy and SAM roll back on the
// same signal while traffic shifts
// (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html).
// Only an alarm that entered ALARM since the baseline (alarms_baseline.go)
// is blamed on the release. In the sandbox the watch runs on the scaled
// clock (a time scale of 0, the default, checks once without waiting).
func (r *run) watch(ctx context.Context) error {
	length := watchLength(r.p.cfg)
	if length <= 0 {
		return nil
	}
	r.s.Phase("watch: alarms for %s", length)
	if r.s.Sandbox() {
		length = time.Duration(float64(length) * sandboxTimeScale())
	}
	if err := r.watchAlarms(ctx, length); err != nil {
		return err
	}
	r.s.Phase("watch: no alarm fired")
	return nil
}

// watchAlarms reads the alarms every few seconds until length has been
// waited (the waits are counted, so a test's instant sleep runs through
// the same reads), and fails with the first one that entered ALARM since
// the baseline.
func (r *run) watchAlarms(ctx context.Context, length time.Duration) error {
	s, cfg := r.s, r.p.cfg
	interval := min(10*time.Second, max(length/6, time.Second))
	for waited := time.Duration(0); ; waited += interval {
		alarms, err := s.stackAlarms(ctx, cfg)
		if err != nil {
			return fmt.Errorf("watch alarms: %w", err)
		}
		if err := r.judgeAlarms(alarms); err != nil {
			return err
		}
		if waited+interval > length {
			return nil
		}
		if err := s.sleep(ctx, interval); err != nil {
			return fmt.Errorf("watch alarms: %w", err)
		}
	}
}

// bake checks a canary, waits the bake time, and checks it again.
func (r *run) bake(ctx context.Context) error {
	cfg := r.p.cfg
	if _, err := r.s.verifyRelease(ctx, cfg, r.last.Outputs, r.applied, false); err != nil {
		return err
	}
	r.s.Phase("bake: %s, alarms watched", cfg.BakeTime)
	// The alarms are read while the canary takes its share, so one it
	// trips stops it before the rest of the traffic follows.
	if err := r.watchAlarms(ctx, cfg.BakeTime); err != nil {
		return fmt.Errorf("bake canary: %w", err)
	}
	_, err := r.s.verifyRelease(ctx, cfg, r.last.Outputs, r.applied, false)
	return err
}

// sandboxTimeScale is KIRIKAE_SANDBOX_TIME_SCALE: how much of AWS's real
// durations the sandbox waits (1 = as AWS, 0.01 = a hundredth); 0, the
// default, waits not at all, so tests and the first README command stay fast.
func sandboxTimeScale() float64 {
	v, err := strconv.ParseFloat(os.Getenv("KIRIKAE_SANDBOX_TIME_SCALE"), 64)
	if err != nil || v < 0 {
		return 0
	}
	return v
}
