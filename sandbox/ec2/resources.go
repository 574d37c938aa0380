package ec2

import (
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// ec2 is the shape shared by simple EC2 resources: an id with a prefix and an
// ARN keyed by that id.
func ec2(prefix, arnKind string) func(e *core.Env) (string, error) {
	return func(e *core.Env) (string, error) {
		id := e.EC2ID(prefix)
		if arnKind != "" {
			e.Put("arn", e.Arn("ec2", e.Region, arnKind+"/"+id))
			e.Put("ownerId", e.Account)
		}
		return id, nil
	}
}

// Register adds the ec2 resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:ec2/vpc:Vpc", Required: []string{"cidrBlock"},
			Immutable: []string{"cidrBlock", "instanceTenancy"},
			Defaults:  map[string]any{"enableDnsSupport": true, "enableDnsHostnames": false, "instanceTenancy": "default"},
			Create: func(e *core.Env) (string, error) {
				id, _ := ec2("vpc-", "vpc")(e)
				e.Put("defaultSecurityGroupId", e.EC2ID("sg-"))
				e.Put("mainRouteTableId", e.EC2ID("rtb-"))
				e.Put("defaultRouteTableId", e.Out["mainRouteTableId"].StringValue())
				e.Put("defaultNetworkAclId", e.EC2ID("acl-"))
				e.Put("dhcpOptionsId", e.EC2ID("dopt-"))
				return id, nil
			}},
		&core.TypeSpec{Token: "aws:ec2/subnet:Subnet", Required: []string{"vpcId", "cidrBlock"},
			Immutable: []string{"cidrBlock", "vpcId", "availabilityZone"},
			Defaults:  map[string]any{"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": false},
			Create: func(e *core.Env) (string, error) {
				e.PutDefault("availabilityZone", e.Region+"a")
				if err := KnownZone(e.Region, e.Str("availabilityZone")); err != nil {
					return "", err
				}
				return ec2("subnet-", "subnet")(e)
			}},
		&core.TypeSpec{Token: "aws:ec2/internetGateway:InternetGateway", Create: ec2("igw-", "internet-gateway")},
		&core.TypeSpec{Token: "aws:ec2/eip:Eip", Defaults: map[string]any{"domain": "vpc"},
			Create: func(e *core.Env) (string, error) {
				id, _ := ec2("eipalloc-", "elastic-ip")(e)
				ip := fmt.Sprintf("54.%s.%s.%s", e.Digits(2), e.Digits(2), e.Digits(2))
				e.Put("allocationId", id)
				e.Put("publicIp", ip)
				e.Put("publicDns", "ec2-"+strings.ReplaceAll(ip, ".", "-")+".compute-1.amazonaws.com")
				return id, nil
			}},
		&core.TypeSpec{Token: "aws:ec2/natGateway:NatGateway", Required: []string{"subnetId"},
			Immutable: []string{"subnetId", "allocationId", "connectivityType"},
			Defaults:  map[string]any{"connectivityType": "public"},
			Create: func(e *core.Env) (string, error) {
				e.Put("networkInterfaceId", e.EC2ID("eni-"))
				e.Put("privateIp", fmt.Sprintf("10.0.%s.%s", e.Digits(2), e.Digits(2)))
				return e.EC2ID("nat-"), nil
			}},
		&core.TypeSpec{Token: "aws:ec2/routeTable:RouteTable", Required: []string{"vpcId"},
			Immutable: []string{"vpcId"}, Create: ec2("rtb-", "route-table")},
		&core.TypeSpec{Token: "aws:ec2/routeTableAssociation:RouteTableAssociation", Required: []string{"routeTableId"},
			Immutable: []string{"subnetId", "gatewayId"}, Create: ec2("rtbassoc-", "")},
		&core.TypeSpec{Token: "aws:ec2/securityGroup:SecurityGroup", Name: "name", NameMax: 255, Scope: "vpcId",
			Immutable: []string{"name", "namePrefix", "vpcId", "description"},
			Defaults:  map[string]any{"description": "Managed by Pulumi", "revokeRulesOnDelete": false},
			Create:    ec2("sg-", "security-group")},
	)
}
