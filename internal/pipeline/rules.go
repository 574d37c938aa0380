package pipeline

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DeployRoles maps each repository variable holding a deploy role ARN to the
// only environment whose jobs may use it. The roles' trust policies accept
// only that environment's OIDC subject (docs/pipeline.md); this keeps the
// workflows honest about it too.
var DeployRoles = map[string]string{
	"AWS_STAGING_ROLE_ARN": "staging",
	"AWS_PRODUCT_ROLE_ARN": "product",
}

// prEvents are the triggers that run a workflow for a pull request.
// workflow_run counts because it can follow a pull-request workflow and then
// runs with the base repository's secrets: the classic way PR output reaches
// credentials.
var prEvents = map[string]bool{"pull_request": true, "pull_request_target": true, "workflow_run": true}

// Rule names, as reported in findings.
const (
	RuleTopPermissions   = "top-permissions"
	RulePinned           = "pinned-actions"
	RuleCheckout         = "checkout-credentials"
	RuleCancel           = "cancel-in-progress"
	RulePRSecrets        = "pr-deploy-secrets"
	RulePREnvironment    = "pr-environment"
	RulePRWriteIsolation = "pr-write-isolation"
	RulePassphraseEnv    = "passphrase-step-env"
	RuleRoleEnvironment  = "role-environment"
	RuleRunScripts       = "run-scripts"
	RulePulumiVersion    = "pulumi-version"
	RuleRoleWorkflow     = "role-workflow"
	RuleDeployFromMain   = "deploy-from-main"
	RuleBuildSkip        = "build-skip-recorded"
)

// Options are what the rules need beyond the workflows themselves.
type Options struct {
	// Repo is the repository, for checking that run: steps call scripts
	// that exist and are executable; nil skips that.
	Repo fs.FS
	// PulumiVersion is the pinned CLI version pulumi/actions must install;
	// "" skips that.
	PulumiVersion string
}

// Finding is one broken rule.
type Finding struct {
	Rule    string
	File    string
	Job     string // "" for the workflow itself
	Line    int
	Message string
}

func (f Finding) String() string {
	where := f.File
	if f.Line > 0 {
		where += fmt.Sprintf(":%d", f.Line)
	}
	if f.Job != "" {
		where += " job " + f.Job
	}
	return fmt.Sprintf("%s: %s [%s]", where, f.Message, f.Rule)
}

var (
	// contextRef finds secrets.X, vars.X, secrets['X'] and a bare secrets
	// (e.g. toJSON(secrets)) in any expression or if: condition.
	contextRef = regexp.MustCompile(`\b(secrets|vars)\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\s*\[\s*'([^']*)'\s*\])?`)
	pinnedUses = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	pinnedDock = regexp.MustCompile(`^docker://[^@]+@sha256:[0-9a-f]{64}$`)
	versionTag = regexp.MustCompile(`^#\s*v[0-9]+(\.[0-9]+){0,2}\b`)
	ciScript   = regexp.MustCompile(`(?:\./)?(scripts/ci/[A-Za-z0-9_.-]+)`)
)

// ref is one secrets/vars reference.
type ref struct {
	context string // "secrets" or "vars"
	name    string // "" for the whole context
	node    *yaml.Node
}

func refs(n *yaml.Node) []ref {
	var out []ref
	scalars(n, func(s *yaml.Node) {
		for _, m := range contextRef.FindAllStringSubmatch(s.Value, -1) {
			out = append(out, ref{context: m[1], name: m[2] + m[3], node: s})
		}
	})
	return out
}

func isPassphrase(r ref) bool {
	return r.context == "secrets" && strings.Contains(strings.ToUpper(r.name), "PASSPHRASE")
}

// deployRole returns the environment a deploy-role variable belongs to.
func deployRole(r ref) (string, bool) {
	if r.context != "vars" {
		return "", false
	}
	env, ok := DeployRoles[r.name]
	return env, ok
}

