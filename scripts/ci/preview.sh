#!/usr/bin/env bash
# Preview each stack given (default: staging product) as markdown, saving the
# reviewed plan of each with --save-plan, into CI_OUT:
#
#   CI_OUT/preview.md            every stack's preview, one after the other
#                                (the pull-request comment and job summary)
#   CI_OUT/plans/<stack>.json    what was reviewed, for `up --plan`
#   CI_OUT/plans/TREE            the tree hash the previews were made from:
#                                the deploy applies these plans only to a
#                                merge commit with exactly these files
#
# With WITH_RELEASE=1 the previews include this commit's release values
# (--image/--frontend-release RELEASE_TAG), as the deploy does: the pull
# request workflow sets it, so the reviewed plan is the release the merge will
# deploy (its image is built after the merge, under the same tree-hash tag).
# It then also builds this commit's Lambda zip and frontend and puts them
# where each stack reads them, as the deploy does: both builds are
# reproducible, so the plan reviewed here names the bytes the deploy ships.
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "$0")/lib.sh"

stacks=("$@")
[ "${#stacks[@]}" -gt 0 ] || stacks=(staging product)

release=()
if [ "${WITH_RELEASE:-0}" = 1 ]; then
  tag="$(release_tag)"
  release=(--image "$tag" --frontend-release "$tag")
fi

build_kirikae
if [ "${WITH_RELEASE:-0}" = 1 ]; then
  "$REPO_ROOT/scripts/ci/build-artifacts.sh"
  install_release "${stacks[@]}"
fi
mkdir -p "$CI_OUT/plans"
tree_id >"$CI_OUT/plans/TREE"
: >"$CI_OUT/preview.md"
for stack in "${stacks[@]}"; do
  kirikae preview --stack "$stack" --markdown "${release[@]}" \
    --save-plan "$CI_OUT/plans/$stack.json" >>"$CI_OUT/preview.md"
  printf '\n' >>"$CI_OUT/preview.md"
done
summary "$CI_OUT/preview.md"
cat "$CI_OUT/preview.md"
