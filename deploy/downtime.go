package deploy

import (
	"fmt"
	"strings"
)

// Replacing a target group (a containerPort or protocol change replaces
// both colours' groups) or a listener leaves no warm colour: the listener
// moves to groups whose targets are still registering, and requests get
// 503 until the first target passes its health checks, "Registering
// targets … until the registration process completes and the target
// passes the initial health checks"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html).
// Such a plan is refused unless the user accepts the downtime
// (--allow-downtime), and the refusal names what would be replaced.

const (
	typeTargetGroup  = "aws:lb/targetGroup:TargetGroup"
	typeLoadBalancer = "aws:lb/loadBalancer:LoadBalancer"
)

// noWarmColor lists the replaced resources that take the traffic path down.
func noWarmColor(p *Plan) []string {
	var out []string
	for _, r := range p.Replaces {
		switch r.Type {
		case typeTargetGroup, typeListener, typeLoadBalancer:
			out = append(out, r.Type+" "+r.Name)
		}
	}
	return out
}

// DowntimeError refuses a deploy that replaces the traffic path.
type DowntimeError struct {
	Stack    string
	Replaced []string
}

func (e *DowntimeError) Error() string {
	return fmt.Sprintf("deploy to %s replaces %s: no colour stays warm while the new one registers, so requests fail until it is healthy",
		e.Stack, strings.Join(e.Replaced, ", "))
}

// Hint says how to go on.
func (e *DowntimeError) Hint(inv Invocation) string {
	return "accept the downtime with `" + inv.For(e.Stack).Command("up", "--allow-downtime") + "` (with the same flags), or keep the change out of this release"
}

// BadInput: nothing changed; the user decides with a flag.
func (e *DowntimeError) BadInput() bool { return true }
