package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// albSSLPolicy accepts TLS 1.3 and 1.2 only, the policy AWS recommends for
// new HTTPS listeners:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
const albSSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// createListeners returns the listener that forwards to both colours (the
// weights are the release). Without kirikae:certificateArn that is the HTTP
// listener on 80; with it, an HTTPS listener on 443 forwards and port 80 only
// redirects there, so no request reaches the service in clear text.
func (s *ecsService) createListeners(ctx *pulumi.Context, cfg stacks.Config, alb *lb.LoadBalancer,
	forward lb.ListenerDefaultActionForwardTargetGroupArray,
) (*lb.Listener, error) {
	forwardAction := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
		Type:    pulumi.String("forward"),
		Forward: &lb.ListenerDefaultActionForwardArgs{TargetGroups: forward},
	}}
	if cfg.CertificateARN == "" {
		listener, err := lb.NewListener(ctx, "http", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(80),
			Protocol:        pulumi.String("HTTP"),
			DefaultActions:  forwardAction,
			Tags:            tags(cfg),
		}, pulumi.Parent(s))
		if err != nil {
			return nil, fmt.Errorf("create listener: %w", err)
		}
		return listener, nil
	}
	https, err := lb.NewListener(ctx, "https", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(albSSLPolicy),
		CertificateArn:  pulumi.String(cfg.CertificateARN),
		DefaultActions:  forwardAction,
		Tags:            tags(cfg),
	}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("create https listener: %w", err)
	}
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions
	if _, err := lb.NewListener(ctx, "http", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String("443"),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: tags(cfg),
	}, pulumi.Parent(s)); err != nil {
		return nil, fmt.Errorf("create http redirect listener: %w", err)
	}
	return https, nil
}
