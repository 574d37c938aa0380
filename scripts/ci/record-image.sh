#!/usr/bin/env bash
# The build job's step after the push: record the digest this build pushed
# under this commit's tag (DIGEST, docker/build-push-action's `digest`
# output), so a later run skips the build only for this image
# (image-exists.sh). kirikae refuses (exit 2) when ECR holds another digest
# under the tag than the one the build pushed.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

if [ -z "${DIGEST:-}" ]; then
  echo "DIGEST is empty: pass the digest the image build pushed (docker/build-push-action's digest output)" >&2
  exit 2
fi
tag="$(release_tag)"
build_kirikae
kirikae image record "$tag" --digest "$DIGEST" --stack "${STACK:-staging}"
