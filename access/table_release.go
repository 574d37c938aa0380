package access

import "github.com/kirikae/kirikae/infra"

func init() { table = append(table, releaseTable...) }

// releaseTable is the data plane kirikae calls itself (package cloud), and
// the image push of the pipeline's build job.
var releaseTable = []grant{
	{
		sid: "FrontendObjects", need: NeedRelease, when: Scope.frontend,
		why: "upload, carry over and prune frontend releases; empty the bucket on destroy --force-empty",
		actions: []string{
			"s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
			"s3:ListBucket", "s3:ListBucketVersions",
		},
		resources: func(s Scope) []string { return bucketARNs(infra.FrontendBucketPattern(s.Config)) },
	},
	{
		sid: "LogsRead", need: NeedRelease,
		why:     "kirikae logs: read the stack's log group",
		actions: []string{"logs:FilterLogEvents"},
		resources: func(s Scope) []string {
			g := infra.LogGroupName(s.Config)
			return []string{s.arn("logs", "log-group:"+g), s.arn("logs", "log-group:"+g+":*")}
		},
	},
	{
		sid: "Migrations", need: NeedRelease,
		when: func(s Scope) bool { return s.ecs() && s.Config.MigrateCommand != "" },
		why:  "run kirikae:migrateCommand as a one-off task of the new task definition, and stop it past its timeout",
		// RunTask is granted on the task definition, StopTask on the task:
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
		actions: []string{"ecs:RunTask", "ecs:StopTask"},
		resources: func(s Scope) []string {
			b := s.base()
			return []string{s.arn("ecs", "task-definition/"+b+"-*"), s.arn("ecs", "task/"+b+"/*")}
		},
	},
	{
		sid: "InvokeCandidate", need: NeedRelease,
		when: func(s Scope) bool {
			return s.lambda() && (s.Config.MigrateCommand != "" || len(s.Config.SmokeChecks) > 0 || s.Config.SmokeCommand != "")
		},
		why:     "invoke the published version for kirikae:migrateCommand and the smoke checks before alias live moves to it",
		actions: []string{"lambda:InvokeFunction"},
		resources: func(s Scope) []string {
			return []string{s.arn("lambda", "function:"+infra.FunctionName(s.Config)+":*")}
		},
	},
	{
		sid: "LambdaArtifact", need: NeedRelease,
		when: func(s Scope) bool { return s.lambda() && s.Config.LambdaArtifactBucket != "" },
		why: "read an s3:// Lambda artifact, in kirikae:lambdaArtifactBucket only: kirikae hashes it when it plans (HeadObject, GetObject), " +
			"and Lambda fetches it with the caller's credentials on CreateFunction and UpdateFunctionCode (GetObjectVersion: a versioned bucket's S3ObjectVersion)",
		// The key is the release's, so the policy names the bucket's
		// objects; stacks refuses an s3:// artifact outside it.
		// https://docs.aws.amazon.com/lambda/latest/dg/permissions-user-function.html
		// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
		actions: []string{"s3:GetObject", "s3:GetObjectVersion"},
		resources: func(s Scope) []string {
			return []string{"arn:aws:s3:::" + s.Config.LambdaArtifactBucket + "/*"}
		},
	},
	{
		sid: "RegistryLogin", need: NeedPushImage,
		when:      func(s Scope) bool { return s.ecs() && s.Config.ImageRepositoryOwner },
		why:       "log in to ECR to push the release image (an action with no resource)",
		actions:   []string{"ecr:GetAuthorizationToken"},
		resources: everywhere,
	},
	{
		sid: "ImagePush", need: NeedPushImage,
		when: func(s Scope) bool { return s.ecs() && s.Config.ImageRepositoryOwner },
		why:  "push the release image to the repository this stack owns",
		actions: []string{
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage",
		},
		// A push also reads the tag's manifest (ecr:BatchGetImage:
		// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html);
		// every deploy role holds it on this repository in ImagePlatform.
		resources: func(s Scope) []string { return []string{s.repositoryARN()} },
	},
	{
		sid: "PromoteSource", need: NeedPromoteFrom,
		when: func(s Scope) bool { return s.frontend() && len(s.promoteSources()) > 0 },
		why:  "read the verified frontend release promote copies from the other stacks (their bucket policy must grant it across accounts)",
		actions: []string{
			"s3:GetObject", "s3:ListBucket",
		},
		resources: func(s Scope) []string {
			var out []string
			for _, b := range s.promoteSources() {
				out = append(out, bucketARNs(b)...)
			}
			return out
		},
	},
}

// promoteSources are the frontend bucket patterns of the stacks a release
// is promoted from: the stacks owning the image repository (a release
// starts where its image is pushed and verified) when this stack does not;
// with no owner among them (Lambda projects), every other stack.
func (s Scope) promoteSources() []string {
	if s.Config.ImageRepositoryOwner {
		return nil
	}
	var owners, others []string
	for _, src := range s.Sources {
		if src.Stack == s.stack() || !src.FrontendEnabled {
			continue
		}
		others = append(others, infra.FrontendBucketPattern(src))
		if src.ImageRepositoryOwner {
			owners = append(owners, infra.FrontendBucketPattern(src))
		}
	}
	if len(owners) > 0 {
		return owners
	}
	return others
}
