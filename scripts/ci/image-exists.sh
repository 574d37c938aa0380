#!/usr/bin/env bash
# The build job's first step: is this release's image already in ECR? The
# tag is the tree hash and the repository's tags are immutable, so a commit
# with the same files as an earlier one (a revert, an empty commit) reuses
# that image instead of failing to push it again. Sets the step output
# `found` to true or false.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

tag="$(release_tag)"
if aws ecr describe-images --repository-name "${ECR_REPOSITORY:?}" \
  --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  output found true
else
  output found false
fi
