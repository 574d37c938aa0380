package elbv2

import (
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Listener rule updates "do not take effect immediately, so requests could
// be routed using the previous rule configuration for a short time after
// you update a rule":
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-rule.html
// The sandbox keeps a listener's previous default actions for
// core.ListenerPropagationTime (on the scaled clock) after a change, and
// RoutingActions sends every other request by them meanwhile.

// recordListenerChange remembers the actions a listener update replaced.
func recordListenerChange(e *core.Env) error {
	if e.Preview || e.Old == nil {
		return nil
	}
	before, after := e.Old["defaultActions"], e.Out["defaultActions"]
	if before.DeepEquals(after) || !before.IsArray() {
		return nil
	}
	if e.St.ListenerChanges == nil {
		e.St.ListenerChanges = map[string]core.ListenerChange{}
	}
	prev, _ := before.Mappable().([]any)
	e.St.ListenerChanges[e.Str("arn")] = core.ListenerChange{
		Previous: prev,
		Visible:  core.Stamp(time.Now().Add(core.Scaled(core.ListenerPropagationTime))),
	}
	return nil
}

// forgetListener drops a deleted listener's pending change (its id is its
// ARN).
func forgetListener(st *core.State, r *core.Record) {
	delete(st.ListenerChanges, r.ID)
}

// RoutingActions are the default actions the n-th request to listener is
// routed by at now: while a change propagates, every other request still
// follows the previous ones.
func RoutingActions(st *core.State, listener map[string]any, n uint64, now time.Time) []any {
	actions, _ := listener["defaultActions"].([]any)
	arn, _ := listener["arn"].(string)
	ch, ok := st.ListenerChanges[arn]
	if !ok || !now.Before(core.ParseStamp(ch.Visible)) || n%2 == 0 {
		return actions
	}
	return ch.Previous
}
