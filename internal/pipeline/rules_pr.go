package pipeline

import (
	"fmt"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkPRSecrets: a job a pull request can run must not be able to obtain a
// deploy role or a stack passphrase, by name or through the whole secrets
// context (toJSON(secrets), secrets: inherit). Workflow-level env counts
// for every job.
func checkPRSecrets(w *Workflow) []Finding {
	var out []Finding
	scan := func(job string, n *yaml.Node) {
		for _, r := range refs(n) {
			var what string
			if env, ok := deployRole(r); ok {
				what = fmt.Sprintf("the %s deploy role (vars.%s)", env, r.name)
			} else if isPassphrase(r) {
				what = fmt.Sprintf("a stack passphrase (secrets.%s)", r.name)
			} else if r.context == "secrets" && r.name == "" {
				what = "the whole secrets context"
			} else {
				continue
			}
			out = append(out, Finding{Rule: RulePRSecrets, File: w.File, Job: job, Line: r.node.Line,
				Message: "reachable from a pull request but can obtain " + what})
		}
	}
	scan("", w.Env)
	for _, j := range w.Jobs {
		scan(j.ID, j.node)
		if s := get(j.node, "secrets"); s != nil && s.Kind == yaml.ScalarNode && s.Value == "inherit" {
			out = append(out, Finding{Rule: RulePRSecrets, File: w.File, Job: j.ID, Line: s.Line,
				Message: "reachable from a pull request but passes every secret on (secrets: inherit)"})
		}
	}
	return out
}

// checkPREnvironment: an environment's secrets (the passphrase) and its OIDC
// subject (what a deploy role trusts) are only for jobs a pull request
// cannot start; product above all.
func checkPREnvironment(w *Workflow) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		if j.Environment == "" {
			continue
		}
		msg := fmt.Sprintf("uses environment %s, whose secrets and OIDC subject a pull request must never get", j.Environment)
		if j.Environment == "product" {
			msg = "uses environment product: a pull request could reach the product deploy role and passphrase"
		}
		out = append(out, Finding{Rule: RulePREnvironment, File: w.File, Job: j.ID, Line: j.node.Line, Message: msg})
	}
	return out
}

// checkPRWriteIsolation: in a pull-request workflow, a job that can write
// to the repository (comments, contents, …) runs no code from the pull
// request: no checkout, no run: step, no reusable workflow. id-token alone
// is not a write to the repository; what it reaches is the role's trust
// policy's business (the preview role is read-only).
func checkPRWriteIsolation(w *Workflow) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		scope := writeScope(j.Permissions)
		if scope == "" {
			continue
		}
		why := ""
		for _, s := range j.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "actions/checkout@"):
				why = "checks out code"
			case s.Run != "":
				why = "runs commands"
			}
			if why != "" {
				break
			}
		}
		if j.Uses != "" {
			why = "calls a workflow"
		}
		if why != "" {
			out = append(out, Finding{Rule: RulePRWriteIsolation, File: w.File, Job: j.ID, Line: j.node.Line,
				Message: fmt.Sprintf("has %s and %s: only a job that runs no pull-request code may write", scope, why)})
		}
	}
	return out
}

// writeScope names the first write permission other than id-token.
func writeScope(p *yaml.Node) string {
	if p == nil {
		return ""
	}
	if p.Kind == yaml.ScalarNode {
		if p.Value == "write-all" {
			return "write-all"
		}
		return ""
	}
	for i := 0; i+1 < len(p.Content); i += 2 {
		if p.Content[i].Value != "id-token" && p.Content[i+1].Value == "write" {
			return p.Content[i].Value + ": write"
		}
	}
	return ""
}

// checkPassphraseEnv: a passphrase is set only in the env: of the step
// that runs kirikae, never for a whole job or workflow (where every action
// of the job would see it) and never in with: or run: text.
func checkPassphraseEnv(w *Workflow) []Finding {
	var out []Finding
	allowed := map[*yaml.Node]bool{}
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			scalars(s.Env, func(n *yaml.Node) { allowed[n] = true })
		}
	}
	scan := func(job string, n *yaml.Node) {
		for _, r := range refs(n) {
			if isPassphrase(r) && !allowed[r.node] {
				out = append(out, Finding{Rule: RulePassphraseEnv, File: w.File, Job: job, Line: r.node.Line,
					Message: fmt.Sprintf("secrets.%s outside a step's env: set it only on the step that runs kirikae", r.name)})
			}
		}
	}
	scan("", w.Env)
	for _, j := range w.Jobs {
		scan(j.ID, j.node)
	}
	return out
}

// checkRoleEnvironment: a deploy role is assumed only in a job of its own
// environment, the subject its trust policy accepts.
func checkRoleEnvironment(w *Workflow) []Finding {
	var out []Finding
	for _, r := range refs(w.Env) {
		if _, ok := deployRole(r); ok {
			out = append(out, Finding{Rule: RuleRoleEnvironment, File: w.File, Line: r.node.Line,
				Message: fmt.Sprintf("vars.%s in workflow env: only a job of its environment may use it", r.name)})
		}
	}
	for _, j := range w.Jobs {
		for _, r := range refs(j.node) {
			if env, ok := deployRole(r); ok && j.Environment != env {
				out = append(out, Finding{Rule: RuleRoleEnvironment, File: w.File, Job: j.ID, Line: r.node.Line,
					Message: fmt.Sprintf("vars.%s in a job whose environment is %q, not %s", r.name, j.Environment, env)})
			}
		}
	}
	return out
}

// checkRunScripts: every run: is one line, so anything longer lives in
// scripts/ci where the local pipeline test runs it too; a script it names
// must exist and be executable.
func checkRunScripts(w *Workflow, repo fs.FS) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			run := strings.TrimSpace(s.Run)
			if strings.Contains(run, "\n") {
				out = append(out, Finding{Rule: RuleRunScripts, File: w.File, Job: j.ID, Line: s.Line,
					Message: "multi-line run: move it into a script under scripts/ci and call that"})
			}
			if repo == nil {
				continue
			}
			for _, m := range ciScript.FindAllStringSubmatch(run, -1) {
				info, err := fs.Stat(repo, m[1])
				switch {
				case err != nil:
					out = append(out, Finding{Rule: RuleRunScripts, File: w.File, Job: j.ID, Line: s.Line,
						Message: fmt.Sprintf("calls %s, which does not exist", m[1])})
				case info.Mode()&0o111 == 0:
					out = append(out, Finding{Rule: RuleRunScripts, File: w.File, Job: j.ID, Line: s.Line,
						Message: fmt.Sprintf("calls %s, which is not executable", m[1])})
				}
			}
		}
	}
	return out
}

// checkPulumiVersion: the CLI a runner installs is the one kirikae pins
// (tools/pulumi/go.mod); KIRIKAE_PULUMI requires that exact version.
func checkPulumiVersion(w *Workflow, want string) []Finding {
	if want == "" {
		return nil
	}
	var out []Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["pulumi-version"] != want {
				out = append(out, Finding{Rule: RulePulumiVersion, File: w.File, Job: j.ID, Line: s.Line,
					Message: fmt.Sprintf("pulumi/actions installs %q, kirikae pins %s", s.With["pulumi-version"], want)})
			}
		}
	}
	return out
}
