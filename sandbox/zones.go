package sandbox

import (
	"context"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"
)

// invokeAvailabilityZones is the token of aws.GetAvailabilityZones.
const invokeAvailabilityZones = "aws:index/getAvailabilityZones:getAvailabilityZones"

// zonesByRegion is what DescribeAvailabilityZones shows a new account. Not
// every region has an "a" and a "b": zone names are mapped per account and
// some zones are closed to new accounts (ap-northeast-1 shows a, c and d;
// us-west-1 shows b and c), so programs must look zones up, never append
// letters to the region
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html,
// https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
var zonesByRegion = map[string][]string{
	"us-east-1":      {"a", "b", "c", "d", "e", "f"},
	"us-east-2":      {"a", "b", "c"},
	"us-west-1":      {"b", "c"},
	"us-west-2":      {"a", "b", "c", "d"},
	"eu-west-1":      {"a", "b", "c"},
	"eu-central-1":   {"a", "b", "c"},
	"ap-northeast-1": {"a", "c", "d"},
	"ap-northeast-3": {"a", "b", "c"},
	"ap-southeast-1": {"a", "b", "c"},
	"ap-southeast-2": {"a", "b", "c"},
}

// availabilityZones answers getAvailabilityZones for the provider's region
// (https://www.pulumi.com/registry/packages/aws/api-docs/getavailabilityzones/).
func (p *provider) availabilityZones(ctx context.Context) (*pulumirpc.InvokeResponse, error) {
	region := p.region(ctx)
	letters, ok := zonesByRegion[region]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "the kirikae sandbox has no availability zones for region %s; use one of its table (sandbox/zones.go)", region)
	}
	var names, ids []any
	for i, l := range letters {
		names = append(names, region+l)
		ids = append(ids, fmt.Sprintf("%s-az%d", shortRegion(region), i+1))
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

// shortRegion is the prefix of a zone id: "use1" for us-east-1.
func shortRegion(region string) string {
	short := map[string]string{"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2",
		"eu-west-1": "euw1", "eu-central-1": "euc1", "ap-northeast-1": "apne1", "ap-northeast-3": "apne3",
		"ap-southeast-1": "apse1", "ap-southeast-2": "apse2"}
	return short[region]
}

// knownZone refuses a subnet in a zone the account does not have, as
// CreateSubnet does
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
func knownZone(region, zone string) error {
	letters, ok := zonesByRegion[region]
	if !ok {
		return nil // a region outside the table: nothing to check against
	}
	for _, l := range letters {
		if zone == region+l {
			return nil
		}
	}
	return fmt.Errorf("InvalidParameterValue: Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s", zone, zoneList(region, letters))
}

func zoneList(region string, letters []string) string {
	out := ""
	for i, l := range letters {
		if i > 0 {
			out += ", "
		}
		out += region + l
	}
	return out
}
