#!/usr/bin/env bash
# The product job: promote to product exactly the staging release this run
# deployed and verified (RELEASE, from the staging job's output). kirikae
# refuses (exit 2, nothing changed) when staging's release is another one by
# the time the approval arrives.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

if [ -z "${RELEASE:-}" ]; then
  echo "RELEASE is empty: pass the staging job's release id" >&2
  exit 2
fi
build_kirikae
install_release "${FROM:-staging}" "${TO:-product}"
kirikae promote --from "${FROM:-staging}" --to "${TO:-product}" --yes --release "$RELEASE"
