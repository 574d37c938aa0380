package access

import "github.com/kirikae/kirikae/infra"

// Need is one kind of work a kirikae command does against AWS. A role is a
// set of needs (roles.go); the table below says which statements each need
// takes.
type Need string

const (
	// NeedReadState: read the Pulumi state and kirikae's records (every
	// command: preview, outputs, status, releases, drift, …).
	NeedReadState Need = "read-state"
	// NeedResolveImage: resolve the release's image tag to its digest
	// (preflight of up and promote).
	NeedResolveImage Need = "resolve-image"
	// NeedReadLive: the provider's Read of every resource (drift, refresh)
	// and the status reads of the data plane.
	NeedReadLive Need = "read-live"
	// NeedNotify: publish to the stack's topic and read the secret
	// parameters Slack and webhook deliveries need.
	NeedNotify Need = "notify"
	// NeedWriteState: lock, journal, release records and the Pulumi
	// checkpoint of this stack only.
	NeedWriteState Need = "write-state"
	// NeedApply: the provider's Create/Update/Delete of every resource the
	// program declares.
	NeedApply Need = "apply"
	// NeedRelease: the data plane of a release: frontend objects,
	// the release switch, ECS/Lambda rollout checks, logs.
	NeedRelease Need = "release"
	// NeedPushImage: the build job pushes the image to the repository
	// this stack owns.
	NeedPushImage Need = "push-image"
	// NeedPromoteFrom: promote copies another stack's verified frontend
	// release into this stack's bucket.
	NeedPromoteFrom Need = "promote-from"
)

// grant is one statement of the table: what it allows, on which of the
// stack's resources, for which need, and for which kind of stack.
type grant struct {
	sid     string
	why     string
	need    Need
	when    func(Scope) bool // nil: every stack
	actions []string
	// resources and condition are derived from the scope.
	resources func(Scope) []string
	condition func(Scope) Condition
}

// everywhere is for actions without resource-level permissions (Describe*,
// List*, ecr:GetAuthorizationToken): the Service Authorization Reference
// lists no resource type for them, so "*" is the only resource AWS accepts:
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func everywhere(Scope) []string { return []string{"*"} }

// stackTag requires the stack's tag on the resource a call addresses and on
// the tags a create call sets (aws:ResourceTag / aws:RequestTag):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
func stackTag(key string) func(Scope) Condition {
	return func(s Scope) Condition {
		return Condition{"StringEquals": {key + "/" + infra.TagStack: {s.stack()}}}
	}
}

// table is every AWS call kirikae and its program make, in the order the
// statements print. The provider's calls per resource type are those of
// pulumi-aws v6 (the Terraform AWS provider's CRUD): create, read back,
// tag, update in place, delete.
var table = []grant{
	{
		sid: "StateRead", need: NeedReadState,
		why:     "read the Pulumi state and kirikae's records (releases, journal, locks, freezes) of every stack",
		actions: []string{"s3:GetObject", "s3:ListBucket"},
		resources: func(s Scope) []string {
			return append([]string{"arn:aws:s3:::" + s.State.Bucket}, s.stateObjects(".pulumi/*", ".kirikae/*")...)
		},
	},
	{
		sid: "ImageRead", need: NeedResolveImage, when: Scope.ecs,
		why:       "resolve the release's image tag to the digest the tasks pull",
		actions:   []string{"ecr:DescribeImages"},
		resources: func(s Scope) []string { return []string{s.repositoryARN()} },
	},
	{
		sid: "ImagePlatform", need: NeedRelease, when: Scope.ecs,
		why: "read the release image's platforms as a pull does, before a deploy or promote stages it",
		// cloud.ImagePlatforms reads the manifest and the config blob:
		// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
		// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html
		actions:   []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
		resources: func(s Scope) []string { return []string{s.repositoryARN()} },
	},
	{
		sid: "LiveRead", need: NeedReadLive,
		why: "read every resource's configuration back (drift, refresh, status); no object, parameter or log data",
		actions: []string{
			"ec2:Describe*", "elasticloadbalancing:Describe*", "ecs:Describe*", "ecs:List*",
			"ecr:DescribeRepositories", "ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy", "ecr:ListTagsForResource",
			"logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
			"lambda:GetAlias", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:ListTags",
			"apigateway:GET",
			"cloudfront:Get*", "cloudfront:List*", "cloudfront:DescribeKeyValueStore", "cloudfront-keyvaluestore:DescribeKeyValueStore",
			"cloudfront-keyvaluestore:GetKey",
			"s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration",
			"s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
			"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource",
			"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
		},
		resources: everywhere,
	},
	{
		sid: "Notify", need: NeedNotify,
		why:       "publish deploy and drift messages to the stack's alarm topic",
		actions:   []string{"sns:Publish"},
		resources: func(s Scope) []string { return []string{s.arn("sns", infra.TopicName(s.Config))} },
	},
	{
		sid: "NotifySecrets", need: NeedNotify,
		when:      func(s Scope) bool { return len(s.secretParameters()) > 0 },
		why:       "read the Slack and webhook credentials the stack file refers to (ssm: references)",
		actions:   []string{"ssm:GetParameter"},
		resources: Scope.secretParameters,
	},
	{
		sid: "NotifySecretsKey", need: NeedNotify,
		when:      func(s Scope) bool { return len(s.secretParameters()) > 0 },
		why:       "decrypt those SecureString parameters, only through SSM",
		actions:   []string{"kms:Decrypt"},
		resources: func(s Scope) []string { return []string{s.arn("kms", "key/*")} },
		// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
		condition: func(s Scope) Condition {
			return Condition{"StringEquals": {"kms:ViaService": {"ssm." + s.region() + ".amazonaws.com"}}}
		},
	},
	{
		sid: "StateWrite", need: NeedWriteState,
		why:     "lock, journal, release records and the Pulumi checkpoint of this stack, and no other",
		actions: []string{"s3:PutObject", "s3:DeleteObject"},
		resources: func(s Scope) []string {
			return s.stateObjects(s.stackStateKeys()...)
		},
	},
}
