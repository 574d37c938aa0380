package deploy

import (
	"fmt"
	"time"

	"github.com/kirikae/kirikae/stacks"
)

// How soon an alarm can fire after traffic moves, for kirikae's alarms
// (infra/monitoring.go: Period 60, EvaluationPeriods 1): the first bad
// minute must end (one period); the load balancer sends its metrics "in
// 60-second intervals"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html),
// and an alarm with a 60-second period is evaluated once a minute
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation).
// A watch shorter than the sum often ends before the alarm a bad release
// trips can fire.
const (
	alarmPeriod      = 60 * time.Second
	metricDelay      = 60 * time.Second
	alarmEvaluation  = 60 * time.Second
	shortestWatchFor = alarmPeriod + metricDelay + alarmEvaluation
)

// watchLength is how long the alarms are watched after a switch:
// kirikae:watchTime, raised to the shortest watch that can see an alarm
// fire; 0 when the watch is off.
func watchLength(cfg stacks.Config) time.Duration {
	if cfg.WatchTime <= 0 {
		return 0
	}
	return max(cfg.WatchTime, shortestWatchFor)
}

// watchSay is the plan's line on the watch: how long, and when it ends.
func watchSay(cfg stacks.Config, canary bool) string {
	length := watchLength(cfg)
	if length == 0 {
		return "off (kirikae:watchTime 0): the deploy ends when verification passes"
	}
	say := fmt.Sprintf("alarms for %s after the switch; the deploy ends when the watch does", length)
	if canary {
		say = fmt.Sprintf("alarms during the %s bake at %d%%, then %s", cfg.BakeTime, cfg.CanaryPercent, say)
	}
	if length > cfg.WatchTime {
		say += fmt.Sprintf(" (kirikae:watchTime %s raised to one %s alarm period + %s metric delay + %s evaluation)",
			cfg.WatchTime, alarmPeriod, metricDelay, alarmEvaluation)
	}
	return say + "; an alarm that was already in ALARM before is named, not blamed"
}
