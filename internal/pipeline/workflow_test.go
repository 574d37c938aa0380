package pipeline

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const repoRoot = "../.."

// pinnedPulumi reads the CLI version kirikae builds (tools/pulumi/go.mod),
// the one deploy.PulumiVersion names too (deploy's tests keep those equal).
func pinnedPulumi(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "tools", "pulumi", "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/pulumi/pulumi/pkg/v3 v(\S+)`).FindSubmatch(data)
	require.NotNil(t, m, "tools/pulumi/go.mod requires pkg/v3")
	return string(m[1])
}

// TestRepositoryWorkflows runs every rule on .github/workflows: this is the
// test that fails when a change lets pull-request code near a deploy role or
// a passphrase, unpins an action, and so on.
func TestRepositoryWorkflows(t *testing.T) {
	repo := os.DirFS(repoRoot)
	ws, err := Load(repo)
	require.NoError(t, err)
	for _, f := range Check(ws, Options{Repo: repo, PulumiVersion: pinnedPulumi(t)}) {
		t.Error(f)
	}

	// The rules above only bite if the pull-request workflow is seen as
	// reachable and the deploy ones are not.
	reach := Reachable(ws)
	files := map[string]*Workflow{}
	for _, w := range ws {
		files[path.Base(w.File)] = w
	}
	for name, want := range map[string]bool{"pr.yml": true, "deploy.yml": false, "drift.yml": false} {
		w, ok := files[name]
		require.True(t, ok, "workflow %s exists", name)
		assert.Equal(t, want, reach[w.File], "%s reachable from a pull request", name)
	}

	// The deploy workflow deploys staging and product from their
	// environments, one concurrency group per stack, and promotes the
	// release the staging job reports.
	jobs := map[string]Job{}
	for _, j := range files["deploy.yml"].Jobs {
		jobs[j.ID] = j
	}
	for _, stack := range []string{"staging", "product"} {
		j, ok := jobs[stack]
		require.True(t, ok, "deploy.yml has a %s job", stack)
		assert.Equal(t, stack, j.Environment)
		require.NotNil(t, j.Concurrency, "%s job has a concurrency group", stack)
		assert.Equal(t, "kirikae-"+stack, j.Concurrency.Group)
		assert.Equal(t, "false", j.Concurrency.CancelInProgress)
	}
	var promote Step
	for _, s := range jobs["product"].Steps {
		if strings.Contains(s.Run, "promote.sh") {
			promote = s
		}
	}
	require.NotEmpty(t, promote.Run, "product job runs promote.sh")
	assert.Contains(t, scalar(get(promote.Env, "RELEASE")), "needs.staging.outputs.release")

	// The build job bootstraps the repository before it pushes (a new
	// account has none), and builds the image for the stack's platform.
	order := map[string]int{}
	var push Step
	for i, s := range jobs["build"].Steps {
		for _, script := range []string{"platform.sh", "bootstrap.sh"} {
			if strings.Contains(s.Run, script) {
				order[script] = i + 1
			}
		}
		if strings.HasPrefix(s.Uses, "docker/build-push-action@") {
			push, order["push"] = s, i+1
		}
	}
	require.NotZero(t, order["push"], "build job pushes the image")
	require.NotZero(t, order["bootstrap.sh"], "build job runs bootstrap.sh")
	assert.Less(t, order["bootstrap.sh"], order["push"], "bootstrap before the push")
	assert.Equal(t, "${{ steps.platform.outputs.platform }}", push.With["platforms"], "the platform of kirikae:cpuArchitecture")
	require.NotZero(t, order["platform.sh"])
	assert.Less(t, order["platform.sh"], order["push"])
}

const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"

// goodPR is a pull-request workflow that passes every rule; the cases below
// each break one.
const goodPR = `on: pull_request
permissions: {}
jobs:
  preview:
    runs-on: ubuntu-latest
    permissions: {contents: read, id-token: write}
    steps:
      - uses: actions/checkout@` + sha + ` # v7.0.1
        with: {persist-credentials: false}
      - uses: pulumi/actions@` + sha + ` # v7.0.0
        with: {pulumi-version: 3.274.1}
      - uses: aws-actions/configure-aws-credentials@` + sha + ` # v6.2.3
        with: {role-to-assume: "${{ vars.AWS_PREVIEW_ROLE_ARN }}", aws-region: us-east-1}
      - run: ./scripts/ci/preview.sh
`

