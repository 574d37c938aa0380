package workload

import "time"

// Routed is where a front door request goes.
type Routed struct {
	Kind   int
	Ans    Answer // what a legacy (nothing to run) endpoint answers
	Legacy bool

	// ALB
	LbArn, TargetGroup string
	LbSuffix, TgSuffix string   // CloudWatch's LoadBalancer and TargetGroup dimensions
	Services           []string // ECS service ids registered with targetGroup

	// API Gateway → Lambda
	Function, Version, Alias, codeLayer, arch, functionArn string
	env                                                    []string
	timeout                                                float64
}

// coldStart bounds how long a request waits for a healthy target of a
// service this process has just started: on AWS the tasks were already
// running, here they start on demand.
const coldStart = 15 * time.Second

// Kinds of routed requests.
const (
	KindALB = iota + 1
	KindAPI
	KindCloudFront
)

// Answer is what a simulated endpoint without a runnable workload serves:
// which release is live.
type Answer struct {
	Version string `json:"version"`
	Color   string `json:"color,omitempty"`
}
