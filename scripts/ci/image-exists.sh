#!/usr/bin/env bash
# The build job's first step: may the image build be skipped? The tag is
# the tree hash and the repository's tags are immutable, so a commit with
# the same files as an earlier one (a revert, an empty commit) reuses the
# image the pipeline built for it. Only that image: anyone who can push to
# ECR can push a tag nobody took yet (a pending pull request's tree hash),
# so the tag must hold the digest record-image.sh recorded when this
# pipeline pushed it (`kirikae image check`, docs/pipeline.md); any other
# image under the tag fails the job (exit 2), naming it. Sets the step
# output `found` to true or false.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

tag="$(release_tag)"
build_kirikae
found="$(kirikae image check "$tag" --stack "${STACK:-staging}" --json | jq -r .found)"
output found "$found"
