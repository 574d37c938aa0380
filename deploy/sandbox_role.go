package deploy

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// SandboxRoleEnv names the pipeline role (as `kirikae iam policy --role`
// takes it: preview, drift, deploy:STACK) a sandbox command runs as: every
// AWS call it makes in the sandbox account, through the endpoint or the
// provider, is made with a session of that role and authorised against
// the role's policies in the account. Unset: the account's administrator.
const SandboxRoleEnv = "KIRIKAE_SANDBOX_ROLE"

// sandboxCreds are the credentials of a command in the sandbox account.
type sandboxCreds struct {
	key, secret, token string
}

var (
	sandboxSessionsMu sync.Mutex
	sandboxSessions   = map[string]sandboxCreds{} // by account dir and role
)

// sandboxCredentials are the credentials this process acts as in the
// account kept in accountDir: the sandbox's own key, or under
// KIRIKAE_SANDBOX_ROLE a session of that role. A role the account does not
// hold yet is created first, as a team creates it from `kirikae iam
// policy` (one inline policy per stack it serves, named kirikae-STACK);
// an existing role keeps the policies it has, so a test (or a user) can
// try a narrower one.
func sandboxCredentials(projectDir, accountDir string) (sandboxCreds, error) {
	name := strings.TrimSpace(os.Getenv(SandboxRoleEnv))
	if name == "" {
		return sandboxCreds{key: sandbox.AccessKeyID, secret: sandbox.SecretAccessKey}, nil
	}
	if rest, ok := strings.CutPrefix(name, "deploy-"); ok {
		name = access.RoleDeployPrefix + rest // the IAM role's spelling
	}
	role, err := access.ParseRole(name)
	if err != nil {
		return sandboxCreds{}, fmt.Errorf("%s: %w", SandboxRoleEnv, err)
	}
	sandboxSessionsMu.Lock()
	defer sandboxSessionsMu.Unlock()
	if c, ok := sandboxSessions[accountDir+"\x00"+role.Name]; ok {
		return c, nil
	}
	acct, err := sandbox.OpenAccount(accountDir)
	if err != nil {
		return sandboxCreds{}, fmt.Errorf("open sandbox account: %w", err)
	}
	iamName := SandboxRoleName(role)
	has, err := acct.HasRole(iamName)
	if err != nil {
		return sandboxCreds{}, err
	}
	if !has {
		policies, err := SandboxRolePolicies(projectDir, role)
		if err != nil {
			return sandboxCreds{}, err
		}
		if err := acct.CreateRole(iamName, policies); err != nil {
			return sandboxCreds{}, fmt.Errorf("create sandbox role %s: %w", iamName, err)
		}
	}
	s, err := acct.AssumeRole(iamName, "kirikae")
	if err != nil {
		return sandboxCreds{}, err
	}
	c := sandboxCreds{key: s.AccessKeyID, secret: s.SecretAccessKey, token: s.SessionToken}
	sandboxSessions[accountDir+"\x00"+role.Name] = c
	return c, nil
}

// SandboxRoleName is the IAM role a pipeline role is in the sandbox
// account: kirikae-preview, kirikae-deploy-staging (docs/roles.md's names).
func SandboxRoleName(r access.Role) string {
	return "kirikae-" + strings.ReplaceAll(r.Name, ":", "-")
}

// SandboxRolePolicies are the inline policies of a pipeline role in the
// sandbox account, exactly as `kirikae iam policy` prints them: one per
// stack the role serves (a deploy role its own stack, preview and drift
// every stack), named kirikae-STACK.
func SandboxRolePolicies(projectDir string, r access.Role) (map[string]string, error) {
	names, err := stacks.Stacks(projectDir)
	if err != nil {
		return nil, fmt.Errorf("list stacks: %w", err)
	}
	var all []stacks.Config
	for _, n := range names {
		cfg, err := stacks.Load(projectDir, n)
		if err != nil {
			return nil, err
		}
		all = append(all, cfg)
	}
	project, err := stacks.ProjectName(projectDir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, cfg := range all {
		if r.Stack != "" && r.Stack != cfg.Stack {
			continue
		}
		// The scope `kirikae iam policy` builds: the other stacks are
		// the promote sources.
		var sources []stacks.Config
		for _, src := range all {
			if src.Stack != cfg.Stack {
				sources = append(sources, src)
			}
		}
		p, err := access.Generate(r, access.Scope{Project: project, Config: cfg, Sources: sources,
			State: access.StateLocation{Bucket: SandboxStateBucket}})
		if err != nil {
			return nil, err
		}
		raw, err := p.JSON()
		if err != nil {
			return nil, err
		}
		out["kirikae-"+cfg.Stack] = string(raw)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s=%s: the project has no stack %q", SandboxRoleEnv, r.Name, r.Stack)
	}
	return out, nil
}
