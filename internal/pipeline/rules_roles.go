package pipeline

import (
	"fmt"
	"path"
	"strings"

	"github.com/kirikae/kirikae/access"
)

// RoleWorkflows maps each role variable to the one workflow file whose jobs
// the role's trust policy accepts (`kirikae iam trust`: the sub claim names
// job_workflow_ref, docs/roles.md). A role used elsewhere would be refused
// by AWS at the first run; this finds it in review.
var RoleWorkflows = map[string]string{
	"AWS_STAGING_ROLE_ARN": path.Base(access.DeployWorkflow),
	"AWS_PRODUCT_ROLE_ARN": path.Base(access.DeployWorkflow),
	"AWS_PREVIEW_ROLE_ARN": path.Base(access.PRWorkflow),
	"AWS_DRIFT_ROLE_ARN":   path.Base(access.DriftWorkflow),
}

// mainOnly is the condition that keeps a job to main: workflow_dispatch
// starts a workflow on any branch the dispatcher picks.
const mainOnly = "github.ref == '" + access.MainRef + "'"

func checkRoleWorkflow(w *Workflow) []Finding {
	var out []Finding
	file := path.Base(w.File)
	for _, j := range w.Jobs {
		for _, r := range refs(j.node) {
			want, ok := RoleWorkflows[r.name]
			if r.context != "vars" || !ok || want == file {
				continue
			}
			out = append(out, Finding{Rule: RuleRoleWorkflow, File: w.File, Job: j.ID, Line: r.node.Line,
				Message: fmt.Sprintf("vars.%s in %s: its trust policy accepts only %s's jobs (kirikae iam trust)", r.name, file, want)})
		}
	}
	return out
}

// checkDeployFromMain: a job holding a deploy role runs only for main, even
// when dispatched by hand. The trust policy says the same (job_workflow_ref
// at refs/heads/main), and so should each environment's deployment branch
// rule (docs/roles.md): three locks, any one of which stops a branch.
func checkDeployFromMain(w *Workflow) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		uses := false
		for _, r := range refs(j.node) {
			if _, ok := deployRole(r); ok {
				uses = true
			}
		}
		if uses && !strings.Contains(strings.ReplaceAll(j.If, `"`, "'"), mainOnly) {
			out = append(out, Finding{Rule: RuleDeployFromMain, File: w.File, Job: j.ID, Line: j.node.Line,
				Message: fmt.Sprintf("job holds a deploy role without `if: %s`: a dispatch from another branch would deploy it", mainOnly)})
		}
	}
	return out
}
