package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// imageRepository is where the stack's tasks pull from. There is one
// repository for every stack, so `promote` runs in product the very digest
// staging verified (a registry per stack would hold images product never
// received). The stack with kirikae:imageRepositoryOwner creates it; the
// others only refer to it, by name in their own account or in the
// registry of kirikae:imageRegistryId, which the owner opens to them with
// a repository policy (kirikae:imagePullAccounts).
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
type imageRepository struct {
	url pulumi.StringOutput
	arn pulumi.StringOutput
}

func (s *ecsService) imageRepository(ctx *pulumi.Context, cfg stacks.Config, account pulumi.StringOutput) (*imageRepository, error) {
	if !cfg.ImageRepositoryOwner {
		// A repository name is unique per account and region: creating it
		// again (second stack, same account) fails with
		// RepositoryAlreadyExistsException.
		// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
		registry := account
		if cfg.ImageRegistryID != "" {
			registry = pulumi.String(cfg.ImageRegistryID).ToStringOutput()
		}
		return &imageRepository{
			// https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
			url: registry.ApplyT(func(id string) string {
				return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", id, cfg.Region, cfg.ImageRepository)
			}).(pulumi.StringOutput),
			arn: registry.ApplyT(func(id string) string {
				return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", cfg.Region, id, cfg.ImageRepository)
			}).(pulumi.StringOutput),
		}, nil
	}
	repo, err := ecr.NewRepository(ctx, "repository", &ecr.RepositoryArgs{
		Name: pulumi.String(cfg.ImageRepository),
		// Immutable tags: a rollback to tag X must run the image that was
		// verified as X, not whatever was pushed under that tag later.
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
		Tags: tags(cfg),
	}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("create repository: %w", err)
	}
	lifecycle, err := lifecyclePolicy(cfg.KeepReleases)
	if err != nil {
		return nil, err
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, "repository-lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(lifecycle),
	}, pulumi.Parent(s)); err != nil {
		return nil, fmt.Errorf("create repository lifecycle policy: %w", err)
	}
	if len(cfg.ImagePullAccounts) > 0 {
		policy, err := pullPolicy(cfg.ImagePullAccounts)
		if err != nil {
			return nil, err
		}
		if _, err := ecr.NewRepositoryPolicy(ctx, "repository-pull", &ecr.RepositoryPolicyArgs{
			Repository: repo.Name,
			Policy:     pulumi.String(policy),
		}, pulumi.Parent(s)); err != nil {
			return nil, fmt.Errorf("create repository policy: %w", err)
		}
	}
	return &imageRepository{url: repo.RepositoryUrl, arn: repo.Arn}, nil
}

// pullPolicy lets the other accounts' principals pull images (their own
// IAM policies still have to allow it: the execution role's does), and
// describe them: kirikae's preflight in the pulling stack resolves the
// image's digest with DescribeImages in this registry, which a pull-only
// policy refuses (AccessDeniedException).
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html#IAM_allow_other_accounts
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
func pullPolicy(accounts []string) (string, error) {
	principals := make([]string, len(accounts))
	for i, a := range accounts {
		principals[i] = "arn:aws:iam::" + a + ":root"
	}
	return marshalPolicy(policyStatement{
		Sid:       "AllowPullFromOtherAccounts",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": principals},
		Action:    []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages"},
	})
}

// imagesPerRelease is how many images the repository keeps per release
// kirikae:keepReleases keeps: each release runs one image, and builds that
// never became a release (a failed staging deploy) push images too.
const imagesPerRelease = 3

// lifecyclePolicy expires the oldest images beyond imagesPerRelease ×
// keepReleases, so the repository does not grow forever while every image
// a kept release (a rollback target) runs stays. ECR applies it by push
// time, on its own schedule.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
func lifecyclePolicy(keepReleases int) (string, error) {
	keep := max(keepReleases, 2) * imagesPerRelease
	b, err := json.Marshal(map[string]any{"rules": []any{map[string]any{
		"rulePriority": 1,
		"description":  fmt.Sprintf("keep the newest %d images (%d per kept release)", keep, imagesPerRelease),
		"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
		"action":       map[string]any{"type": "expire"},
	}}})
	if err != nil {
		return "", fmt.Errorf("marshal lifecycle policy: %w", err)
	}
	return string(b), nil
}
