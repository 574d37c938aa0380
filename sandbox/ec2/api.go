package ec2

import (
	"net/http"
	"net/url"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	xmlns            = "http://ec2.amazonaws.com/doc/2016-11-15/"
	tokVpc           = "aws:ec2/vpc:Vpc"
	tokSubnet        = "aws:ec2/subnet:Subnet"
	tokSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
)

// Serve answers the EC2 Describe calls for the network the account holds,
// over EC2's query protocol.
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request) {
	a.ServeEC2Query(w, r, xmlns, map[string]core.QueryOp{
		"DescribeVpcs":           describeVpcs,
		"DescribeSubnets":        describeSubnets,
		"DescribeSecurityGroups": describeSecurityGroups,
	})
}

type vpc struct {
	VpcID           string               `xml:"vpcId"`
	OwnerID         string               `xml:"ownerId"`
	State           string               `xml:"state"`
	CidrBlock       string               `xml:"cidrBlock"`
	DhcpOptionsID   string               `xml:"dhcpOptionsId"`
	InstanceTenancy string               `xml:"instanceTenancy"`
	IsDefault       bool                 `xml:"isDefault"`
	TagSet          core.Items[core.Tag] `xml:"tagSet"`
}

// describeVpcs: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html
func describeVpcs(st *core.State, form url.Values) (any, error) {
	return struct {
		VpcSet core.Items[vpc] `xml:"vpcSet"`
	}{described(st, form, tokVpc, "VpcId", func(v map[string]any) vpc {
		return vpc{VpcID: core.StrOf(v, "id"), OwnerID: st.AccountID,
			State: "available", CidrBlock: core.StrOf(v, "cidrBlock"), DhcpOptionsID: core.StrOf(v, "dhcpOptionsId"),
			InstanceTenancy: core.StrOf(v, "instanceTenancy"), TagSet: core.Items[core.Tag]{Item: core.TagsOf(v)}}
	})}, nil
}

// described is the account's resources of typ that the request's id list
// (idParam.N; all when absent) names, in the answer's shape T.
func described[T any](st *core.State, form url.Values, typ, idParam string, of func(r map[string]any) T) core.Items[T] {
	var out core.Items[T]
	for _, r := range core.Filter(core.NewIndex(st)[typ], "id", core.QueryList(form, idParam, "")) {
		out.Item = append(out.Item, of(r))
	}
	return out
}

type subnet struct {
	SubnetID            string               `xml:"subnetId"`
	SubnetArn           string               `xml:"subnetArn"`
	VpcID               string               `xml:"vpcId"`
	OwnerID             string               `xml:"ownerId"`
	State               string               `xml:"state"`
	CidrBlock           string               `xml:"cidrBlock"`
	AvailabilityZone    string               `xml:"availabilityZone"`
	MapPublicIPOnLaunch bool                 `xml:"mapPublicIpOnLaunch"`
	DefaultForAz        bool                 `xml:"defaultForAz"`
	TagSet              core.Items[core.Tag] `xml:"tagSet"`
}

// describeSubnets: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
func describeSubnets(st *core.State, form url.Values) (any, error) {
	return struct {
		SubnetSet core.Items[subnet] `xml:"subnetSet"`
	}{described(st, form, tokSubnet, "SubnetId", func(s map[string]any) subnet {
		return subnet{SubnetID: core.StrOf(s, "id"),
			SubnetArn: core.StrOf(s, "arn"), VpcID: core.StrOf(s, "vpcId"), OwnerID: st.AccountID, State: "available",
			CidrBlock: core.StrOf(s, "cidrBlock"), AvailabilityZone: core.StrOf(s, "availabilityZone"),
			MapPublicIPOnLaunch: core.BoolOf(s, "mapPublicIpOnLaunch"), TagSet: core.Items[core.Tag]{Item: core.TagsOf(s)}}
	})}, nil
}

type ipPermission struct {
	IPProtocol string                      `xml:"ipProtocol"`
	FromPort   int                         `xml:"fromPort"`
	ToPort     int                         `xml:"toPort"`
	IPRanges   core.Items[ipRange]         `xml:"ipRanges"`
	Groups     core.Items[userIDGroupPair] `xml:"groups"`
}

type ipRange struct {
	CidrIP string `xml:"cidrIp"`
}

type userIDGroupPair struct {
	GroupID string `xml:"groupId"`
}

type securityGroup struct {
	GroupID             string                   `xml:"groupId"`
	GroupName           string                   `xml:"groupName"`
	GroupDescription    string                   `xml:"groupDescription"`
	VpcID               string                   `xml:"vpcId"`
	OwnerID             string                   `xml:"ownerId"`
	IPPermissions       core.Items[ipPermission] `xml:"ipPermissions"`
	IPPermissionsEgress core.Items[ipPermission] `xml:"ipPermissionsEgress"`
	TagSet              core.Items[core.Tag]     `xml:"tagSet"`
}

// describeSecurityGroups: the group's rules are its ingress and egress
// inputs, as the provider passed them.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html
func describeSecurityGroups(st *core.State, form url.Values) (any, error) {
	return struct {
		SecurityGroupInfo core.Items[securityGroup] `xml:"securityGroupInfo"`
	}{described(st, form, tokSecurityGroup, "GroupId", func(g map[string]any) securityGroup {
		return securityGroup{GroupID: core.StrOf(g, "id"),
			GroupName: core.StrOf(g, "name"), GroupDescription: core.StrOf(g, "description"), VpcID: core.StrOf(g, "vpcId"),
			OwnerID: st.AccountID, IPPermissions: core.Items[ipPermission]{Item: permissions(g, "ingress")},
			IPPermissionsEgress: core.Items[ipPermission]{Item: permissions(g, "egress")},
			TagSet:              core.Items[core.Tag]{Item: core.TagsOf(g)}}
	})}, nil
}

func permissions(g map[string]any, k string) []ipPermission {
	var out []ipPermission
	for _, rule := range core.MapsOf(g, k) {
		p := ipPermission{IPProtocol: core.StrOf(rule, "protocol"), FromPort: core.IntOf(rule, "fromPort"),
			ToPort: core.IntOf(rule, "toPort")}
		for _, c := range core.ListOfStrings(rule, "cidrBlocks") {
			p.IPRanges.Item = append(p.IPRanges.Item, ipRange{CidrIP: c})
		}
		for _, sg := range core.ListOfStrings(rule, "securityGroups") {
			p.Groups.Item = append(p.Groups.Item, userIDGroupPair{GroupID: sg})
		}
		out = append(out, p)
	}
	return out
}
