package infra

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// YoursFunc is the shape of Yours: the program calls it once, after the
// built-in components.
type YoursFunc func(ctx *pulumi.Context, in YoursInput) error

// YoursInput is what kirikae gives the team's own resources: enough to
// place them in the stack's network, grant the service access to them, and
// name and tag them like the rest.
type YoursInput struct {
	// Config is the stack's typed configuration (Pulumi.<stack>.yaml).
	Config stacks.Config
	// Tags is the tag set kirikae puts on every taggable resource.
	Tags pulumi.StringMap
	// Network is the VPC the ECS service runs in; nil for the lambda
	// backend, which has none.
	Network *Network
	// ExecutionRole is the role ECS starts the service's tasks with
	// (backend ecs; nil otherwise).
	ExecutionRole *iam.Role
	// FunctionRole is the role the Lambda function runs as (backend
	// lambda; nil otherwise): attach policies to it to let the function
	// reach your resources.
	FunctionRole *iam.Role
}

// Role is the service's role whichever the backend: FunctionRole for
// lambda, ExecutionRole for ecs. Attach a policy to it to grant the service
// your resources.
func (in YoursInput) Role() *iam.Role {
	if in.FunctionRole != nil {
		return in.FunctionRole
	}
	return in.ExecutionRole
}

// Name is the physical name kirikae would give a resource of this stack:
// <service>-<stack>-<suffix>, so two stacks in one account never collide.
func (in YoursInput) Name(suffix string) string { return physicalName(in.Config, suffix) }

// Network is the stack's VPC as Yours sees it.
type Network struct {
	VpcID            pulumi.StringOutput
	PublicSubnetIDs  pulumi.StringArrayOutput
	PrivateSubnetIDs pulumi.StringArrayOutput
	// ALBSecurityGroupID admits internet traffic to the load balancer.
	ALBSecurityGroupID pulumi.StringOutput
	// ServiceSecurityGroupID is the tasks' group: allow it as a source to
	// let the service reach a resource of yours (a database).
	ServiceSecurityGroupID pulumi.StringOutput
}

func (n *network) forYours() *Network {
	return &Network{
		VpcID: n.VpcID, PublicSubnetIDs: n.PublicSubnetIDs, PrivateSubnetIDs: n.PrivateSubnetIDs,
		ALBSecurityGroupID: n.ALBSecurityGroup, ServiceSecurityGroupID: n.ServiceSecurityGroup,
	}
}
