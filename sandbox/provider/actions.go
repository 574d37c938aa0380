package provider

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/kirikae/kirikae/sandbox/core"
)

// actions is what pulumi-aws v6 (the Terraform AWS provider underneath)
// calls to create, update, delete and read each resource type the sandbox
// models, as IAM actions, and the resource ARN they address. Each line
// follows the resource's CRUD in the Terraform AWS provider
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs) and
// the actions and resource types of the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
// An update asks the type's modify action, not every call a given change
// could make. A type missing here is refused to a role rather than let
// through (see authorize).
type typeActions struct {
	create, update, delete, read []string
	// arn is the resource the calls address; nil: the "arn" output.
	arn func(c arnCtx) string
}

// arnCtx is what a resource's ARN is built from.
type arnCtx struct {
	region, account, id string
	props               resource.PropertyMap // outputs (inputs for a create's dependencies)
}

func (c arnCtx) str(k string) string { return core.Str(c.props, k) }

func (c arnCtx) regional(svc, res string) string {
	return "arn:aws:" + svc + ":" + c.region + ":" + c.account + ":" + res
}

// ec2ARN: EC2's resource types are arn:aws:ec2:REGION:ACCOUNT:TYPE/ID.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies
func ec2ARN(kind string) func(arnCtx) string {
	return func(c arnCtx) string { return c.regional("ec2", kind+"/"+c.id) }
}

// bucketOf is the bucket a bucket sub-resource configures.
func bucketOf(c arnCtx) string { return "arn:aws:s3:::" + c.str("bucket") }

func apiPath(kind string) func(arnCtx) string {
	return func(c arnCtx) string {
		return "arn:aws:apigateway:" + c.region + "::/apis/" + c.str("apiId") + "/" + kind + "/" + c.id
	}
}

func ec2Type(create, update, del []string, read, kind string) typeActions {
	return typeActions{create: create, update: update, delete: del, read: []string{read}, arn: ec2ARN(kind)}
}

