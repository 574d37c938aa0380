package infra

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

func TestCreatedVPCSpansTwoZones(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	vpc := m.one(t, "aws:ec2/vpc:Vpc", "vpc")
	zones := map[string]string{}
	for _, s := range m.ofType("aws:ec2/subnet:Subnet") {
		assert.Equal(t, vpc.ID, str(t, s.Inputs, "vpcId"))
		zones[s.Name] = str(t, s.Inputs, "availabilityZone")
	}
	// The zones the region really has (the mock account shows no "b"),
	// not the region with letters appended.
	assert.Equal(t, map[string]string{
		"public-a": "eu-west-1a", "public-b": "eu-west-1c",
		"private-a": "eu-west-1a", "private-b": "eu-west-1c",
	}, zones)

	nat := m.one(t, "aws:ec2/natGateway:NatGateway", "nat")
	assert.Equal(t, m.one(t, "aws:ec2/eip:Eip", "nat").ID, str(t, nat.Inputs, "allocationId"))
	assert.Equal(t, m.one(t, "aws:ec2/subnet:Subnet", "public-a").ID, str(t, nat.Inputs, "subnetId"))

	publicRT := m.one(t, "aws:ec2/routeTable:RouteTable", "public")
	privateRT := m.one(t, "aws:ec2/routeTable:RouteTable", "private")
	assert.Equal(t, m.one(t, "aws:ec2/internetGateway:InternetGateway", "igw").ID,
		str(t, publicRT.Inputs, "routes", 0, "gatewayId"))
	assert.Equal(t, nat.ID, str(t, privateRT.Inputs, "routes", 0, "natGatewayId"))

	assocs := map[string]string{}
	for _, a := range m.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		assocs[str(t, a.Inputs, "subnetId")] = str(t, a.Inputs, "routeTableId")
	}
	assert.Equal(t, map[string]string{
		"subnet-public-a": publicRT.ID, "subnet-public-b": publicRT.ID,
		"subnet-private-a": privateRT.ID, "subnet-private-b": privateRT.ID,
	}, assocs)

	alb := m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb")
	assert.Equal(t, "subnet-public-a", str(t, alb.Inputs, "subnets", 0))
	assert.Equal(t, "subnet-public-b", str(t, alb.Inputs, "subnets", 1))
}

func TestSecurityGroupsOpenOnlyTheALBToTheService(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	alb := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb")
	assert.Equal(t, float64(80), at(t, alb.Inputs, "ingress", 0, "fromPort").NumberValue())
	assert.Equal(t, float64(80), at(t, alb.Inputs, "ingress", 0, "toPort").NumberValue())
	assert.Equal(t, "0.0.0.0/0", str(t, alb.Inputs, "ingress", 0, "cidrBlocks", 0))

	svc := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "service")
	assert.Equal(t, float64(8080), at(t, svc.Inputs, "ingress", 0, "fromPort").NumberValue())
	assert.Equal(t, float64(8080), at(t, svc.Inputs, "ingress", 0, "toPort").NumberValue())
	assert.Equal(t, alb.ID, str(t, svc.Inputs, "ingress", 0, "securityGroups", 0))
	assert.False(t, has(at(t, svc.Inputs, "ingress", 0).ObjectValue(), "cidrBlocks"))

	assert.Equal(t, alb.ID, str(t, m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb").Inputs, "securityGroups", 0))
	for _, color := range []string{"blue", "green"} {
		assert.Equal(t, svc.ID, str(t, m.one(t, typeECSService, color).Inputs, "networkConfiguration", "securityGroups", 0))
	}
}

func TestExistingVPCCreatesOnlySecurityGroups(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.VPCID = "vpc-0123"
	cfg.PublicSubnetIDs = []string{"subnet-pub1", "subnet-pub2"}
	cfg.PrivateSubnetIDs = []string{"subnet-priv1", "subnet-priv2"}
	m := run(t, cfg)
	for _, typ := range []string{
		"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/eip:Eip",
		"aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation",
	} {
		assert.Empty(t, m.ofType(typ), typ)
	}
	sgs := m.ofType("aws:ec2/securityGroup:SecurityGroup")
	require.Len(t, sgs, 2)
	for _, sg := range sgs {
		assert.Equal(t, "vpc-0123", str(t, sg.Inputs, "vpcId"))
	}
	alb := m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb")
	assert.Equal(t, "subnet-pub1", str(t, alb.Inputs, "subnets", 0))
	assert.Equal(t, "subnet-pub2", str(t, alb.Inputs, "subnets", 1))
	svc := m.one(t, typeECSService, "blue")
	assert.Equal(t, "subnet-priv1", str(t, svc.Inputs, "networkConfiguration", "subnets", 0))
	assert.Equal(t, "subnet-priv2", str(t, svc.Inputs, "networkConfiguration", "subnets", 1))
	assert.Equal(t, "vpc-0123", str(t, m.one(t, typeTargetGroup, "green").Inputs, "vpcId"))
}

func TestCreatedVPCNeedsARegion(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.Region = ""
	_, err := runErr(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "region is empty")
}

func TestLambdaBackendHasNoNetwork(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	assert.Empty(t, m.ofType("aws:ec2/vpc:Vpc"))
	assert.Empty(t, m.ofType("aws:ec2/securityGroup:SecurityGroup"))
}

// The zones come from the region itself, never from a Local Zone or
// Wavelength Zone the account opted into.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
func TestCreatedVPCUsesOnlyTheRegionsOwnZones(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	args, ok := m.callArgs["aws:index/getAvailabilityZones:getAvailabilityZones"]
	require.True(t, ok, "zones are looked up")
	assert.Equal(t, "available", args["state"].StringValue())
	filters := args["filters"].ArrayValue()
	require.Len(t, filters, 1)
	f := filters[0].ObjectValue()
	assert.Equal(t, "opt-in-status", f["name"].StringValue())
	require.Len(t, f["values"].ArrayValue(), 1)
	assert.Equal(t, "opt-in-not-required", f["values"].ArrayValue()[0].StringValue())
}
