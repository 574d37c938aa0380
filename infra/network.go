package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// network is the VPC side of the ecs backend: where the ALB and the tasks
// run, and the two security groups that let traffic flow ALB -> tasks only.
type network struct {
	pulumi.ResourceState

	VpcID pulumi.StringOutput
	// VpcCIDR is the created VPC's IPv4 range: who may reach the test
	// listener when kirikae:testListenerCidrs names no one. It is unknown
	// for a given VPC (kirikae:vpcId), whose stacks must name the CIDRs
	// (stacks validation): the program reads no data source but the zones.
	VpcCIDR              pulumi.StringOutput
	PublicSubnetIDs      pulumi.StringArrayOutput
	PrivateSubnetIDs     pulumi.StringArrayOutput
	ALBSecurityGroup     pulumi.StringOutput
	ServiceSecurityGroup pulumi.StringOutput
}

// subnetLayout fixes the CIDRs of the created VPC: two AZs, one public and
// one private subnet in each.
var subnetLayout = []struct {
	// zone names the subnets (first and second zone); the zones themselves
	// are looked up, since not every account has "<region>a" and "b".
	zone        string
	publicCIDR  string
	privateCIDR string
}{
	{zone: "a", publicCIDR: "10.0.0.0/24", privateCIDR: "10.0.10.0/24"},
	{zone: "b", publicCIDR: "10.0.1.0/24", privateCIDR: "10.0.11.0/24"},
}

func newNetwork(ctx *pulumi.Context, cfg stacks.Config) (*network, error) {
	n := &network{}
	if err := ctx.RegisterComponentResource(TypeNetwork, "network", n); err != nil {
		return nil, fmt.Errorf("register network: %w", err)
	}
	if cfg.VPCID != "" {
		n.VpcID = pulumi.String(cfg.VPCID).ToStringOutput()
		n.PublicSubnetIDs = pulumi.ToStringArray(cfg.PublicSubnetIDs).ToStringArrayOutput()
		n.PrivateSubnetIDs = pulumi.ToStringArray(cfg.PrivateSubnetIDs).ToStringArrayOutput()
	} else if err := n.createVPC(ctx, cfg); err != nil {
		return nil, err
	}
	if err := n.createSecurityGroups(ctx, cfg); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            n.VpcID,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
	}); err != nil {
		return nil, fmt.Errorf("register network outputs: %w", err)
	}
	return n, nil
}

