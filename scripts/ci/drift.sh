#!/usr/bin/env bash
# The drift job: compare one stack's live resources with its state
# (`kirikae drift`: a refresh in preview mode). Exit 0: nothing drifted;
# exit 3: something did, listed in the output and the job summary; any other
# code: the check itself failed.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

stack="${1:?usage: drift.sh STACK}"
build_kirikae
report="$CI_OUT/drift-$stack.txt"
rc=0
kirikae drift --stack "$stack" >"$report" 2>&1 || rc=$?
cat "$report"
{
  case "$rc" in
    0) printf '### %s: no drift\n\n' "$stack" ;;
    3) printf '### %s: drift found\n\n' "$stack" ;;
    *) printf '### %s: drift check failed (exit %s)\n\n' "$stack" "$rc" ;;
  esac
  printf '```\n'
  cat "$report"
  printf '```\n'
} >"$report.md"
summary "$report.md"
exit "$rc"