// goodDeploy passes every rule: the deploy role and passphrase in the job of
// their own environment, the passphrase only on the step.
const goodDeploy = `on:
  push:
    branches: [main]
permissions: {}
jobs:
  staging:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: staging
    concurrency: {group: kirikae-staging, cancel-in-progress: false}
    permissions: {contents: read, id-token: write}
    steps:
      - uses: aws-actions/configure-aws-credentials@` + sha + ` # v6.2.3
        with: {role-to-assume: "${{ vars.AWS_STAGING_ROLE_ARN }}", aws-region: us-east-1}
      - run: ./scripts/ci/preview.sh
        env:
          PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}
`

// goodBuild skips the image build only on image-exists.sh's word and
// records the digest of every push.
const goodBuild = `on:
  push:
    branches: [main]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: {contents: read}
    steps:
      - id: exists
        run: ./scripts/ci/image-exists.sh
      - id: push
        if: steps.exists.outputs.found != 'true'
        uses: docker/build-push-action@` + sha + ` # v7.3.0
        with: {push: true}
      - if: steps.exists.outputs.found != 'true'
        run: ./scripts/ci/record-image.sh
        env:
          DIGEST: ${{ steps.push.outputs.digest }}
`

func TestRules(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // workflow file name → content
		want  []string          // rules that must fire, and only those
	}{
		{"good pull request", map[string]string{"pr.yml": goodPR}, nil},
		{"good deploy", map[string]string{"deploy.yml": goodDeploy}, nil},
		{"no top-level permissions", map[string]string{"pr.yml": strings.Replace(goodPR, "permissions: {}\n", "", 1)}, []string{RuleTopPermissions}},
		{"top-level permissions granted", map[string]string{"pr.yml": strings.Replace(goodPR, "permissions: {}", "permissions: {contents: read}", 1)}, []string{RuleTopPermissions}},
		{"action on a tag", map[string]string{"pr.yml": strings.Replace(goodPR, "checkout@"+sha, "checkout@v4", 1)}, []string{RulePinned}},
		{"action on a short SHA", map[string]string{"pr.yml": strings.Replace(goodPR, "checkout@"+sha, "checkout@"+sha[:12], 1)}, []string{RulePinned}},
		{"pinned action without version comment", map[string]string{"pr.yml": strings.Replace(goodPR, " # v7.0.1", "", 1)}, []string{RulePinned}},
		{"docker image on a tag", map[string]string{"pr.yml": goodPR + "      - uses: docker://alpine:3.20\n"}, []string{RulePinned}},
		{"checkout keeps credentials", map[string]string{"pr.yml": strings.Replace(goodPR, "with: {persist-credentials: false}", "with: {fetch-depth: 0}", 1)}, []string{RuleCheckout}},
		{"checkout persists credentials", map[string]string{"pr.yml": strings.Replace(goodPR, "persist-credentials: false", "persist-credentials: true", 1)}, []string{RuleCheckout}},
		{"workflow cancels in progress", map[string]string{"pr.yml": strings.Replace(goodPR, "permissions: {}\n", "permissions: {}\nconcurrency: {group: pr, cancel-in-progress: true}\n", 1)}, []string{RuleCancel}},
		{"job cancels by expression", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "cancel-in-progress: false", "cancel-in-progress: \"${{ github.ref != 'refs/heads/main' }}\"", 1)}, []string{RuleCancel}},
		{"pull request assumes the staging role", map[string]string{"pr.yml": strings.Replace(goodPR, "AWS_PREVIEW_ROLE_ARN", "AWS_STAGING_ROLE_ARN", 1)}, []string{RulePRSecrets, RuleRoleEnvironment, RuleRoleWorkflow, RuleDeployFromMain}},
		{"pull request reads the product role by index", map[string]string{"pr.yml": strings.Replace(goodPR, "vars.AWS_PREVIEW_ROLE_ARN", "vars['AWS_PRODUCT_ROLE_ARN']", 1)}, []string{RulePRSecrets, RuleRoleEnvironment, RuleRoleWorkflow, RuleDeployFromMain}},
		{"deploy job runs from any branch", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "    if: github.ref == 'refs/heads/main'\n", "", 1)}, []string{RuleDeployFromMain}},
		{"deploy job guarded by another ref", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "refs/heads/main'", "refs/heads/release'", 1)}, []string{RuleDeployFromMain}},
		{"deploy role in another workflow", map[string]string{"release.yml": goodDeploy}, []string{RuleRoleWorkflow}},
		{"drift with the preview role", map[string]string{"drift.yml": strings.Replace(goodPR, "on: pull_request", "on: schedule", 1)}, []string{RuleRoleWorkflow}},
		{"pull request gets the passphrase", map[string]string{"pr.yml": goodPR + "        env: {PULUMI_CONFIG_PASSPHRASE: \"${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\"}\n"}, []string{RulePRSecrets}},
		{"pull_request_target dumps every secret", map[string]string{"pr.yml": strings.Replace(goodPR, "on: pull_request", "on: [pull_request_target]", 1) + "        env: {ALL: \"${{ toJSON(secrets) }}\"}\n"}, []string{RulePRSecrets}},
		{"pull request job in product", map[string]string{"pr.yml": strings.Replace(goodPR, "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    environment: {name: product}\n", 1)}, []string{RulePREnvironment}},
		{"pull request calls a deploy workflow", map[string]string{
			"pr.yml":     goodPR + "  deploy:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n",
			"deploy.yml": strings.Replace(strings.Replace(goodDeploy, "staging", "product", -1), "STAGING", "PRODUCT", 1),
		}, []string{RulePRSecrets, RulePREnvironment}},
		{"pull request job writes and checks out", map[string]string{"pr.yml": strings.Replace(goodPR, "permissions: {contents: read, id-token: write}", "permissions: {contents: read, pull-requests: write}", 1)}, []string{RulePRWriteIsolation}},
		{"passphrase for the whole job", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "    permissions: {contents: read, id-token: write}\n", "    permissions: {contents: read, id-token: write}\n    env: {PULUMI_CONFIG_PASSPHRASE: \"${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\"}\n", 1)}, []string{RulePassphraseEnv}},
		{"passphrase for the whole workflow", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "permissions: {}\n", "permissions: {}\nenv:\n  PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\n", 1)}, []string{RulePassphraseEnv}},
		{"product role in the staging job", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "AWS_STAGING_ROLE_ARN", "AWS_PRODUCT_ROLE_ARN", 1)}, []string{RuleRoleEnvironment}},
		{"multi-line run", map[string]string{"deploy.yml": strings.Replace(goodDeploy, "      - run: ./scripts/ci/preview.sh\n", "      - run: |\n          go test ./...\n          ./scripts/ci/preview.sh\n", 1)}, []string{RuleRunScripts}},
		{"run calls a missing script", map[string]string{"pr.yml": strings.Replace(goodPR, "preview.sh", "previw.sh", 1)}, []string{RuleRunScripts}},
		{"run calls a script that is not executable", map[string]string{"pr.yml": strings.Replace(goodPR, "preview.sh", "lib.sh", 1)}, []string{RuleRunScripts}},
		{"good build", map[string]string{"deploy.yml": goodBuild}, nil},
		{"build skipped when the tag exists", map[string]string{"deploy.yml": strings.Replace(goodBuild, "run: ./scripts/ci/image-exists.sh", "run: aws ecr describe-images --repository-name api --image-ids imageTag=t", 1)}, []string{RuleBuildSkip}},
		{"pushed digest not recorded", map[string]string{"deploy.yml": strings.Replace(goodBuild, "steps.push.outputs.digest", "steps.exists.outputs.digest", 1)}, []string{RuleBuildSkip}},
		{"another Pulumi CLI", map[string]string{"pr.yml": strings.Replace(goodPR, "pulumi-version: 3.274.1", "pulumi-version: ^3", 1)}, []string{RulePulumiVersion}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := fstest.MapFS{
				"scripts/ci/preview.sh":      {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
				"scripts/ci/lib.sh":          {Data: []byte("# sourced\n"), Mode: 0o644},
				"scripts/ci/image-exists.sh": {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
				"scripts/ci/record-image.sh": {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
			}
			for name, text := range c.files {
				repo[path.Join(WorkflowDir, name)] = &fstest.MapFile{Data: []byte(text), Mode: 0o644}
			}
			ws, err := Load(repo)
			require.NoError(t, err)
			findings := Check(ws, Options{Repo: repo, PulumiVersion: "3.274.1"})
			got := map[string]bool{}
			for _, f := range findings {
				got[f.Rule] = true
				assert.NotEmpty(t, f.String())
			}
			var rules []string
			for r := range got {
				rules = append(rules, r)
			}
			sort.Strings(rules)
			want := append([]string(nil), c.want...)
			sort.Strings(want)
			assert.Equal(t, want, rules, "findings: %v", findings)
		})
	}
}

