package workload

import "time"

// Routed is where a front door request goes. There is no answer of its
// own: a real program answers, or the front door answers as AWS does when
// nothing can (503 from an ALB with no healthy target, 500 from API
// Gateway when the function fails).
type Routed struct {
	Kind int

	// ALB
	LbArn, TargetGroup string
	LbSuffix, TgSuffix string   // CloudWatch's LoadBalancer and TargetGroup dimensions
	Services           []string // ECS service ids registered with targetGroup

	// API Gateway → Lambda
	Function, Version, Alias, codeLayer, arch, functionArn string
	env                                                    []string
	timeout                                                float64
	// cannotRun says why the version's code cannot run here ("" when it
	// can): invoking it fails as Lambda fails an invocation.
	cannotRun string
}

// coldStart bounds how long a request waits for a healthy target of a
// service this process has just started: on AWS the tasks were already
// running, here they start on demand.
const coldStart = 15 * time.Second

// Kinds of routed requests.
const (
	KindALB = iota + 1
	KindAPI
)
