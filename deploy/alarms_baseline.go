package deploy

import (
	"context"
	"slices"

	"github.com/kirikae/kirikae/cloud"
)

// An alarm already in ALARM before a deploy moves anything (the frontend's
// 5xx rate during an unrelated incident, a dependency's errors) says
// nothing about the release: blaming it would roll back every deploy until
// someone fixed the other thing. So the alarms are read once before the
// first step (the baseline); during the canary's bake and the watch only an
// alarm that entered ALARM since then fails the release. One in the
// baseline is named in the phases and the result. If it goes back to OK and
// fires again during the watch, that is a new transition and is blamed.
// CodeDeploy documents the same reading for its alarm-based rollbacks: it
// acts on an alarm's transition while the deployment runs.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html

// readBaseline notes which alarms are in ALARM before anything moves. An
// error leaves the baseline empty: every alarm then counts, as before.
func (r *run) readBaseline(ctx context.Context) {
	cfg := r.p.cfg
	if cfg.WatchTime <= 0 && !r.hasBake() || !r.p.deployed {
		return
	}
	alarms, err := r.s.stackAlarms(ctx, cfg)
	if err != nil {
		return
	}
	r.baseline = map[string]bool{}
	for _, a := range alarms {
		if a.State == "ALARM" {
			r.baseline[a.Name] = true
			r.res.AlarmsBefore = append(r.res.AlarmsBefore, a.Name)
			r.s.Phase("watch: alarm %s was already in ALARM before the switch; it is not blamed on this release (%s)", a.Name, a.Reason)
		}
	}
}

func (r *run) hasBake() bool {
	return slices.ContainsFunc(r.p.steps, func(st step) bool { return st.bake })
}

// judgeAlarms fails with the first alarm in ALARM that was not in ALARM
// before the switch; an alarm of the baseline seen out of ALARM leaves it.
func (r *run) judgeAlarms(alarms []cloud.Alarm) error {
	for _, a := range alarms {
		switch {
		case a.State != "ALARM":
			delete(r.baseline, a.Name)
		case !r.baseline[a.Name]:
			return &AlarmError{Alarm: a.Name, Reason: a.Reason}
		}
	}
	return nil
}
