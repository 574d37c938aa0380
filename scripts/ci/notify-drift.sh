#!/usr/bin/env bash
# Tell the team about a failed nightly drift run: one open issue titled
# DRIFT_TITLE, with a comment per failed night, instead of a new issue each
# time. Needs GH_TOKEN with issues: write, GITHUB_REPOSITORY and a run URL.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

title="${DRIFT_TITLE:-Nightly drift check failed}"
run_url="${RUN_URL:-${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID:-}}"
body="The nightly \`kirikae drift\` run failed: $run_url (its job summary lists each drifted resource). Run \`kirikae drift --stack <stack>\` to see it, then either \`kirikae up\` to put the stack back or change the program to match."

number="$(gh issue list --repo "$GITHUB_REPOSITORY" --state open --search "in:title \"$title\"" \
  --json number,title --jq ".[] | select(.title == \"$title\") | .number" | head -n 1)"
if [ -n "$number" ]; then
  gh issue comment "$number" --repo "$GITHUB_REPOSITORY" --body "$body"
else
  gh issue create --repo "$GITHUB_REPOSITORY" --title "$title" --body "$body"
fi
