package ec2

import (
	"fmt"
	"slices"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"
)

// InvokeAvailabilityZones is the token of aws.GetAvailabilityZones.
const InvokeAvailabilityZones = "aws:index/getAvailabilityZones:getAvailabilityZones"

// zonesByRegion is what DescribeAvailabilityZones shows a new account. Not
// every region has an "a" and a "b": zone names are mapped per account and
// some zones are closed to new accounts (ap-northeast-1 shows a, c and d;
// us-west-1 shows b and c), so programs must look zones up, never append
// letters to the region
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html,
// https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
var zonesByRegion = map[string]struct {
	idPrefix string // zone ids are <idPrefix>-az<n>, e.g. use1-az1
	letters  []string
}{
	"us-east-1":      {"use1", []string{"a", "b", "c", "d", "e", "f"}},
	"us-east-2":      {"use2", []string{"a", "b", "c"}},
	"us-west-1":      {"usw1", []string{"b", "c"}},
	"us-west-2":      {"usw2", []string{"a", "b", "c", "d"}},
	"eu-west-1":      {"euw1", []string{"a", "b", "c"}},
	"eu-central-1":   {"euc1", []string{"a", "b", "c"}},
	"ap-northeast-1": {"apne1", []string{"a", "c", "d"}},
	"ap-northeast-3": {"apne3", []string{"a", "b", "c"}},
	"ap-southeast-1": {"apse1", []string{"a", "b", "c"}},
	"ap-southeast-2": {"apse2", []string{"a", "b", "c"}},
}

// zoneNames are the region's zone names, nil for a region outside the table.
func zoneNames(region string) []string {
	var out []string
	for _, l := range zonesByRegion[region].letters {
		out = append(out, region+l)
	}
	return out
}

// AvailabilityZones answers getAvailabilityZones for the provider's region
// (https://www.pulumi.com/registry/packages/aws/api-docs/getavailabilityzones/).
func AvailabilityZones(region string) (*pulumirpc.InvokeResponse, error) {
	zones, ok := zonesByRegion[region]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "the kirikae sandbox has no availability zones for region %s; use one of its table (sandbox/ec2/zones.go)", region)
	}
	var names, ids []any
	for i, name := range zoneNames(region) {
		names = append(names, name)
		ids = append(ids, fmt.Sprintf("%s-az%d", zones.idPrefix, i+1))
	}
	ret, err := structpb.NewStruct(map[string]any{
		"id": region, "names": names, "zoneIds": ids, "state": "available",
		"groupNames": []any{region}, "allAvailabilityZones": false,
	})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// KnownZone refuses a subnet in a zone the account does not have, as
// CreateSubnet does
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
func KnownZone(region, zone string) error {
	names := zoneNames(region)
	if names == nil || slices.Contains(names, zone) {
		return nil // known, or a region outside the table with nothing to check against
	}
	return fmt.Errorf("InvalidParameterValue: Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s", zone, strings.Join(names, ", "))
}