func TestParseForms(t *testing.T) {
	w, err := Parse("x.yml", []byte(`on:
  pull_request:
  push: {branches: [main]}
permissions: {}
concurrency: one-group
jobs:
  a:
    runs-on: ubuntu-latest
    environment: {name: product, url: "https://example.com"}
    concurrency: {group: g, cancel-in-progress: false}
    steps:
      - uses: actions/checkout@`+sha+` # v7.0.1
  b:
    uses: ./.github/workflows/other.yml
`))
	require.NoError(t, err)
	assert.Equal(t, []string{"pull_request", "push"}, w.Triggers)
	assert.Equal(t, &Concurrency{Group: "one-group"}, w.Concurrency)
	require.Len(t, w.Jobs, 2)
	assert.Equal(t, "a", w.Jobs[0].ID)
	assert.Equal(t, "product", w.Jobs[0].Environment)
	assert.Equal(t, &Concurrency{Group: "g", CancelInProgress: "false"}, w.Jobs[0].Concurrency)
	assert.Equal(t, "# v7.0.1", w.Jobs[0].Steps[0].UsesComment)
	assert.Equal(t, "./.github/workflows/other.yml", w.Jobs[1].Uses)

	_, err = Parse("bad.yml", []byte("on: push\n"))
	assert.ErrorContains(t, err, "no jobs")
	_, err = Parse("bad.yml", []byte("- a list\n"))
	assert.ErrorContains(t, err, "not a mapping")
}

