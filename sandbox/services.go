package sandbox

import (
	"github.com/kirikae/kirikae/sandbox/apigateway"
	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/ec2"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/elbv2"
	"github.com/kirikae/kirikae/sandbox/iam"
	"github.com/kirikae/kirikae/sandbox/lambda"
	"github.com/kirikae/kirikae/sandbox/logs"
	"github.com/kirikae/kirikae/sandbox/s3"
	"github.com/kirikae/kirikae/sandbox/sns"
	"github.com/kirikae/kirikae/sandbox/sts"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// Every simulated service registers its resource types with the provider's
// registry (sandbox/core) here, once, before any provider runs: adding a
// service is adding its folder and its line below.
func init() {
	for _, register := range []func(){
		apigateway.Register,
		cloudfront.Register,
		cloudwatch.Register,
		ec2.Register,
		ecr.Register,
		ecs.Register,
		elbv2.Register,
		iam.Register,
		lambda.Register,
		logs.Register,
		s3.Register,
		sns.Register,
	} {
		register()
	}
}

// The layers above the services tell them what only they know: the tasks
// running and their health checks (and, to CloudWatch, the host counts ELB
// reports from them).
func init() {
	ecs.RunningTasks = workload.ECSTasks
	elbv2.TargetHealth = workload.TargetHealth
	cloudwatch.Gauges = hostCountGauges
	lambda.Throttled = recordThrottle
	sts.AssumeRole = iam.AssumeRole
	sts.TrustAllows = iam.TrustAllows
}
