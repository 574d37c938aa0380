# shellcheck shell=bash
# Shared by the scripts in scripts/ci: the pipeline's commands live here, not
# in the workflow YAML, so the same steps run on a laptop against the sandbox
# (KIRIKAE_CI_FLAGS=--sandbox) and on a GitHub runner against AWS.
#
# Knobs (environment):
#   CI_OUT            where plans, previews and build outputs go (default out/ci)
#   RELEASE_TAG       image tag and frontend release of this commit
#                     (default: the first 12 characters of GITHUB_SHA or HEAD)
#   KIRIKAE_BIN       a built kirikae binary; otherwise built once into CI_OUT
#   KIRIKAE_CI_FLAGS  extra global flags for every kirikae call, e.g. --sandbox
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"

CI_OUT="${CI_OUT:-out/ci}"
mkdir -p "$CI_OUT"

# release_tag names everything this commit builds: the image tag in ECR, the
# frontend release and the version baked into the binaries. One value, so
# staging and product can be compared by it.
release_tag() {
  if [ -n "${RELEASE_TAG:-}" ]; then
    printf '%s\n' "$RELEASE_TAG"
    return
  fi
  local sha="${GITHUB_SHA:-$(git rev-parse HEAD)}"
  printf '%s\n' "${sha:0:12}"
}

# build_kirikae builds the CLI from this checkout once per script (unless
# KIRIKAE_BIN names one), so every step of a job runs the same binary instead
# of a `go run` per call.
build_kirikae() {
  if [ -z "${KIRIKAE_BIN:-}" ]; then
    KIRIKAE_BIN="$CI_OUT/kirikae"
    go build -o "$KIRIKAE_BIN" ./cmd
  fi
}

kirikae() {
  # KIRIKAE_CI_FLAGS is a list of words on purpose (e.g. "--sandbox").
  # shellcheck disable=SC2086
  "$KIRIKAE_BIN" ${KIRIKAE_CI_FLAGS:-} "$@"
}

# summary appends a file to the GitHub job summary when there is one.
summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
}

# output sets a step output (key=value) on a runner; locally it prints it.
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
  printf '%s=%s\n' "$1" "$2"
}

# Where the stack files read the workload from (kirikae:frontendDir and the
# zip kirikae:lambdaArtifact should name; app/lambda/README.md).
FRONTEND_DIR="${FRONTEND_DIR:-web/dist}"
LAMBDA_ZIP="${LAMBDA_ZIP:-.kirikae/build/lambda.zip}"

# install_release puts the artifacts build-artifacts.sh made (downloaded into
# CI_OUT/release by the deploy jobs) where the stack reads them, after
# checking they belong to this commit: a job must never deploy another
# commit's build under this commit's tag.
install_release() {
  local dir="$CI_OUT/release" want got
  want="$(release_tag)"
  got="$(cat "$dir/RELEASE" 2>/dev/null || true)"
  if [ "$got" != "$want" ]; then
    echo "release artifacts in $dir are for '${got:-nothing}', this run deploys '$want': run build-artifacts.sh for this commit" >&2
    return 2
  fi
  rm -rf "$FRONTEND_DIR"
  mkdir -p "$(dirname "$FRONTEND_DIR")" "$(dirname "$LAMBDA_ZIP")"
  cp -R "$dir/web-dist" "$FRONTEND_DIR"
  cp "$dir/lambda.zip" "$LAMBDA_ZIP"
}
