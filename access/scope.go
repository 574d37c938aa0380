package access

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// PrincipalAccount is the policy variable for the caller's own account, so
// one printed policy is right in whichever account the role is created:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// (global condition keys, aws:PrincipalAccount among them, are variables).
const PrincipalAccount = "${aws:PrincipalAccount}"

// Scope is what one stack's policy is scoped to.
type Scope struct {
	// Project is the Pulumi project name (the state's key prefix).
	Project string
	// Config is the stack's configuration; its names and region scope
	// every resource statement.
	Config stacks.Config
	// Sources are the project's other stacks: promote into this stack
	// copies their verified frontend releases.
	Sources []stacks.Config
	// State is where the Pulumi state and kirikae's records live.
	State StateLocation
	// Account is the 12-digit account id; "" uses PrincipalAccount.
	Account string
}

// StateLocation is an S3 state backend: bucket and key prefix ("" or
// ending in "/").
type StateLocation struct {
	Bucket string
	Prefix string
}

// StateFromBackend reads the bucket and prefix of a Pulumi DIY S3 backend
// URL (s3://bucket[/prefix][?…]).
func StateFromBackend(backendURL string) (StateLocation, error) {
	u, err := url.Parse(backendURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return StateLocation{}, &BackendError{URL: backendURL}
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return StateLocation{Bucket: u.Host, Prefix: prefix}, nil
}

// BackendError is a backend that is not an S3 bucket: a role's policy
// needs the bucket its state lives in.
type BackendError struct{ URL string }

func (e *BackendError) Error() string {
	if e.URL == "" {
		return "print policy: no state backend: the policy grants the state bucket's objects, so it needs an s3:// backend"
	}
	return fmt.Sprintf("print policy: backend %q is not an S3 bucket: the policy grants the state bucket's objects, so it needs an s3:// backend", e.URL)
}

// Hint says what to pass.
func (e *BackendError) Hint() string {
	return "pass --backend s3://BUCKET[/PREFIX] (or set KIRIKAE_BACKEND), the backend the pipeline uses"
}

// BadInput: the user passes another flag; nothing ran.
func (e *BackendError) BadInput() bool { return true }

func (s Scope) account() string {
	if s.Account != "" {
		return s.Account
	}
	return PrincipalAccount
}

func (s Scope) region() string { return s.Config.Region }

func (s Scope) stack() string { return s.Config.Stack }

// arn builds arn:aws:<service>:<region>:<account>:<resource>.
func (s Scope) arn(service, resource string) string {
	return s.arnIn(s.region(), service, resource)
}

// arnIn is arn in another region than the stack's.
func (s Scope) arnIn(region, service, resource string) string {
	return "arn:aws:" + service + ":" + region + ":" + s.account() + ":" + resource
}

// globalARN is an ARN of a global service (IAM, CloudFront): no region.
func (s Scope) globalARN(service, resource string) string {
	return "arn:aws:" + service + "::" + s.account() + ":" + resource
}

func (s Scope) stateObjects(keys ...string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "arn:aws:s3:::"+s.State.Bucket+"/"+s.State.Prefix+k)
	}
	return out
}

// stackStateKeys are the keys one stack writes: Pulumi's DIY layout
// (.pulumi/stacks|history|backups/<project>/<stack>…, its update locks
// under the fixed organization "organization",
// https://www.pulumi.com/docs/iac/concepts/state-and-backends/#diy-backend)
// and kirikae's records beside it (package backend: .kirikae/<kind>/<project>/<stack>…).
// .pulumi/meta.yaml is the layout version the first Pulumi command writes
// into an empty bucket (ensurePulumiMeta in Pulumi's pkg/backend/diy/meta.go:
// https://github.com/pulumi/pulumi/blob/v3.274.1/pkg/backend/diy/meta.go),
// so a team's first deploy into a new state bucket can start.
func (s Scope) stackStateKeys() []string {
	p, st := s.Project, s.stack()
	return []string{
		".pulumi/meta.yaml",
		".pulumi/stacks/" + p + "/" + st + ".json*",
		".pulumi/history/" + p + "/" + st + "/*",
		".pulumi/backups/" + p + "/" + st + "/*",
		".pulumi/locks/organization/" + p + "/" + st + "/*",
		".kirikae/locks/" + p + "/" + st + ".json",
		".kirikae/releases/" + p + "/" + st + "/*",
		".kirikae/journal/" + p + "/" + st + "/*",
		".kirikae/freezes/" + p + "/" + st + "/*",
	}
}

// repositoryARN is the image repository in the account that owns it.
func (s Scope) repositoryARN() string {
	owner := s.account()
	if s.Config.ImageRegistryID != "" {
		owner = s.Config.ImageRegistryID
	}
	return "arn:aws:ecr:" + s.region() + ":" + owner + ":repository/" + s.Config.ImageRepository
}

func bucketARNs(pattern string) []string {
	return []string{"arn:aws:s3:::" + pattern, "arn:aws:s3:::" + pattern + "/*"}
}

// secretParameters are the SSM parameters the stack's secret keys refer to.
func (s Scope) secretParameters() []string {
	var out []string
	for _, key := range stacks.SecretKeys() {
		ref := s.Config.SecretOf(key).Ref
		switch {
		case ref == "":
		case strings.HasPrefix(ref, "arn:"):
			out = append(out, ref)
		case strings.HasPrefix(ref, "/"):
			out = append(out, s.arn("ssm", "parameter"+ref))
		default:
			out = append(out, s.arn("ssm", "parameter/"+ref))
		}
	}
	return out
}

func (s Scope) ecs() bool      { return s.Config.Backend == stacks.BackendECS }
func (s Scope) lambda() bool   { return s.Config.Backend == stacks.BackendLambda }
func (s Scope) frontend() bool { return s.Config.FrontendEnabled }

func (s Scope) base() string { return infra.BaseName(s.Config) }
