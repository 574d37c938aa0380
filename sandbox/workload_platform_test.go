package sandbox

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// programFor builds the test workload for linux/goarch.
func programFor(t *testing.T, version, goarch string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "program")
	require.NoError(t, build.Binary(t.Context(), filepath.Join("..", "internal", "testproject", "workload"), "linux", goarch, version, out))
	p, err := os.ReadFile(out)
	require.NoError(t, err)
	return p
}

// A task runs the image's manifest for its runtimePlatform: an arm64 task
// runs an image pushed for linux/arm64 (under qemu on this machine), and
// an image pushed only for linux/amd64 has no manifest for it: the task
// stops with CannotPullContainerError, the circuit breaker rolls back,
// and the previous image keeps serving.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
func TestECSTaskRunsOnlyAnImageForItsRuntimePlatform(t *testing.T) {
	if _, err := exec.LookPath("qemu-aarch64"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("qemu-aarch64 not installed (CI is unset)")
		}
		t.Fatalf("qemu-aarch64 not installed; CI needs it to run arm64 tasks (Debian package qemu-user)")
	}
	h := newHarness(t)
	s := newECSStack(t, h, "")
	s.runtimePlatform = map[string]any{"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}
	_, err := ecr.PushImage(h.acct, "app", "v1", "linux/arm64", programFor(t, "v1", "arm64"))
	require.NoError(t, err)
	_, err = ecr.PushImage(h.acct, "app", "v2", "linux/amd64", programFor(t, "v2", "amd64"))
	require.NoError(t, err)
	front := frontdoor.Handler(h.acct)
	host := core.Str(s.lb.outs, "dnsName")

	steady := s.deploy("app:v1")
	code, body := served(t, front, host, "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1", versionOf(t, body), "the arm64 image runs on the ARM64 task")

	requested := s.deploy("app:v2")
	assert.Equal(t, steady, s.primary(t), "the circuit breaker made the steady task definition PRIMARY again")
	_, reason, _ := workload.Workloads(h.acct).Service(s.svc.id).Status(requested)
	assert.Contains(t, reason, "CannotPullContainerError")
	assert.Contains(t, reason, "image Manifest does not contain descriptor matching platform 'linux/arm64'")
	code, body = served(t, front, host, "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1", versionOf(t, body), "the previous image keeps serving")

	// The image is an index naming its platform, as ECR stores a
	// buildx-pushed image.
	im := ecr.FindImage(mustState(t, h.acct), "app", ecr.ImageID{ImageTag: "v2"})
	require.NotNil(t, im)
	assert.Equal(t, "application/vnd.oci.image.index.v1+json", ecr.MediaTypeOf(im))
	assert.Contains(t, im.Manifest, `"platform":{"architecture":"amd64","os":"linux"}`)
}