// TestREADMEDescribesEveryJob keeps docs/pipeline.md (the README's "In
// CI/CD" section, moved there) and the workflows from drifting apart: each
// workflow file and each job id must be named there (as `id`).
func TestREADMEDescribesEveryJob(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "docs", "pipeline.md"))
	require.NoError(t, err)
	section := readmeSection("\n"+string(data), "# In CI/CD")
	require.NotEmpty(t, section, "docs/pipeline.md has an '# In CI/CD' section")
	ws, err := Load(os.DirFS(repoRoot))
	require.NoError(t, err)
	for _, w := range ws {
		assert.Contains(t, section, path.Base(w.File), "docs/pipeline.md names workflow %s", w.File)
		for _, j := range w.Jobs {
			assert.Contains(t, section, "`"+j.ID+"`", "docs/pipeline.md describes job %s of %s", j.ID, w.File)
		}
	}
}

func TestReadmeSection(t *testing.T) {
	doc := "# t\n## A\na\n## In CI/CD\nx\n### sub\ny\n## B\nb\n"
	assert.Equal(t, "x\n### sub\ny\n", readmeSection(doc, "## In CI/CD"))
	assert.Equal(t, "", readmeSection(doc, "## Missing"))
}

// readmeSection returns the text after heading up to the next heading of the
// same level.
func readmeSection(doc, heading string) string {
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		return ""
	}
	rest := doc[start+len(heading)+2:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		return rest[:end+1]
	}
	return rest
}
