package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
)

func newIAMCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "iam",
		Short: "Print the IAM policies of the pipeline's roles (docs/roles.md)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newIAMPolicyCmd(f), newIAMTrustCmd(f))
	return cmd
}

type iamOpts struct {
	role    string
	repo    string
	account string
}

func newIAMPolicyCmd(f *factory) *cobra.Command {
	o := &iamOpts{}
	cmd := &cobra.Command{
		Use:   "policy --stack STACK --role ROLE",
		Short: "Print the permission policy a role needs for a stack",
		Long: `Print the IAM permission policy of one role, derived from what kirikae and
the stack's program call in AWS and scoped to the stack's resources and its
state in the backend's bucket. Roles: deploy:STACK (deploy, rollback,
promote into STACK, push its image), preview (reads state, resolves the
image; writes nothing), drift (reads live resources, notifies).

Without --json it prints the policy document itself (for
aws iam put-role-policy --policy-document); --json adds the role, the stack
and what each statement is for.`,
		Example: "  kirikae iam policy --stack staging --role deploy:staging --backend s3://my-team-state\n" +
			"  kirikae iam policy --stack product --role preview --backend s3://my-team-state --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.runIAMPolicy(o) },
	}
	cmd.Flags().StringVar(&o.role, "role", "", "deploy:STACK, preview or drift")
	cmd.Flags().StringVar(&o.account, "account", "", "12-digit account id (default: ${aws:PrincipalAccount}, the role's own)")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func newIAMTrustCmd(f *factory) *cobra.Command {
	o := &iamOpts{}
	cmd := &cobra.Command{
		Use:   "trust --role ROLE --repo OWNER/NAME",
		Short: "Print the GitHub OIDC trust policy of a role",
		Long: `Print who may assume the role: GitHub Actions jobs of OWNER/NAME, a deploy
role only from its environment in main's deploy workflow, the preview role
only from pr.yml on this repository's pull requests, the drift role only from
main's drift workflow. The subjects assume the repository's customised
subject template (repo, context, job_workflow_ref; docs/roles.md).`,
		Example: "  kirikae iam trust --role deploy:staging --repo my-org/my-service --account 111122223333",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return f.runIAMTrust(o) },
	}
	cmd.Flags().StringVar(&o.role, "role", "", "deploy:STACK, preview or drift")
	cmd.Flags().StringVar(&o.repo, "repo", "", "the GitHub repository, OWNER/NAME")
	cmd.Flags().StringVar(&o.account, "account", "", "12-digit id of the account holding the OIDC provider (default: ACCOUNT_ID)")
	_ = cmd.MarkFlagRequired("role")
	_ = cmd.MarkFlagRequired("repo")
	return cmd
}

// iamPolicyJSON is `iam policy --json`.
type iamPolicyJSON struct {
	Role       string        `json:"role"`
	Stack      string        `json:"stack"`
	Statements []iamWhy      `json:"statements"`
	Policy     access.Policy `json:"policy"`
}

type iamWhy struct {
	Sid string `json:"sid"`
	Why string `json:"why"`
}

func (f *factory) runIAMPolicy(o *iamOpts) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	role, err := access.ParseRole(o.role)
	if err != nil {
		return err
	}
	scope, err := f.accessScope(o.account)
	if err != nil {
		return err
	}
	p, err := access.Generate(role, scope)
	if err != nil {
		return err
	}
	if !f.globals.JSON {
		return f.writePolicy(p)
	}
	out := iamPolicyJSON{Role: role.Name, Stack: scope.Config.Stack, Policy: p, Statements: []iamWhy{}}
	for _, sid := range p.Sids() {
		out.Statements = append(out.Statements, iamWhy{Sid: sid, Why: access.Explain(sid)})
	}
	return f.writeJSON(out)
}

func (f *factory) runIAMTrust(o *iamOpts) error {
	role, err := access.ParseRole(o.role)
	if err != nil {
		return err
	}
	p, err := access.Trust(role, o.repo, o.account)
	if err != nil {
		return err
	}
	return f.writePolicy(p)
}

// accessScope loads the stack and the project's other stacks (promote
// sources) and reads the state bucket from --backend (with --sandbox
// alone, the sandbox's state bucket).
func (f *factory) accessScope(account string) (access.Scope, error) {
	cfg, err := stacks.Load(f.globals.Cwd, f.globals.Stack)
	if err != nil {
		return access.Scope{}, err
	}
	// The sandbox's state is its own bucket (deploy.SandboxStateBucket):
	// the policy printed is the one KIRIKAE_SANDBOX_ROLE enforces.
	state := access.StateLocation{Bucket: deploy.SandboxStateBucket}
	if !f.globals.Sandbox || f.globals.Backend != "" {
		if state, err = access.StateFromBackend(f.globals.Backend); err != nil {
			return access.Scope{}, err
		}
	}
	names, err := stacks.Stacks(f.globals.Cwd)
	if err != nil {
		return access.Scope{}, fmt.Errorf("list stacks: %w", err)
	}
	project, err := stacks.ProjectName(f.globals.Cwd)
	if err != nil {
		return access.Scope{}, err
	}
	scope := access.Scope{Project: project, Config: cfg, State: state, Account: account}
	for _, name := range names {
		if name == cfg.Stack {
			continue
		}
		src, err := stacks.Load(f.globals.Cwd, name)
		if err != nil {
			return access.Scope{}, err
		}
		scope.Sources = append(scope.Sources, src)
	}
	return scope, nil
}

func (f *factory) writePolicy(p access.Policy) error {
	b, err := p.JSON()
	if err != nil {
		return err
	}
	_, err = f.io.Out.Write(b)
	return err
}

func (f *factory) writeJSON(v any) error {
	enc := json.NewEncoder(f.io.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return nil
}
