#!/usr/bin/env bash
# The test job: everything .ci/run checks (gofmt, vet, actionlint, the whole
# test suite with the pinned Pulumi CLI), then the stack files.
#
# On a GitHub runner the system packages .ci/run expects are installed with
# sudo first; elsewhere .ci/run installs or asks for them itself.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

# Debian/Ubuntu packages the checks use: shellcheck (actionlint runs it on
# every run: step) and qemu-user (the arm64 Lambda bootstrap in tests).
CI_APT_PACKAGES="${CI_APT_PACKAGES:-shellcheck qemu-user}"

missing=()
for pkg in $CI_APT_PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

./.ci/run
# The pipeline runs every stack with the empty passphrase (its secrets are
# SSM references): config check refuses any `secure:` value under it.
PULUMI_CONFIG_PASSPHRASE="" go run ./cmd config check
