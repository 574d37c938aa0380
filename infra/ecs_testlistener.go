package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// createTestListener opens kirikae:testListenerPort on the ALB, forwarding
// every request to the idle colour, as CodeDeploy's ECS blue/green test
// listener routes to the replacement task set: a staged release answers
// real requests through the real load balancer before any user's traffic
// moves to it. It returns the URL that reaches it ("" when off). With
// kirikae:certificateArn it speaks HTTPS with the same certificate.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html
func (s *ecsService) createTestListener(ctx *pulumi.Context, cfg stacks.Config, alb *lb.LoadBalancer, idle *lb.TargetGroup) (pulumi.StringOutput, error) {
	if cfg.TestListenerPort == 0 || idle == nil {
		return pulumi.String("").ToStringOutput(), nil
	}
	args := &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(cfg.TestListenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: idle.Arn,
		}},
		Tags: tags(cfg),
	}
	if cfg.CertificateARN != "" {
		args.Protocol = pulumi.String("HTTPS")
		args.SslPolicy = pulumi.String(albSSLPolicy)
		args.CertificateArn = pulumi.String(cfg.CertificateARN)
	}
	if _, err := lb.NewListener(ctx, "test", args, pulumi.Parent(s)); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create test listener: %w", err)
	}
	if cfg.CertificateARN != "" {
		return pulumi.Sprintf("https://%s:%d", cfg.APIDomain, cfg.TestListenerPort), nil
	}
	return pulumi.Sprintf("http://%s:%d", alb.DnsName, cfg.TestListenerPort), nil
}

// testListenerIngress lets kirikae:testListenerCidrs, or when unset only
// the VPC's own range, reach the test listener; nothing else is opened for
// it. The idle colour it serves is the previous release after a flip: open
// to the internet, a fixed vulnerability would stay reachable there.
func testListenerIngress(cfg stacks.Config, vpcCIDR pulumi.StringOutput) ec2.SecurityGroupIngressArray {
	if cfg.TestListenerPort == 0 || cfg.Backend != stacks.BackendECS {
		return nil
	}
	cidrs := pulumi.ToStringArray(cfg.TestListenerCIDRs).ToStringArrayOutput()
	if len(cfg.TestListenerCIDRs) == 0 {
		if cfg.VPCID != "" {
			return nil // validation asks for the CIDRs; closed meanwhile
		}
		cidrs = pulumi.StringArray{vpcCIDR}.ToStringArrayOutput()
	}
	return ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
		Description: pulumi.String("kirikae test listener: the idle colour, before traffic moves"),
		Protocol:    pulumi.String("tcp"),
		FromPort:    pulumi.Int(cfg.TestListenerPort),
		ToPort:      pulumi.Int(cfg.TestListenerPort),
		CidrBlocks:  cidrs,
	}}
}