var actions = map[string]typeActions{
	// EC2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
	"aws:ec2/vpc:Vpc": ec2Type([]string{"ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags"},
		[]string{"ec2:ModifyVpcAttribute"}, []string{"ec2:DeleteVpc"}, "ec2:DescribeVpcs", "vpc"),
	"aws:ec2/subnet:Subnet": ec2Type([]string{"ec2:CreateSubnet", "ec2:CreateTags"},
		[]string{"ec2:ModifySubnetAttribute"}, []string{"ec2:DeleteSubnet"}, "ec2:DescribeSubnets", "subnet"),
	"aws:ec2/internetGateway:InternetGateway": ec2Type([]string{"ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:CreateTags"},
		[]string{"ec2:CreateTags"}, []string{"ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"}, "ec2:DescribeInternetGateways", "internet-gateway"),
	"aws:ec2/eip:Eip": ec2Type([]string{"ec2:AllocateAddress", "ec2:CreateTags"},
		[]string{"ec2:CreateTags"}, []string{"ec2:ReleaseAddress"}, "ec2:DescribeAddresses", "elastic-ip"),
	"aws:ec2/natGateway:NatGateway": ec2Type([]string{"ec2:CreateNatGateway", "ec2:CreateTags"},
		[]string{"ec2:CreateTags"}, []string{"ec2:DeleteNatGateway"}, "ec2:DescribeNatGateways", "natgateway"),
	"aws:ec2/routeTable:RouteTable": ec2Type([]string{"ec2:CreateRouteTable", "ec2:CreateRoute", "ec2:CreateTags"},
		[]string{"ec2:ReplaceRoute"}, []string{"ec2:DeleteRouteTable"}, "ec2:DescribeRouteTables", "route-table"),
	"aws:ec2/routeTableAssociation:RouteTableAssociation": ec2Type([]string{"ec2:AssociateRouteTable"},
		[]string{"ec2:AssociateRouteTable"}, []string{"ec2:DisassociateRouteTable"}, "ec2:DescribeRouteTables", "route-table"),
	"aws:ec2/securityGroup:SecurityGroup": ec2Type(
		[]string{"ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags"},
		[]string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"},
		[]string{"ec2:DeleteSecurityGroup"}, "ec2:DescribeSecurityGroups", "security-group"),

	// Elastic Load Balancing v2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
	"aws:lb/loadBalancer:LoadBalancer": {
		create: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:AddTags", "elasticloadbalancing:ModifyLoadBalancerAttributes"},
		update: []string{"elasticloadbalancing:ModifyLoadBalancerAttributes"}, delete: []string{"elasticloadbalancing:DeleteLoadBalancer"},
		read: []string{"elasticloadbalancing:DescribeLoadBalancers"}},
	"aws:lb/listener:Listener": {
		create: []string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:AddTags"},
		update: []string{"elasticloadbalancing:ModifyListener"}, delete: []string{"elasticloadbalancing:DeleteListener"},
		read: []string{"elasticloadbalancing:DescribeListeners"}},
	"aws:lb/targetGroup:TargetGroup": {
		create: []string{"elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags", "elasticloadbalancing:ModifyTargetGroupAttributes"},
		update: []string{"elasticloadbalancing:ModifyTargetGroup"}, delete: []string{"elasticloadbalancing:DeleteTargetGroup"},
		read: []string{"elasticloadbalancing:DescribeTargetGroups"}},

	// ECS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
	"aws:ecs/cluster:Cluster": {create: []string{"ecs:CreateCluster", "ecs:TagResource"}, update: []string{"ecs:UpdateCluster"},
		delete: []string{"ecs:DeleteCluster"}, read: []string{"ecs:DescribeClusters"}},
	"aws:ecs/service:Service": {create: []string{"ecs:CreateService", "ecs:TagResource"}, update: []string{"ecs:UpdateService"},
		delete: []string{"ecs:UpdateService", "ecs:DeleteService"}, read: []string{"ecs:DescribeServices"},
		// A service's id is its ARN (pulumi-aws has no arn output for it).
		arn: func(c arnCtx) string { return c.id }},
	// RegisterTaskDefinition names no resource type: "*".
	"aws:ecs/taskDefinition:TaskDefinition": {create: []string{"ecs:RegisterTaskDefinition"}, update: []string{"ecs:RegisterTaskDefinition"},
		delete: []string{"ecs:DeregisterTaskDefinition"}, read: []string{"ecs:DescribeTaskDefinition"},
		arn: func(arnCtx) string { return "*" }},

	// ECR: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
	"aws:ecr/repository:Repository": {create: []string{"ecr:CreateRepository", "ecr:TagResource"},
		update: []string{"ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration"},
		delete: []string{"ecr:DeleteRepository"}, read: []string{"ecr:DescribeRepositories"}},
	"aws:ecr/repositoryPolicy:RepositoryPolicy": {create: []string{"ecr:SetRepositoryPolicy"}, update: []string{"ecr:SetRepositoryPolicy"},
		delete: []string{"ecr:DeleteRepositoryPolicy"}, read: []string{"ecr:GetRepositoryPolicy"}, arn: repositoryOf},
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": {create: []string{"ecr:PutLifecyclePolicy"}, update: []string{"ecr:PutLifecyclePolicy"},
		delete: []string{"ecr:DeleteLifecyclePolicy"}, read: []string{"ecr:GetLifecyclePolicy"}, arn: repositoryOf},

	// CloudWatch Logs and alarms:
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
	"aws:cloudwatch/logGroup:LogGroup": {create: []string{"logs:CreateLogGroup", "logs:PutRetentionPolicy"},
		update: []string{"logs:PutRetentionPolicy"}, delete: []string{"logs:DeleteLogGroup"}, read: []string{"logs:DescribeLogGroups"}},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {create: []string{"cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"},
		update: []string{"cloudwatch:PutMetricAlarm"}, delete: []string{"cloudwatch:DeleteAlarms"}, read: []string{"cloudwatch:DescribeAlarms"}},

	// IAM: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
	"aws:iam/role:Role": {create: []string{"iam:CreateRole", "iam:TagRole"}, update: []string{"iam:UpdateAssumeRolePolicy"},
		delete: []string{"iam:ListInstanceProfilesForRole", "iam:DeleteRole"}, read: []string{"iam:GetRole"}},
	"aws:iam/rolePolicy:RolePolicy": {create: []string{"iam:PutRolePolicy"}, update: []string{"iam:PutRolePolicy"},
		delete: []string{"iam:DeleteRolePolicy"}, read: []string{"iam:GetRolePolicy"}, arn: roleOf},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {create: []string{"iam:AttachRolePolicy"}, update: []string{"iam:AttachRolePolicy"},
		delete: []string{"iam:DetachRolePolicy"}, read: []string{"iam:ListAttachedRolePolicies"}, arn: roleOf},

	// Lambda: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
	"aws:lambda/function:Function": {create: []string{"lambda:CreateFunction", "lambda:PublishVersion"},
		update: []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion"},
		delete: []string{"lambda:DeleteFunction"}, read: []string{"lambda:GetFunction"}},
	"aws:lambda/alias:Alias": {create: []string{"lambda:CreateAlias"}, update: []string{"lambda:UpdateAlias"},
		delete: []string{"lambda:DeleteAlias"}, read: []string{"lambda:GetAlias"}},
	"aws:lambda/permission:Permission": {create: []string{"lambda:AddPermission"}, update: []string{"lambda:AddPermission"},
		delete: []string{"lambda:RemovePermission"}, read: []string{"lambda:GetPolicy"},
		arn: func(c arnCtx) string {
			if fn := c.str("function"); strings.HasPrefix(fn, "arn:") {
				return fn
			}
			return c.regional("lambda", "function:"+c.str("function"))
		}},

	// API Gateway v2: the actions are HTTP methods on the API's path.
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonapigatewaymanagementv2.html
	"aws:apigatewayv2/api:Api": {create: []string{"apigateway:POST"}, update: []string{"apigateway:PATCH"},
		delete: []string{"apigateway:DELETE"}, read: []string{"apigateway:GET"},
		arn: func(c arnCtx) string { return "arn:aws:apigateway:" + c.region + "::/apis/" + c.id }},
	"aws:apigatewayv2/integration:Integration": {create: []string{"apigateway:POST"}, update: []string{"apigateway:PATCH"},
		delete: []string{"apigateway:DELETE"}, read: []string{"apigateway:GET"}, arn: apiPath("integrations")},
	"aws:apigatewayv2/route:Route": {create: []string{"apigateway:POST"}, update: []string{"apigateway:PATCH"},
		delete: []string{"apigateway:DELETE"}, read: []string{"apigateway:GET"}, arn: apiPath("routes")},
	"aws:apigatewayv2/stage:Stage": {create: []string{"apigateway:POST"}, update: []string{"apigateway:PATCH"},
		delete: []string{"apigateway:DELETE"}, read: []string{"apigateway:GET"}, arn: apiPath("stages")},

	// S3: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
	"aws:s3/bucketV2:BucketV2": {create: []string{"s3:CreateBucket", "s3:PutBucketTagging"}, update: []string{"s3:PutBucketTagging"},
		delete: []string{"s3:DeleteBucket"}, read: []string{"s3:GetBucketTagging"},
		arn: func(c arnCtx) string { return "arn:aws:s3:::" + c.str("bucket") }},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": {create: []string{"s3:PutBucketVersioning"}, update: []string{"s3:PutBucketVersioning"},
		delete: []string{"s3:PutBucketVersioning"}, read: []string{"s3:GetBucketVersioning"}, arn: bucketOf},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": {create: []string{"s3:PutLifecycleConfiguration"},
		update: []string{"s3:PutLifecycleConfiguration"}, delete: []string{"s3:PutLifecycleConfiguration"},
		read: []string{"s3:GetLifecycleConfiguration"}, arn: bucketOf},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {create: []string{"s3:PutBucketPublicAccessBlock"},
		update: []string{"s3:PutBucketPublicAccessBlock"}, delete: []string{"s3:PutBucketPublicAccessBlock"},
		read: []string{"s3:GetBucketPublicAccessBlock"}, arn: bucketOf},
	"aws:s3/bucketPolicy:BucketPolicy": {create: []string{"s3:PutBucketPolicy"}, update: []string{"s3:PutBucketPolicy"},
		delete: []string{"s3:DeleteBucketPolicy"}, read: []string{"s3:GetBucketPolicy"}, arn: bucketOf},

	// CloudFront: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html
	"aws:cloudfront/distribution:Distribution": {create: []string{"cloudfront:CreateDistribution", "cloudfront:TagResource"},
		update: []string{"cloudfront:UpdateDistribution"}, delete: []string{"cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution"},
		read: []string{"cloudfront:GetDistribution"}},
	"aws:cloudfront/originAccessControl:OriginAccessControl": {create: []string{"cloudfront:CreateOriginAccessControl"},
		update: []string{"cloudfront:UpdateOriginAccessControl"}, delete: []string{"cloudfront:DeleteOriginAccessControl"},
		read: []string{"cloudfront:GetOriginAccessControl"},
		arn:  func(c arnCtx) string { return "arn:aws:cloudfront::" + c.account + ":origin-access-control/" + c.id }},
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": {create: []string{"cloudfront:CreateResponseHeadersPolicy"},
		update: []string{"cloudfront:UpdateResponseHeadersPolicy"}, delete: []string{"cloudfront:DeleteResponseHeadersPolicy"},
		read: []string{"cloudfront:GetResponseHeadersPolicy"},
		arn:  func(c arnCtx) string { return "arn:aws:cloudfront::" + c.account + ":response-headers-policy/" + c.id }},
	"aws:cloudfront/function:Function": {create: []string{"cloudfront:CreateFunction", "cloudfront:PublishFunction"},
		update: []string{"cloudfront:UpdateFunction", "cloudfront:PublishFunction"}, delete: []string{"cloudfront:DeleteFunction"},
		read: []string{"cloudfront:GetFunction"}},
	"aws:cloudfront/keyValueStore:KeyValueStore": {create: []string{"cloudfront:CreateKeyValueStore"},
		update: []string{"cloudfront:UpdateKeyValueStore"}, delete: []string{"cloudfront:DeleteKeyValueStore"},
		read: []string{"cloudfront:DescribeKeyValueStore"}},
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfrontkeyvaluestore.html
	"aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey": {create: []string{"cloudfront-keyvaluestore:PutKey"},
		update: []string{"cloudfront-keyvaluestore:PutKey"}, delete: []string{"cloudfront-keyvaluestore:DeleteKey"},
		read: []string{"cloudfront-keyvaluestore:GetKey"}, arn: func(c arnCtx) string { return c.str("keyValueStoreArn") }},

	// SNS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
	"aws:sns/topic:Topic": {create: []string{"sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource"},
		update: []string{"sns:SetTopicAttributes"}, delete: []string{"sns:DeleteTopic"}, read: []string{"sns:GetTopicAttributes"}},
	"aws:sns/topicSubscription:TopicSubscription": {create: []string{"sns:Subscribe"}, update: []string{"sns:SetSubscriptionAttributes"},
		delete: []string{"sns:Unsubscribe"}, read: []string{"sns:GetSubscriptionAttributes"},
		arn: func(c arnCtx) string {
			if a := c.str("arn"); a != "" {
				return a
			}
			return c.str("topic")
		}},
}

func repositoryOf(c arnCtx) string { return c.regional("ecr", "repository/"+c.str("repository")) }

func roleOf(c arnCtx) string {
	role := c.str("role")
	if strings.HasPrefix(role, "arn:") {
		return role
	}
	return "arn:aws:iam::" + c.account + ":role/" + role
}
