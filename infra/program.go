// Package infra is kirikae's Pulumi program: the AWS resources of one stack,
// grouped into components (network, ECS or Lambda API, frontend,
// monitoring), built from a typed stacks.Config.
//
// Logical names never contain the service or stack name, so every stack has
// the same resource names; physical names (<service>-<stack>-...) carry
// them, so renaming a service previews as replacements.
package infra

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// Program returns the Pulumi program of one stack: the built-in components,
// then the team's own resources (Yours).
func Program(cfg stacks.Config) pulumi.RunFunc {
	return ProgramWith(cfg, Yours)
}

// ProgramWith is Program with another function in the place of Yours.
func ProgramWith(cfg stacks.Config, yours YoursFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		outputs, in, err := build(ctx, cfg)
		if err != nil {
			return err
		}
		if yours != nil {
			if err := yours(ctx, in); err != nil {
				return fmt.Errorf("create your resources (infra/yours.go): %w", err)
			}
		}
		for name, value := range outputs {
			ctx.Export(name, value)
		}
		return nil
	}
}

// OutputNames lists every stack output Program exports, for both backends.
func OutputNames() []string {
	return []string{
		OutputURL, OutputFrontendURL, OutputImageTag, OutputActiveColor,
		OutputLambdaVersion, OutputFrontendRelease, OutputAlarmTopicArn,
		OutputClusterName, OutputActiveService, OutputActiveTaskDefinition,
		OutputIdleService, OutputIdleTaskDefinition, OutputLambdaLatestVersion,
		OutputFrontendBucket, OutputDistributionID,
	}
}

// build registers the components and returns the stack outputs and what
// Yours is given. Every output exists for both backends (empty where it does
// not apply) so later layers can read them without knowing the backend.
func build(ctx *pulumi.Context, cfg stacks.Config) (map[string]pulumi.StringOutput, YoursInput, error) {
	in := YoursInput{Config: cfg, Tags: tags(cfg)}
	empty := pulumi.String("").ToStringOutput()
	out := map[string]pulumi.StringOutput{}
	for _, name := range OutputNames() {
		out[name] = empty
	}
	var targets alarmTargets

	switch cfg.Backend {
	case stacks.BackendECS:
		net, err := newNetwork(ctx, cfg)
		if err != nil {
			return nil, in, err
		}
		svc, err := newECSService(ctx, cfg, net)
		if err != nil {
			return nil, in, err
		}
		in.Network = net.forYours()
		in.ExecutionRole = svc.ExecutionRole
		targets.ecs = svc
		out[OutputURL] = svc.URL
		out[OutputImageTag] = pulumi.String(cfg.ImageTag).ToStringOutput()
		out[OutputActiveColor] = pulumi.String(activeColor(cfg)).ToStringOutput()
		active, idle := activeColor(cfg), cfg.IdleColor()
		out[OutputClusterName] = svc.ClusterName
		if cfg.TestListenerPort > 0 {
			// Only with a test listener: stacks without one keep the
			// outputs they always had.
			out[OutputTestURL] = svc.TestURL
		}
		out[OutputActiveService] = svc.ServiceNames[active]
		out[OutputActiveTaskDefinition] = svc.TaskDefinitionArns[active]
		out[OutputIdleService] = svc.ServiceNames[idle]
		out[OutputIdleTaskDefinition] = svc.TaskDefinitionArns[idle]
	case stacks.BackendLambda:
		api, err := newLambdaAPI(ctx, cfg)
		if err != nil {
			return nil, in, err
		}
		in.FunctionRole = api.Role
		targets.lambda = api
		out[OutputURL] = api.URL
		out[OutputLambdaVersion] = api.AliasVersion
		out[OutputLambdaLatestVersion] = api.PublishedVersion
	default:
		return nil, in, fmt.Errorf("build program: backend %q is neither %s nor %s",
			cfg.Backend, stacks.BackendECS, stacks.BackendLambda)
	}

	if cfg.FrontendEnabled {
		fe, err := newFrontend(ctx, cfg)
		if err != nil {
			return nil, in, err
		}
		targets.frontend = fe
		out[OutputFrontendURL] = fe.URL
		out[OutputFrontendRelease] = pulumi.String(cfg.FrontendRelease).ToStringOutput()
		out[OutputFrontendBucket] = fe.Bucket
		out[OutputDistributionID] = fe.DistributionID
	}

	mon, err := newMonitoring(ctx, cfg, targets)
	if err != nil {
		return nil, in, err
	}
	out[OutputAlarmTopicArn] = mon.TopicArn
	return out, in, nil
}
