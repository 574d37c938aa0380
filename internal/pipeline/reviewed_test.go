package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGH answers the GitHub API calls of reviewed-plans.sh from fixture
// files (the API path, '/', '?', '&' and '=' made '_', plus .json), applying
// the --jq filter with jq as gh does, and "downloads" artifact-<run>.
const fakeGH = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_GH_LOG"
case "$1" in
api)
  path="$2"; shift 2; expr="."
  while [ $# -gt 0 ]; do case "$1" in --jq) expr="$2"; shift 2 ;; *) shift ;; esac; done
  key="$(printf '%s' "$path" | tr '/?&=' '____')"
  jq -r "$expr" "$FAKE_GH_DIR/$key.json" ;;
run)
  run="$3"; dir=""
  while [ $# -gt 0 ]; do case "$1" in --dir) dir="$2"; shift 2 ;; *) shift ;; esac; done
  [ -d "$FAKE_GH_DIR/artifact-$run" ] || exit 1
  cp -R "$FAKE_GH_DIR/artifact-$run/." "$dir/" ;;
esac
`

func ghKey(path string) string {
	return strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(path)
}

// The staging job applies only a plan the preview job of this repository's
// pr.yml wrote on a pull_request run: not a fork's, not another workflow's,
// not a run whose preview job was skipped.
func TestReviewedPlansAcceptOnlyThePreviewJobsArtifact(t *testing.T) {
	const (
		pulls = `[{"merged_at": "2026-12-06T10:00:00Z", "head": {"sha": "h1", "repo": {"full_name": "%s"}}}]`
		run   = `{"id": %s, "path": ".github/workflows/%s", "event": "%s", "head_repository": {"full_name": "%s"}}`
	)
	runs := func(items ...string) string { return `{"workflow_runs": [` + strings.Join(items, ",") + `]}` }
	mk := func(id, file, event, repo string) string {
		out := run
		for _, v := range []string{id, file, event, repo} {
			out = strings.Replace(out, "%s", v, 1)
		}
		return out
	}
	for _, c := range []struct {
		name      string
		prRepo    string
		runs      string
		preview   string // conclusion of run 13's preview job
		wantRun   string // the run downloaded, "" none
		wantNotes string
	}{
		{"the preview job's artifact of a same-repository pull request", "acme/shop",
			runs(mk("11", "other.yml", "pull_request", "acme/shop"), mk("12", "pr.yml", "pull_request", "fork/shop"), mk("13", "pr.yml", "pull_request", "acme/shop")),
			"success", "13", "reviewed plans from pull-request run 13"},
		{"a fork's pull request", "fork/shop",
			runs(mk("13", "pr.yml", "pull_request", "acme/shop")), "success", "", "came from fork/shop, not acme/shop"},
		{"only a fork's run and another workflow", "acme/shop",
			runs(mk("11", "other.yml", "pull_request", "acme/shop"), mk("12", "pr.yml", "pull_request", "fork/shop")), "success", "", "no successful pull-request preview"},
		{"a pull_request_target run", "acme/shop",
			runs(mk("13", "pr.yml", "pull_request_target", "acme/shop")), "success", "", "no successful pull-request preview"},
		{"the preview job was skipped", "acme/shop",
			runs(mk("13", "pr.yml", "pull_request", "acme/shop")), "skipped", "", "preview job of run 13 did not succeed (skipped)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newScriptRun(t)
			bin := filepath.Join(r.dir, "bin")
			require.NoError(t, os.MkdirAll(bin, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755))
			fixtures := filepath.Join(r.dir, "gh")
			write := func(name, text string) {
				p := filepath.Join(fixtures, name)
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
				require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
			}
			write(ghKey("repos/acme/shop/commits/m1/pulls")+".json", strings.Replace(pulls, "%s", c.prRepo, 1))
			write(ghKey("repos/acme/shop/actions/runs?event=pull_request&status=success&head_sha=h1")+".json", c.runs)
			write(ghKey("repos/acme/shop/actions/runs/13/jobs")+".json", `{"jobs": [{"name": "test", "conclusion": "success"}, {"name": "preview", "conclusion": "`+c.preview+`"}]}`)
			for _, id := range []string{"11", "12", "13"} {
				write("artifact-"+id+"/plans/TREE", "tree-of-run-"+id+"\n")
			}
			code, out := r.run("reviewed-plans.sh", []string{
				"PATH=" + bin + ":" + os.Getenv("PATH"), "FAKE_GH_DIR=" + fixtures, "FAKE_GH_LOG=" + filepath.Join(r.dir, "gh.log"),
				"GITHUB_REPOSITORY=acme/shop", "GITHUB_SHA=m1",
			})
			require.Equal(t, 0, code, out)
			assert.Contains(t, out, c.wantNotes)
			tree := r.read("out/reviewed/plans/TREE")
			if c.wantRun == "" {
				assert.Empty(t, tree, "no plan was taken")
				return
			}
			assert.Equal(t, "tree-of-run-"+c.wantRun+"\n", tree)
		})
	}
}
