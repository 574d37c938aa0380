package ecr

import (
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Cross-account pulls. A repository belongs to its account's registry;
// another account reaches it by the registry's id (in an image reference
// the host's first label, in an ECR call registryId) and only as far as
// the repository's policy allows that account.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html#IAM_allow_other_accounts

// PullActions are what pulling an image takes: the manifest, then its
// layers.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html
var PullActions = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// OtherRegistry returns the state of registry registryID as account caller
// may use repository in it for actions: RepositoryNotFoundException when
// no sandbox account has the id or the account has no such repository,
// AccessDeniedException when the repository's policy does not let
// caller's account do every one of actions.
func OtherRegistry(caller, registryID, repository string, actions ...string) (*core.State, string, error) {
	st, dir, ok := core.AccountState(registryID)
	if !ok {
		return nil, "", repositoryNotFound((&core.State{AccountID: registryID}), repository)
	}
	repo, err := Repository(st, repository)
	if err != nil {
		return nil, "", err
	}
	doc, perr := ParsePolicy(RepositoryPolicy(st, repository)) // none: only the owner
	for _, a := range actions {
		if perr != nil || !doc.Allows(caller, a) {
			return nil, "", accessDenied(caller, a, core.StrOf(repo, "arn"))
		}
	}
	return st, dir, nil
}

// RegistryOfImage is the account id an ECR image reference's host names
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/…), "" for other registries.
func RegistryOfImage(ref string) string {
	host, _, _ := strings.Cut(ref, "/")
	id, rest, ok := strings.Cut(host, ".")
	if !ok || !strings.HasPrefix(rest, "dkr.ecr.") {
		return ""
	}
	return id
}

// PullDenied is how the ECS agent reports a registry that refused the
// pull: the manifest request comes back 403 (or the repository is not
// found in that registry).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
func PullDenied(image string, err error) string {
	host, _, _ := strings.Cut(image, "/")
	code := ErrorCode(err)
	if code == "AccessDeniedException" {
		return CannotPull(image, fmt.Sprintf("pulling from host %s failed with status code [manifests]: 403 Forbidden: %v", host, err))
	}
	return CannotPull(image, err.Error())
}

// crossAccount wraps a read-only ECR operation so that a request naming
// another account's registry (registryId) is answered from that
// registry, as far as the repository's policy lets this account do
// action; without registryId, or with this account's own, it is the
// caller's registry as before.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html#ECR-DescribeImages-request-registryId
func crossAccount(action string, op core.JSONOp) core.JSONOp {
	return func(st *core.State, in []byte) (any, error) {
		var req struct {
			RegistryID      string   `json:"registryId"`
			RepositoryName  string   `json:"repositoryName"`
			RepositoryNames []string `json:"repositoryNames"`
		}
		if err := core.Decode(in, &req); err != nil {
			return nil, err
		}
		if req.RegistryID == "" || req.RegistryID == st.AccountID {
			return op(st, in)
		}
		names := req.RepositoryNames
		if req.RepositoryName != "" {
			names = []string{req.RepositoryName}
		}
		if len(names) == 0 {
			// Listing another registry would show repositories no policy
			// opened; name them instead.
			return nil, accessDenied(st.AccountID, action,
				fmt.Sprintf("arn:aws:ecr:*:%s:repository/*", req.RegistryID))
		}
		var other *core.State
		for _, n := range names {
			o, _, err := OtherRegistry(st.AccountID, req.RegistryID, n, action)
			if err != nil {
				return nil, err
			}
			other = o
		}
		return op(other, in)
	}
}

// crossAccountWrite refuses a change to another account's registry: the
// sandbox only reads other accounts (taking their locks while holding
// ours could deadlock), and kirikae never writes there.
func crossAccountWrite(op core.JSONOp) core.JSONOp {
	return func(st *core.State, in []byte) (any, error) {
		var req struct {
			RegistryID string `json:"registryId"`
		}
		if err := core.Decode(in, &req); err != nil {
			return nil, err
		}
		if req.RegistryID != "" && req.RegistryID != st.AccountID {
			return nil, core.UnknownOperation("BatchDeleteImage in another account's registry (" + req.RegistryID + ")")
		}
		return op(st, in)
	}
}

// CannotPull is the stopped reason ECS gives a task whose image is missing.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
func CannotPull(image, why string) string {
	return fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: %s", image, why)
}

// NoPlatformMatch is the stopped reason of a task whose runtimePlatform
// (platform, e.g. linux/amd64) matches no platform the image was pushed
// for: the agent finds no manifest for it in the image.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
func NoPlatformMatch(platform string) string {
	return fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform '%s'", platform)
}
