package elbv2

import (
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the elbv2 resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:lb/loadBalancer:LoadBalancer", Name: "name", NameMax: 32,
			Immutable: []string{"name", "namePrefix", "internal", "loadBalancerType"},
			Defaults: map[string]any{"internal": false, "loadBalancerType": "application",
				"enableHttp2": true, "idleTimeout": 60.0, "ipAddressType": "ipv4"},
			Create: createLoadBalancer},
		&core.TypeSpec{Token: "aws:lb/targetGroup:TargetGroup", Name: "name", NameMax: 32,
			Immutable: []string{"name", "namePrefix", "port", "protocol", "vpcId", "targetType", "protocolVersion"},
			Defaults:  map[string]any{"targetType": "instance"},
			Create: func(e *core.Env) (string, error) {
				suffix := "targetgroup/" + e.Name() + "/" + e.Entropy(16)
				arn := e.Arn("elasticloadbalancing", e.Region, suffix)
				e.Put("arn", arn)
				e.Put("arnSuffix", suffix)
				return arn, nil
			}},
		&core.TypeSpec{Token: "aws:lb/listener:Listener", Required: []string{"loadBalancerArn", "defaultActions"},
			Immutable: []string{"loadBalancerArn"},
			Create: func(e *core.Env) (string, error) {
				arn := strings.Replace(e.Str("loadBalancerArn"), ":loadbalancer/", ":listener/", 1) + "/" + e.Entropy(16)
				e.Put("arn", arn)
				return arn, nil
			},
			Update: recordListenerChange, Remove: forgetListener},
	)
}

func createLoadBalancer(e *core.Env) (string, error) {
	kind := "app"
	switch e.Str("loadBalancerType") {
	case "network":
		kind = "net"
	case "gateway":
		kind = "gwy"
	}
	suffix := kind + "/" + e.Name() + "/" + e.Entropy(16)
	arn := e.Arn("elasticloadbalancing", e.Region, "loadbalancer/"+suffix)
	dns := fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", e.Name(), e.Digits(10), e.Region)
	if core.Boolean(e.Out, "internal") {
		dns = "internal-" + dns
	}
	e.Put("arn", arn)
	e.Put("arnSuffix", suffix)
	e.Put("dnsName", dns)
	e.Put("zoneId", "Z35SXDOTRQ7X7K")
	return arn, nil
}
