package access

import "github.com/kirikae/kirikae/infra"

func init() { table = append(table, applyTable...) }

// applyTable is the provider's writes per resource type, scoped to the
// stack's names (ARN patterns) or, where names are generated (security
// groups, roles, subnets), to the stack's tag.
var applyTable = []grant{
	{
		sid: "Network", need: NeedApply, when: Scope.ecs,
		why: "create and change the stack's VPC, subnets, gateways, routes and security groups (tagged kirikae:stack)",
		actions: []string{
			"ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc",
			"ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet",
			"ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
			"ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
			"ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute",
			"ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
			"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
			"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
			"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
			"ec2:CreateTags", "ec2:DeleteTags",
		},
		resources: func(s Scope) []string { return []string{s.arn("ec2", "*")} },
		// Resources of another stack carry its tag and are refused; those
		// a call creates must carry this stack's.
		condition: func(s Scope) Condition {
			return Condition{"StringEqualsIfExists": {
				"aws:ResourceTag/" + infra.TagStack: {s.stack()},
				"aws:RequestTag/" + infra.TagStack:  {s.stack()},
			}}
		},
	},
	{
		sid: "LoadBalancer", need: NeedApply, when: Scope.ecs,
		why: "the stack's ALB, its listeners and the two colours' target groups",
		actions: []string{
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer",
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		},
		resources: func(s Scope) []string {
			lb := infra.LoadBalancerName(s.Config)
			out := []string{
				s.arn("elasticloadbalancing", "loadbalancer/app/"+lb+"/*"),
				s.arn("elasticloadbalancing", "listener/app/"+lb+"/*"),
			}
			for _, tg := range infra.TargetGroupNamePatterns(s.Config) {
				out = append(out, s.arn("elasticloadbalancing", "targetgroup/"+tg+"/*"))
			}
			return out
		},
	},
	{
		sid: "Containers", need: NeedApply, when: Scope.ecs,
		why: "the stack's cluster and the two colours' services",
		actions: []string{
			"ecs:CreateCluster", "ecs:DeleteCluster", "ecs:PutClusterCapacityProviders",
			"ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService",
			"ecs:TagResource", "ecs:UntagResource",
		},
		resources: func(s Scope) []string {
			b := s.base()
			return []string{s.arn("ecs", "cluster/"+b), s.arn("ecs", "service/"+b+"/*")}
		},
	},
	{
		sid: "TaskDefinitions", need: NeedApply, when: Scope.ecs,
		why: "register and deregister task definitions (ECS grants these on no narrower resource)",
		actions: []string{
			"ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
		},
		resources: everywhere,
	},
	{
		sid: "ImageRepository", need: NeedApply,
		when: func(s Scope) bool { return s.ecs() && s.Config.ImageRepositoryOwner },
		why:  "the image repository this stack owns and its pull policy for the other accounts",
		actions: []string{
			"ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutImageTagMutability",
			"ecr:PutImageScanningConfiguration", "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy",
			"ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
			"ecr:TagResource", "ecr:UntagResource", "ecr:ListImages", "ecr:BatchDeleteImage",
		},
		resources: func(s Scope) []string { return []string{s.repositoryARN()} },
	},
	{
		sid: "Logs", need: NeedApply,
		why: "the stack's log group and its retention",
		actions: []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
		},
		resources: func(s Scope) []string {
			g := infra.LogGroupName(s.Config)
			return []string{s.arn("logs", "log-group:"+g), s.arn("logs", "log-group:"+g+":*")}
		},
	},
	{
		sid: "RoleCreate", need: NeedApply,
		why:       "create the task execution or function role, only tagged with this stack",
		actions:   []string{"iam:CreateRole", "iam:TagRole"},
		resources: func(s Scope) []string { return []string{s.globalARN("iam", "role/*")} },
		condition: stackTag("aws:RequestTag"),
	},
	{
		sid: "Roles", need: NeedApply,
		why: "change, pass and delete the roles this stack tagged, never another role",
		actions: []string{
			"iam:DeleteRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:ListInstanceProfilesForRole",
			"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PassRole",
		},
		resources: func(s Scope) []string { return []string{s.globalARN("iam", "role/*")} },
		condition: stackTag("aws:ResourceTag"),
	},
	{
		sid: "Function", need: NeedApply, when: Scope.lambda,
		why: "the stack's function, its published versions, its live alias and API Gateway's permission to invoke it",
		actions: []string{
			"lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode",
			"lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
			"lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias",
			"lambda:AddPermission", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
		},
		resources: func(s Scope) []string {
			fn := infra.FunctionName(s.Config)
			return []string{s.arn("lambda", "function:"+fn), s.arn("lambda", "function:"+fn+":*")}
		},
	},
	{
		sid: "HttpApi", need: NeedApply, when: Scope.lambda,
		why:     "the HTTP API in front of the function (API Gateway names no API in its ARNs before it exists)",
		actions: []string{"apigateway:POST", "apigateway:PATCH", "apigateway:PUT", "apigateway:DELETE"},
		resources: func(s Scope) []string {
			r := "arn:aws:apigateway:" + s.region() + "::"
			return []string{r + "/apis", r + "/apis/*", r + "/tags/*"}
		},
	},
	{
		sid: "FrontendBucket", need: NeedApply, when: Scope.frontend,
		why: "the frontend bucket: versioning, lifecycle, public access block and CloudFront's read policy",
		actions: []string{
			"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutBucketVersioning",
			"s3:PutLifecycleConfiguration", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPolicy",
			"s3:DeleteBucketPolicy",
		},
		resources: func(s Scope) []string {
			return []string{"arn:aws:s3:::" + infra.FrontendBucketPattern(s.Config)}
		},
	},
	{
		sid: "Distribution", need: NeedApply, when: Scope.frontend,
		why: "the distribution, its origin access control, headers policy, release function and key value store",
		actions: []string{
			"cloudfront:CreateDistribution", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
			"cloudfront:CreateOriginAccessControl", "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl",
			"cloudfront:CreateResponseHeadersPolicy", "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy",
			"cloudfront:CreateFunction", "cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:DeleteFunction",
			"cloudfront:CreateKeyValueStore", "cloudfront:UpdateKeyValueStore", "cloudfront:DeleteKeyValueStore",
			"cloudfront:TagResource", "cloudfront:UntagResource",
			"cloudfront-keyvaluestore:PutKey", "cloudfront-keyvaluestore:DeleteKey",
		},
		resources: func(s Scope) []string {
			return []string{
				s.globalARN("cloudfront", "distribution/*"),
				s.globalARN("cloudfront", "origin-access-control/*"),
				s.globalARN("cloudfront", "response-headers-policy/*"),
				s.globalARN("cloudfront", "function/"+infra.FrontendName(s.Config)),
				s.globalARN("cloudfront", "key-value-store/*"),
			}
		},
	},
	{
		sid: "Alarms", need: NeedApply,
		why: "the stack's alarms, its alarm topic and the topic's e-mail subscriptions",
		actions: []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource",
			"sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource",
			"sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes",
		},
		// In every region holding the stack's alarms: the CloudFront alarm
		// and its topic live in us-east-1 (infra.AlarmRegions).
		resources: func(s Scope) []string {
			t := infra.TopicName(s.Config)
			var out []string
			for _, region := range infra.AlarmRegions(s.Config) {
				out = append(out,
					s.arnIn(region, "cloudwatch", "alarm:"+infra.AlarmPrefix(s.Config)+"*"),
					s.arnIn(region, "sns", t), s.arnIn(region, "sns", t+":*"))
			}
			return out
		},
	},
}
