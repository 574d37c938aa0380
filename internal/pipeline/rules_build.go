package pipeline

import (
	"fmt"
	"regexp"
	"strings"
)

// The scripts that decide and record the image build (scripts/ci).
const (
	imageExistsScript = "scripts/ci/image-exists.sh"
	recordImageScript = "scripts/ci/record-image.sh"
)

var stepOutput = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.`)

// checkBuildSkip: an image build that a condition can skip is skipped only
// on image-exists.sh's word (the tag holds the digest this pipeline
// recorded, `kirikae image check`), and every push records its digest
// (record-image.sh with the push step's digest output) so the next skip
// can be checked. A skip on "the tag exists" deploys whatever anyone with
// ECR push rights put under a pending pull request's tree hash.
func checkBuildSkip(w *Workflow) []Finding {
	var out []Finding
	for _, j := range w.Jobs {
		runs := map[string]string{} // step id → its run
		for _, s := range j.Steps {
			if s.ID != "" {
				runs[s.ID] = s.Run
			}
		}
		for i, s := range j.Steps {
			if !strings.HasPrefix(s.Uses, "docker/build-push-action@") || s.If == "" {
				continue
			}
			decided := false
			for _, m := range stepOutput.FindAllStringSubmatch(s.If, -1) {
				if strings.Contains(runs[m[1]], imageExistsScript) {
					decided = true
				}
			}
			if !decided {
				out = append(out, Finding{Rule: RuleBuildSkip, File: w.File, Job: j.ID, Line: s.Line,
					Message: fmt.Sprintf("the image build is skipped on a condition %s did not decide: an image under the tag that this pipeline did not push would be deployed", imageExistsScript)})
			}
			if !recordsDigest(j.Steps[i+1:], s.ID) {
				out = append(out, Finding{Rule: RuleBuildSkip, File: w.File, Job: j.ID, Line: s.Line,
					Message: fmt.Sprintf("the pushed digest is not recorded: add a later step running %s with DIGEST: ${{ steps.<push id>.outputs.digest }}", recordImageScript)})
			}
		}
	}
	return out
}

// recordsDigest: one of steps runs record-image.sh with the digest output
// of the push step id.
func recordsDigest(steps []Step, id string) bool {
	if id == "" {
		return false
	}
	for _, s := range steps {
		if strings.Contains(s.Run, recordImageScript) &&
			strings.Contains(scalar(get(s.Env, "DIGEST")), "steps."+id+".outputs.digest") {
			return true
		}
	}
	return false
}
