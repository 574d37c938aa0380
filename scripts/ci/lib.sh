# shellcheck shell=bash
# Shared by the scripts in scripts/ci: the pipeline's commands live here, not
# in the workflow YAML, so the same steps run on a laptop against the sandbox
# (KIRIKAE_CI_FLAGS=--sandbox) and on a GitHub runner against AWS.
#
# Knobs (environment):
#   CI_OUT            where plans, previews and build outputs go (default out/ci)
#   RELEASE_TAG       image tag and frontend release of this commit
#                     (default: the first 12 characters of HEAD's tree hash)
#   KIRIKAE_BIN       a built kirikae binary; otherwise built once into CI_OUT
#   KIRIKAE_CI_FLAGS  extra global flags for every kirikae call, e.g. --sandbox
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"

CI_OUT="${CI_OUT:-out/ci}"
mkdir -p "$CI_OUT"

# release_tag names everything this commit builds: the image tag in ECR, the
# frontend release and the version baked into the binaries. One value, so
# staging and product can be compared by it. It is the *tree* hash, not the
# commit's: a pull request's head and the merge commit that has the same
# files build the same release, which is what lets the deploy apply the plan
# reviewed in the pull request (tree_id, deploy-staging.sh).
release_tag() {
  if [ -n "${RELEASE_TAG:-}" ]; then
    printf '%s\n' "$RELEASE_TAG"
    return
  fi
  local tree
  tree="$(tree_id)"
  printf '%s\n' "${tree:0:12}"
}

# tree_id is the hash of the checked-out commit's files (git's tree object).
tree_id() {
  git rev-parse 'HEAD^{tree}'
}

# build_kirikae builds the CLI from this checkout once per script (unless
# KIRIKAE_BIN names one), so every step of a job runs the same binary instead
# of a `go run` per call.
build_kirikae() {
  if [ -z "${KIRIKAE_BIN:-}" ]; then
    KIRIKAE_BIN="$CI_OUT/kirikae"
    # Reproducible: the same files give the same binary (no VCS stamp, no
    # build paths), so a plan reviewed by the pull request's build matches
    # the merge commit's build when their trees are equal.
    go build -trimpath -buildvcs=false -o "$KIRIKAE_BIN" ./cmd
  fi
  export KIRIKAE_BIN # the scripts one script runs use the same binary
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

# note says which path a job took, on its log and in the job summary.
note() {
  printf '%s\n' "$1"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '%s\n\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
}

# output sets a step output (key=value) on a runner; locally it prints it.
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
  printf '%s=%s\n' "$1" "$2"
}

# stack_value prints the value kirikae reads for a key of a stack (the stack
# file's, or the key's default): where the stack reads what the pipeline
# builds comes from the stack file alone, never from a second path here.
stack_value() {
  kirikae config get "$2" --stack "$1"
}

# install_release STACK... puts the artifacts build-artifacts.sh made
# (downloaded into CI_OUT/release by the deploy jobs) where each stack reads
# them (kirikae:frontendDir, kirikae:lambdaArtifact), after checking they
# belong to this commit: a job must never deploy another commit's build
# under this commit's tag.
install_release() {
  local dir="$CI_OUT/release" want got stack frontend artifact
  want="$(release_tag)"
  got="$(cat "$dir/RELEASE" 2>/dev/null || true)"
  if [ "$got" != "$want" ]; then
    echo "release artifacts in $dir are for '${got:-nothing}', this run deploys '$want': run build-artifacts.sh for this commit" >&2
    return 2
  fi
  for stack in "$@"; do
    frontend="$(stack_value "$stack" kirikae:frontendDir)"
    rm -rf "$frontend"
    mkdir -p "$(dirname "$frontend")"
    cp -R "$dir/web-dist" "$frontend"
    artifact="$(stack_value "$stack" kirikae:lambdaArtifact)"
    case "$artifact" in
      s3://*)
        note "$stack reads its Lambda code from $artifact: upload $dir/lambda.zip there before this job (it does not)"
        ;;
      *.zip)
        mkdir -p "$(dirname "$artifact")"
        cp "$dir/lambda.zip" "$artifact"
        ;;
      *)
        if [ "$(stack_value "$stack" kirikae:backend)" = lambda ]; then
          echo "$stack's kirikae:lambdaArtifact is '$artifact', not a .zip: the pipeline builds a zip; set it to the path the zip goes (e.g. dist/lambda.zip)" >&2
          return 2
        fi
        ;;
    esac
  done
}
