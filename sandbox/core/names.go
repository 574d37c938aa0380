package core

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What a Create does when the account already holds a resource of the type
// under the same physical name. Each is AWS's documented behaviour for the
// API the provider calls, not a choice of the sandbox.
type onDuplicate int

const (
	// refuse fails the call with the service's error code.
	refuse onDuplicate = iota
	// adopt succeeds and answers the existing resource: the API is
	// idempotent on the name, so the new Pulumi resource silently shares
	// the old one (and deleting either deletes it for both).
	adopt
	// adoptIfSame adopts when every setting the program can only set at
	// creation is equal, and refuses otherwise.
	adoptIfSame
)

// duplicateRule is how one type's create API treats a duplicate name.
type duplicateRule struct {
	code    string
	status  int
	message string // %s is the name
	then    onDuplicate
	// global: the name is unique across the account's regions (IAM,
	// CloudFront); otherwise per region.
	global bool
}

// duplicates maps type tokens to their create API's duplicate-name
// behaviour. Types absent here keep the generic refusal.
var duplicates = map[string]duplicateRule{
	// "This operation is idempotent ... If you attempt to create multiple
	// target groups with the same settings, each call succeeds";
	// otherwise DuplicateTargetGroupName:
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
	TokTargetGroup: {code: "DuplicateTargetGroupName", status: http.StatusBadRequest, then: adoptIfSame,
		message: "A target group with the same name '%s' exists, but with different settings"},
	// Same rule for load balancers (DuplicateLoadBalancerName):
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
	TokLoadBalancer: {code: "DuplicateLoadBalancerName", status: http.StatusBadRequest, then: adoptIfSame,
		message: "A load balancer with the same name '%s' exists, but with different settings"},
	// CreateCluster with the name of an ACTIVE cluster returns that
	// cluster: names are unique per account and Region and the call is
	// idempotent on them:
	// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html
	TokCluster: {then: adopt},
	// A service name is unique in its cluster; CreateService with the name
	// of an ACTIVE service fails "Creation of service was not idempotent":
	// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
	TokService: {code: "InvalidParameterException", status: http.StatusBadRequest,
		message: "Creation of service was not idempotent (service %s already exists in the cluster)"},
	// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html
	TokOAC: {code: "OriginAccessControlAlreadyExists", status: http.StatusConflict, global: true,
		message: "An origin access control with the same name %s already exists."},
	// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": {code: "ResponseHeadersPolicyAlreadyExists",
		status: http.StatusConflict, global: true, message: "A response headers policy with the name %s already exists."},
	// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
	"aws:iam/role:Role": {code: "EntityAlreadyExists", status: http.StatusConflict, global: true,
		message: "Role with name %s already exists."},
	// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
	"aws:cloudwatch/logGroup:LogGroup": {code: "ResourceAlreadyExistsException", status: http.StatusBadRequest,
		message: "The specified log group already exists: %s"},
	// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
	FunctionType: {code: "ResourceConflictException", status: http.StatusConflict,
		message: "Function already exist: %s"},
	// https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html
	"aws:lambda/alias:Alias": {code: "ResourceConflictException", status: http.StatusConflict,
		message: "Alias already exists: %s"},
	// https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
	"aws:lambda/permission:Permission": {code: "ResourceConflictException", status: http.StatusConflict,
		message: "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement."},
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
	"aws:ec2/securityGroup:SecurityGroup": {code: "InvalidGroup.Duplicate", status: http.StatusBadRequest,
		message: "The security group '%s' already exists for VPC"},
	// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
	TokRepository: {code: "RepositoryAlreadyExistsException", status: http.StatusBadRequest,
		message: "The repository with name '%s' already exists in the registry"},
	// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html
	"aws:apigatewayv2/stage:Stage": {code: "ConflictException", status: http.StatusConflict,
		message: "Stage already exists: %s"},
	// CreateTopic "is idempotent, so if the requester already owns a topic
	// with the specified name, that topic's ARN is returned":
	// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
	"aws:sns/topic:Topic": {then: adopt},
	// PutMetricAlarm with an existing name overwrites that alarm:
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
	"aws:cloudwatch/metricAlarm:MetricAlarm": {then: adopt},
	// PutRolePolicy with an existing name replaces that policy:
	// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
	"aws:iam/rolePolicy:RolePolicy": {then: adopt},
	// Bucket names are global: see claimBucket for other accounts. In one
	// account CreateBucket fails BucketAlreadyOwnedByYou, except in
	// us-east-1, where "for legacy compatibility ... Amazon S3 returns 200
	// OK": https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
	TokBucket: {code: "BucketAlreadyOwnedByYou", status: http.StatusConflict, global: true,
		message: "Your previous request to create the named bucket succeeded and you already own it: %s"},
}

// Type tokens core/names.go refers to.

// Duplicate finds a resource of t's type with the same physical name in the
// same scope and region. It returns the existing record to adopt, or the
// error AWS answers, or neither when the name is free.
func Duplicate(st *State, t *TypeSpec, out resource.PropertyMap, region string) (*Record, error) {
	if t.Name == "" {
		return nil, nil
	}
	name, scope := Str(out, t.Name), Str(out, t.Scope)
	if name == "" {
		return nil, nil
	}
	rule, known := duplicates[t.Token]
	for _, r := range st.Resources {
		if r.Type != t.Token || Plain(r.Outputs[t.Name]) != name {
			continue
		}
		if t.Scope != "" && Plain(r.Outputs[t.Scope]) != scope {
			continue
		}
		if !rule.global && !sameRegion(r, region) {
			continue
		}
		if !known {
			return nil, fmt.Errorf("%s %q already exists in the simulated account", t.Token, name)
		}
		switch {
		case rule.then == adopt, t.Token == TokBucket && region == DefaultRegion:
			return r, nil
		case rule.then == adoptIfSame && sameSettings(t, r, out):
			return r, nil
		}
		return nil, &APIError{Code: rule.code, Status: rule.status, Message: fmt.Sprintf(rule.message, name)}
	}
	return nil, nil
}

// sameRegion reports whether r lives in region, read from its ARN; a
// resource without a regional ARN counts as everywhere.
func sameRegion(r *Record, region string) bool {
	for _, k := range []string{"arn", "id"} {
		if s, ok := Plain(r.Outputs[k]).(string); ok && strings.HasPrefix(s, "arn:") {
			parts := strings.SplitN(s, ":", 6)
			return len(parts) < 6 || parts[3] == "" || parts[3] == region
		}
	}
	return true
}

// sameSettings compares the settings fixed at creation (the type's
// immutable properties), which is what "the same settings" means to ELB.
func sameSettings(t *TypeSpec, r *Record, out resource.PropertyMap) bool {
	for _, k := range t.Immutable {
		if k == "*" || k == "namePrefix" {
			continue
		}
		if fmt.Sprint(Plain(r.Outputs[k])) != fmt.Sprint(Plain(out[resource.PropertyKey(k)].Mappable())) {
			return false
		}
	}
	return true
}
