#!/usr/bin/env bash
# The staging job: apply this commit's release to staging through a plan,
# and print the id of the release staging now runs as the step output
# `release` so the product job promotes that release and no other.
#
# Which plan: when REVIEWED_PLANS holds the plans of the pull request this
# push merged (pr.yml's `preview` artifact) and its TREE is this commit's
# tree, the plan reviewed in the pull request is applied, exactly: `up
# --plan` refuses (exit 2, nothing changed) if staging, its stack file or
# kirikae moved since the review. Otherwise (a direct push, a merge that
# brought other changes, or FRESH_PLAN=1 from a manual run after a refusal)
# the job previews again and applies that plan, shown in the job summary.
#
# kirikae up verifies the release after the switch and switches back by
# itself when a check fails (exit 1); the job then fails and nothing is
# promoted.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

stack="${STACK:-staging}"
tag="$(release_tag)"
build_kirikae
install_release "$stack"
# The tag still holds the image the build job recorded (record-image.sh):
# refused (exit 2) if someone deleted it and pushed another since.
kirikae image check "$tag" --stack "$stack" >/dev/null

plan=""
reviewed="${REVIEWED_PLANS:-}"
if [ "${FRESH_PLAN:-0}" = 1 ]; then
  note "FRESH_PLAN=1: previewing again instead of applying the pull request's reviewed plan"
elif [ -n "$reviewed" ] && [ -f "$reviewed/$stack.json" ]; then
  if [ "$(cat "$reviewed/TREE" 2>/dev/null)" = "$(tree_id)" ]; then
    plan="$reviewed/$stack.json"
    note "applying the plan reviewed in the pull request (tree $(tree_id))"
  else
    note "this commit's files differ from the reviewed pull request's: previewing again"
  fi
else
  note "no reviewed plan for this commit (a direct push?): previewing again"
fi

if [ -z "$plan" ]; then
  mkdir -p "$CI_OUT/plans"
  plan="$CI_OUT/plans/$stack.json"
  kirikae preview --stack "$stack" --markdown --image "$tag" --frontend-release "$tag" \
    --save-plan "$plan" >"$CI_OUT/$stack-preview.md"
  summary "$CI_OUT/$stack-preview.md"
fi

events="$CI_OUT/$stack-up.jsonl"
kirikae up --stack "$stack" --image "$tag" --frontend-release "$tag" --plan "$plan" \
  --yes --json -m "ci $tag" | tee "$events"

# The release this run recorded (`"kind":"deployed"`, view/JSON.md). An up
# with nothing to change records none; then the live release must already
# be this commit's, verified.
id="$(jq -r 'select(.kind == "deployed") | .release.id' "$events" | tail -n 1)"
if [ -z "$id" ]; then
  id="$(kirikae releases --stack "$stack" --json |
    jq -r --arg tag "$tag" '.releases[] | select(.live and .imageTag == $tag and .verified == "passed") | .id' |
    head -n 1)"
fi
if [ -z "$id" ]; then
  echo "no verified $stack release of $tag found after up: not promoting" >&2
  exit 1
fi
output release "$id"
