#!/usr/bin/env bash
# The `reviewed` job: find the pull request this push merged and download
# the `preview` artifact of its pr.yml run for the pull request's head
# (preview.md, plans/<stack>.json, plans/TREE) into CI_OUT/reviewed. The
# staging job applies those plans only when plans/TREE is the merge commit's
# tree, so the files that were previewed are exactly the files deployed, and
# the plans were written by that same code.
#
# Only a plan the `preview` job wrote is accepted: from a pull_request run
# of this repository's pr.yml (not a fork's, not another workflow's, not a
# pull_request_target run) whose preview job succeeded (a run where it was
# skipped also "succeeds"). Anything else is ignored, and staging previews
# again.
#
# Finding none (a direct push, no successful preview, an expired artifact) is
# not an error: the staging job previews again and says so.
# Needs GH_TOKEN with `actions: read` and `pull-requests: read`.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

dest="$CI_OUT/reviewed"
rm -rf "$dest"
mkdir -p "$dest"
# The artifact the staging job downloads is never empty.
printf 'reviewed plans of %s\n' "${GITHUB_SHA:?}" >"$dest/README"

repo="${GITHUB_REPOSITORY:?}"
# https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit
pr="$(gh api "repos/$repo/commits/$GITHUB_SHA/pulls" \
  --jq '[.[] | select(.merged_at != null)][0] // empty | "\(.head.sha) \(.head.repo.full_name)"')"
if [ -z "$pr" ]; then
  note "no merged pull request for $GITHUB_SHA: staging previews again"
  exit 0
fi
head="${pr%% *}"
from="${pr#* }"
if [ "$from" != "$repo" ]; then
  note "the merged pull request came from $from, not $repo: its plan is not trusted, staging previews again"
  exit 0
fi
# https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
run="$(gh api "repos/$repo/actions/runs?event=pull_request&status=success&head_sha=$head" \
  --jq "[.workflow_runs[] | select(.path == \".github/workflows/pr.yml\" and .event == \"pull_request\" and .head_repository.full_name == \"$repo\")][0].id // empty")"
if [ -z "$run" ]; then
  note "no successful pull-request preview of $repo for $head: staging previews again"
  exit 0
fi
# https://docs.github.com/en/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run
job="$(gh api "repos/$repo/actions/runs/$run/jobs" \
  --jq '[.jobs[] | select(.name == "preview")][0].conclusion // empty')"
if [ "$job" != success ]; then
  note "the preview job of run $run did not succeed (${job:-absent}): staging previews again"
  exit 0
fi
if ! gh run download "$run" --repo "$repo" --name preview --dir "$dest"; then
  note "the preview artifact of run $run is gone: staging previews again"
  exit 0
fi
note "reviewed plans from pull-request run $run (head $head, tree $(cat "$dest/plans/TREE" 2>/dev/null || echo none))"
