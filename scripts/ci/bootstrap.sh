#!/usr/bin/env bash
# The build job's first step against the cloud: create what the stack's
# first pipeline run needs before anything is pushed (its image repository
# and the repository's policies), so the first push to a new account finds
# its repository. Cheap and changes nothing when they exist.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

build_kirikae
kirikae bootstrap --stack "${STACK:-staging}" --yes
