#!/usr/bin/env bash
# The build job's platform step: the OCI platform the image is built for
# (docker buildx --platform), from the stack's kirikae:cpuArchitecture, the
# one its task definitions declare as runtimePlatform. Sets the step output
# `platform` (linux/arm64 or linux/amd64).
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

build_kirikae
output platform "$(kirikae config platform --stack "${STACK:-staging}")"
