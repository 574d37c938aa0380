package deploy

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
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
// In the sandbox the watch runs on the scaled clock (a time scale of 0, the
// default, checks once without waiting).
func (s *Session) watch(ctx context.Context, cfg stacks.Config) error {
	length := cfg.WatchTime
	if length <= 0 {
		return nil
	}
	if s.Sandbox() {
		length = time.Duration(float64(length) * sandboxTimeScale())
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	s.Phase("watch: alarms for %s", cfg.WatchTime)
	interval := min(10*time.Second, max(length/6, time.Second))
	deadline := time.Now().Add(length)
	for {
		alarms, err := c.Alarms(ctx, infra.AlarmPrefix(cfg))
		if err != nil {
			return fmt.Errorf("watch alarms: %w", err)
		}
		for _, a := range alarms {
			if a.State == "ALARM" {
				return &AlarmError{Alarm: a.Name, Reason: a.Reason}
			}
		}
		if !time.Now().Add(interval).Before(deadline) {
			s.Phase("watch: no alarm fired")
			return nil
		}
		if err := s.sleep(ctx, interval); err != nil {
			return fmt.Errorf("watch alarms: %w", err)
		}
	}
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
