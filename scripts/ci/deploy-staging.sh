#!/usr/bin/env bash
# The staging job: preview this commit's release on staging (saved as the
# plan the job summary shows), apply exactly that plan, and print the id of
# the release staging now runs as the step output `release` so the product
# job promotes that release and no other.
#
# kirikae up verifies the release after the switch and switches back by
# itself when a check fails (exit 1); the job then fails and nothing is
# promoted.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

stack="${STACK:-staging}"
tag="$(release_tag)"
build_kirikae
install_release

mkdir -p "$CI_OUT/plans"
plan="$CI_OUT/plans/$stack.json"
kirikae preview --stack "$stack" --markdown --image "$tag" --frontend-release "$tag" \
  --save-plan "$plan" >"$CI_OUT/$stack-preview.md"
summary "$CI_OUT/$stack-preview.md"

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
