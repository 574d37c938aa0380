#!/usr/bin/env bash
# Build this commit's Lambda zip and frontend once and collect them under
# CI_OUT/release for the jobs that deploy them, which put them where each
# stack reads them (install_release in lib.sh); the image is built by
# docker/build-push-action. The zip's bootstrap is built for the stack's
# kirikae:cpuArchitecture, the architecture its function declares.
#
# ASSUMPTION (adjust the two commands below if the app's build tool moves):
# the example workload is built with `go run ./build/cmd/artifact`, whose
# `lambda` command writes the zip and `frontend` command writes web/dist.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

tag="$(release_tag)"
build_kirikae
goarch="$(kirikae config platform --stack "${STACK:-staging}" --json | jq -r .goarch)"
out="$CI_OUT/release"
rm -rf "$out"
mkdir -p "$out"

go run ./build/cmd/artifact lambda -version "$tag" -goarch "$goarch" -out "$out/lambda.zip"
go run ./build/cmd/artifact frontend -src web/src -out "$out/web-dist"

printf '%s\n' "$tag" >"$out/RELEASE"
echo "built release $tag into $out"