// createVPC builds the VPC, both subnet tiers, the internet gateway and one
// NAT gateway. One NAT (not one per AZ) is a cost choice: losing its AZ
// stops image pulls, not serving.
func (n *network) createVPC(ctx *pulumi.Context, cfg stacks.Config) error {
	if cfg.Region == "" {
		return fmt.Errorf("create vpc: region is empty, availability zones derive from it")
	}
	parent := pulumi.Parent(n)
	vpc, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String("10.0.0.0/16"),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               namedTags(cfg, baseName(cfg)),
	}, parent)
	if err != nil {
		return fmt.Errorf("create vpc: %w", err)
	}
	n.VpcCIDR = vpc.CidrBlock
	igw, err := ec2.NewInternetGateway(ctx, "igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  namedTags(cfg, baseName(cfg)),
	}, parent)
	if err != nil {
		return fmt.Errorf("create internet gateway: %w", err)
	}

	// Zones are looked up: names are mapped per account and some regions
	// show no "b" to new accounts (ap-northeast-1: a, c, d)
	// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
	// Only the region's own zones: Local Zones and Wavelength Zones are
	// opt-in ("opted-in" once enabled), carry no Fargate or ALB everywhere,
	// and would otherwise be picked by their place in the list.
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{
			Name: "opt-in-status", Values: []string{"opt-in-not-required"},
		}},
	})
	if err != nil {
		return fmt.Errorf("look up availability zones of %s: %w", cfg.Region, err)
	}
	if len(zones.Names) < len(subnetLayout) {
		return fmt.Errorf("create vpc: region %s has %d available zones, kirikae needs %d", cfg.Region, len(zones.Names), len(subnetLayout))
	}
	var public, private pulumi.StringArray
	for i, l := range subnetLayout {
		az := zones.Names[i]
		pub, err := ec2.NewSubnet(ctx, "public-"+l.zone, &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			CidrBlock:           pulumi.String(l.publicCIDR),
			AvailabilityZone:    pulumi.String(az),
			MapPublicIpOnLaunch: pulumi.Bool(true),
			Tags:                namedTags(cfg, physicalName(cfg, "public-"+l.zone)),
		}, parent)
		if err != nil {
			return fmt.Errorf("create public subnet: %w", err)
		}
		priv, err := ec2.NewSubnet(ctx, "private-"+l.zone, &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(l.privateCIDR),
			AvailabilityZone: pulumi.String(az),
			Tags:             namedTags(cfg, physicalName(cfg, "private-"+l.zone)),
		}, parent)
		if err != nil {
			return fmt.Errorf("create private subnet: %w", err)
		}
		public = append(public, pub.ID())
		private = append(private, priv.ID())
	}

	eip, err := ec2.NewEip(ctx, "nat", &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   namedTags(cfg, physicalName(cfg, "nat")),
	}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
	if err != nil {
		return fmt.Errorf("create nat eip: %w", err)
	}
	nat, err := ec2.NewNatGateway(ctx, "nat", &ec2.NatGatewayArgs{
		AllocationId: eip.ID(),
		SubnetId:     public[0],
		Tags:         namedTags(cfg, physicalName(cfg, "nat")),
	}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
	if err != nil {
		return fmt.Errorf("create nat gateway: %w", err)
	}

	publicRT, err := ec2.NewRouteTable(ctx, "public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"),
			GatewayId: igw.ID(),
		}},
		Tags: namedTags(cfg, physicalName(cfg, "public")),
	}, parent)
	if err != nil {
		return fmt.Errorf("create public route table: %w", err)
	}
	privateRT, err := ec2.NewRouteTable(ctx, "private", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock:    pulumi.String("0.0.0.0/0"),
			NatGatewayId: nat.ID(),
		}},
		Tags: namedTags(cfg, physicalName(cfg, "private")),
	}, parent)
	if err != nil {
		return fmt.Errorf("create private route table: %w", err)
	}
	for i, l := range subnetLayout {
		if _, err := ec2.NewRouteTableAssociation(ctx, "public-"+l.zone, &ec2.RouteTableAssociationArgs{
			SubnetId:     public[i],
			RouteTableId: publicRT.ID(),
		}, parent); err != nil {
			return fmt.Errorf("associate public route table: %w", err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, "private-"+l.zone, &ec2.RouteTableAssociationArgs{
			SubnetId:     private[i],
			RouteTableId: privateRT.ID(),
		}, parent); err != nil {
			return fmt.Errorf("associate private route table: %w", err)
		}
	}

	n.VpcID = vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = public.ToStringArrayOutput()
	n.PrivateSubnetIDs = private.ToStringArrayOutput()
	return nil
}

// createSecurityGroups opens the ALB to the internet on 80 and the tasks to
// the ALB only, on the container port.
func (n *network) createSecurityGroups(ctx *pulumi.Context, cfg stacks.Config) error {
	parent := pulumi.Parent(n)
	allEgress := ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
		Protocol:   pulumi.String("-1"),
		FromPort:   pulumi.Int(0),
		ToPort:     pulumi.Int(0),
		CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
	}}
	ingress := ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
		Protocol:   pulumi.String("tcp"),
		FromPort:   pulumi.Int(80),
		ToPort:     pulumi.Int(80),
		CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
	}}
	if cfg.CertificateARN != "" {
		// Port 80 then only redirects to the HTTPS listener.
		ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
			Protocol:   pulumi.String("tcp"),
			FromPort:   pulumi.Int(443),
			ToPort:     pulumi.Int(443),
			CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		})
	}
	ingress = append(ingress, testListenerIngress(cfg, n.VpcCIDR)...)
	alb, err := ec2.NewSecurityGroup(ctx, "alb", &ec2.SecurityGroupArgs{
		Description: pulumi.String("kirikae ALB: HTTP from anywhere"),
		VpcId:       n.VpcID,
		Ingress:     ingress,
		Egress:      allEgress,
		Tags:        namedTags(cfg, physicalName(cfg, "alb")),
	}, parent)
	if err != nil {
		return fmt.Errorf("create alb security group: %w", err)
	}
	task, err := ec2.NewSecurityGroup(ctx, "service", &ec2.SecurityGroupArgs{
		Description: pulumi.String("kirikae service: container port from the ALB"),
		VpcId:       n.VpcID,
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Protocol:       pulumi.String("tcp"),
			FromPort:       pulumi.Int(cfg.ContainerPort),
			ToPort:         pulumi.Int(cfg.ContainerPort),
			SecurityGroups: pulumi.StringArray{alb.ID()},
		}},
		Egress: allEgress,
		Tags:   namedTags(cfg, physicalName(cfg, "service")),
	}, parent)
	if err != nil {
		return fmt.Errorf("create service security group: %w", err)
	}
	n.ALBSecurityGroup = alb.ID().ToStringOutput()
	n.ServiceSecurityGroup = task.ID().ToStringOutput()
	return nil
}
