package sandbox

import "strings"

// pulledVersion is what a task pulling image reference version by digest
// reports: a sandbox image is a program built with its tag baked in
// (`kirikae sandbox push-image TAG`), so the program of digest D reports
// the tag D was pushed with. A digest no repository holds stays as it is
// (ECS would fail to pull it). Interim, until tasks run the image's
// program and the front door asks the program itself.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html
func (st *state) pulledVersion(version string) string {
	if !strings.HasPrefix(version, "sha256:") {
		return version
	}
	for _, images := range st.Images {
		for _, im := range images {
			if im.Digest == version && len(im.Tags) > 0 {
				return im.Tags[0]
			}
		}
	}
	return version
}
