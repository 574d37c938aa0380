package infra

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

// The test listener forwards every request to the idle colour, whichever
// it is, so a staged release is reachable before the flip; the ALB's
// security group lets only the configured CIDRs reach that port.
func TestTestListenerForwardsToTheIdleColour(t *testing.T) {
	for active, idle := range map[string]string{stacks.ColorBlue: stacks.ColorGreen, stacks.ColorGreen: stacks.ColorBlue} {
		t.Run("active "+active, func(t *testing.T) {
			cfg := testConfig(stacks.BackendECS)
			cfg.ActiveColor, cfg.IdleWeight, cfg.TestListenerPort = active, 10, 9000
			cfg.TestListenerCIDRs = []string{"10.0.0.0/8"}
			m := run(t, cfg)
			test := m.one(t, "aws:lb/listener:Listener", "test")
			assert.Equal(t, float64(9000), at(t, test.Inputs, "port").NumberValue())
			assert.Equal(t, "HTTP", str(t, test.Inputs, "protocol"))
			assert.Equal(t, str(t, m.one(t, typeTargetGroup, idle).Outputs, "arn"),
				str(t, test.Inputs, "defaultActions", 0, "targetGroupArn"), "all of it to the idle colour, canary weight or not")
			assert.Equal(t, map[string]float64{active: 90, idle: 10}, listenerWeights(t, m), "production keeps its weights")

			var open []string
			sg := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb")
			for _, rule := range at(t, sg.Inputs, "ingress").ArrayValue() {
				r := rule.ObjectValue()
				if r[resource.PropertyKey("fromPort")].NumberValue() == 9000 {
					for _, c := range r[resource.PropertyKey("cidrBlocks")].ArrayValue() {
						open = append(open, c.StringValue())
					}
				}
			}
			assert.Equal(t, []string{"10.0.0.0/8"}, open)
		})
	}
}

func TestNoTestListenerByDefault(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	for _, l := range m.ofType("aws:lb/listener:Listener") {
		require.NotEqual(t, "test", l.Name)
	}
	sg := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb")
	assert.Len(t, at(t, sg.Inputs, "ingress").ArrayValue(), 1, "only port 80")
}

// With a certificate the test listener speaks HTTPS with it, like the
// production listener.
func TestTestListenerUsesTheCertificate(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.TestListenerPort = 8443
	cfg.CertificateARN, cfg.APIDomain = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e", "api.example.com"
	m := run(t, cfg)
	test := m.one(t, "aws:lb/listener:Listener", "test")
	assert.Equal(t, "HTTPS", str(t, test.Inputs, "protocol"))
	assert.Equal(t, cfg.CertificateARN, str(t, test.Inputs, "certificateArn"))
	assert.Equal(t, albSSLPolicy, str(t, test.Inputs, "sslPolicy"))
}

// testListenerCIDRs reads who the ALB's security group lets reach port.
func testListenerCIDRs(t *testing.T, m *mocks, port float64) []string {
	t.Helper()
	var open []string
	sg := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb")
	for _, rule := range at(t, sg.Inputs, "ingress").ArrayValue() {
		r := rule.ObjectValue()
		if r[resource.PropertyKey("fromPort")].NumberValue() == port {
			for _, c := range r[resource.PropertyKey("cidrBlocks")].ArrayValue() {
				open = append(open, c.StringValue())
			}
		}
	}
	return open
}

// Without kirikae:testListenerCidrs only the created VPC's range reaches
// the test listener: after a flip it serves the previous release, which
// must not stay on the internet.
func TestTestListenerIsPrivateByDefault(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.TestListenerPort = 9000
	m := run(t, cfg)
	vpc := m.one(t, "aws:ec2/vpc:Vpc", "vpc")
	assert.Equal(t, []string{str(t, vpc.Inputs, "cidrBlock")}, testListenerCIDRs(t, m, 9000))
	assert.NotContains(t, testListenerCIDRs(t, m, 9000), "0.0.0.0/0")
}

// In a VPC kirikae did not create, the program knows no range: only the
// CIDRs the stack names open the port (validation requires them).
func TestTestListenerInAGivenVPCOpensOnlyTheNamedCIDRs(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.VPCID = "vpc-0abc"
	cfg.PublicSubnetIDs, cfg.PrivateSubnetIDs = []string{"subnet-1", "subnet-2"}, []string{"subnet-3", "subnet-4"}
	cfg.TestListenerPort = 9000
	assert.Empty(t, testListenerCIDRs(t, run(t, cfg), 9000), "closed without CIDRs")
	cfg.TestListenerCIDRs = []string{"10.20.0.0/16"}
	assert.Equal(t, []string{"10.20.0.0/16"}, testListenerCIDRs(t, run(t, cfg), 9000))
}