// Check runs every rule on the workflows and returns what they find.
func Check(ws []*Workflow, o Options) []Finding {
	reach := Reachable(ws)
	var out []Finding
	for _, w := range ws {
		out = append(out, checkTopPermissions(w)...)
		out = append(out, checkPinned(w)...)
		out = append(out, checkCheckout(w)...)
		out = append(out, checkCancel(w)...)
		out = append(out, checkPassphraseEnv(w)...)
		out = append(out, checkRoleEnvironment(w)...)
		out = append(out, checkRoleWorkflow(w)...)
		out = append(out, checkDeployFromMain(w)...)
		out = append(out, checkBuildSkip(w)...)
		out = append(out, checkRunScripts(w, o.Repo)...)
		out = append(out, checkPulumiVersion(w, o.PulumiVersion)...)
		if reach[w.File] {
			out = append(out, checkPRSecrets(w)...)
			out = append(out, checkPREnvironment(w)...)
			out = append(out, checkPRWriteIsolation(w)...)
		}
	}
	return out
}

// Reachable names the workflows (by File) whose jobs can run for a pull
// request: those a pull-request event triggers and the local reusable
// workflows they call, transitively. Every job of such a workflow counts as
// reachable whatever its if: says; conditions are not analysed, so a job
// that must never see pull-request code belongs in a workflow that a pull
// request cannot trigger.
func Reachable(ws []*Workflow) map[string]bool {
	reach := map[string]bool{}
	for _, w := range ws {
		for _, t := range w.Triggers {
			if prEvents[t] {
				reach[w.File] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, w := range ws {
			if !reach[w.File] {
				continue
			}
			for _, j := range w.Jobs {
				if !strings.HasPrefix(j.Uses, "./") {
					continue
				}
				called := path.Clean(strings.SplitN(strings.TrimPrefix(j.Uses, "./"), "@", 2)[0])
				if !reach[called] {
					reach[called] = true
					changed = true
				}
			}
		}
	}
	return reach
}

func checkTopPermissions(w *Workflow) []Finding {
	p := w.Permissions
	if p != nil && p.Kind == yaml.MappingNode && len(p.Content) == 0 {
		return nil
	}
	return []Finding{{Rule: RuleTopPermissions, File: w.File,
		Message: "top-level permissions must be {} so that each job asks for exactly what it needs"}}
}

func checkPinned(w *Workflow) []Finding {
	var out []Finding
	check := func(job, uses, comment string, line int) {
		switch {
		case uses == "" || strings.HasPrefix(uses, "./"):
		case strings.HasPrefix(uses, "docker://"):
			if !pinnedDock.MatchString(uses) {
				out = append(out, Finding{Rule: RulePinned, File: w.File, Job: job, Line: line,
					Message: fmt.Sprintf("%s is not pinned to an image digest (@sha256:…)", uses)})
			}
		case !pinnedUses.MatchString(uses):
			out = append(out, Finding{Rule: RulePinned, File: w.File, Job: job, Line: line,
				Message: fmt.Sprintf("%s is not pinned to a full 40-hex commit SHA", uses)})
		case !versionTag.MatchString(comment):
			out = append(out, Finding{Rule: RulePinned, File: w.File, Job: job, Line: line,
				Message: fmt.Sprintf("%s has no '# vX.Y.Z' comment naming the release the SHA is", uses)})
		}
	}
	for _, j := range w.Jobs {
		check(j.ID, j.Uses, j.UsesComment, j.node.Line)
		for _, s := range j.Steps {
			check(j.ID, s.Uses, s.UsesComment, s.Line)
		}
	}
	return out
}

func checkCheckout(w *Workflow) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "actions/checkout@") && s.With["persist-credentials"] != "false" {
				out = append(out, Finding{Rule: RuleCheckout, File: w.File, Job: j.ID, Line: s.Line,
					Message: "checkout without persist-credentials: false leaves the job's token in .git/config for every later step"})
			}
		}
	}
	return out
}

func checkCancel(w *Workflow) []Finding {
	var out []Finding
	bad := func(c *Concurrency) bool {
		return c != nil && c.CancelInProgress != "" && c.CancelInProgress != "false"
	}
	if bad(w.Concurrency) {
		out = append(out, Finding{Rule: RuleCancel, File: w.File,
			Message: "cancel-in-progress must be false: a cancelled update leaves a stack locked and half-applied"})
	}
	for _, j := range w.Jobs {
		if bad(j.Concurrency) {
			out = append(out, Finding{Rule: RuleCancel, File: w.File, Job: j.ID,
				Message: "cancel-in-progress must be false: a cancelled update leaves a stack locked and half-applied"})
		}
	}
	return out
}
