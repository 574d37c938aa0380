#!/usr/bin/env bash
# The `reviewed` job: find the pull request this push merged and download
# the `preview` artifact of its pr.yml run for the pull request's head
# (preview.md, plans/<stack>.json, plans/TREE) into CI_OUT/reviewed. The
# staging job applies those plans only when plans/TREE is the merge commit's
# tree, so the files that were previewed are exactly the files deployed, and
# the plans were written by that same code.
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
head="$(gh api "repos/$repo/commits/$GITHUB_SHA/pulls" \
  --jq '[.[] | select(.merged_at != null)][0].head.sha // empty')"
if [ -z "$head" ]; then
  note "no merged pull request for $GITHUB_SHA: staging previews again"
  exit 0
fi
run="$(gh run list --repo "$repo" --workflow pr.yml --commit "$head" --status success \
  --limit 1 --json databaseId --jq '.[0].databaseId // empty')"
if [ -z "$run" ]; then
  note "no successful pull-request preview for $head: staging previews again"
  exit 0
fi
if ! gh run download "$run" --repo "$repo" --name preview --dir "$dest"; then
  note "the preview artifact of run $run is gone: staging previews again"
  exit 0
fi
note "reviewed plans from pull-request run $run (head $head, tree $(cat "$dest/plans/TREE" 2>/dev/null || echo none))"
