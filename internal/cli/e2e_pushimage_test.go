package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

func TestSandboxPushImage(t *testing.T) {
	needAWS(t)
	testproject.CLI(t)
	dir := testproject.Copy(t)
	// The copy has no go.mod; the example server builds in the repository.
	server := filepath.Join(testproject.Root(t), "app", "cmd", "server")
	cfg, err := stacks.Load(dir, "staging")
	require.NoError(t, err)

	t.Run("before the repository exists", func(t *testing.T) {
		r := kirikae(t, dir, "sandbox", "push-image", "v2", "--stack", "staging", "--dir", server)
		assert.Equal(t, 1, r.code, r.stderr)
		assert.Contains(t, r.stderr, "kirikae bootstrap --stack staging --sandbox")
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line: %s", r.stderr)
	})
	t.Run("unknown stack", func(t *testing.T) {
		r := kirikae(t, dir, "sandbox", "push-image", "v2", "--stack", "nope", "--dir", server)
		assert.Equal(t, 2, r.code, r.stderr)
	})

	// bootstrap creates the repository the push goes to, nothing more.
	r := kirikae(t, dir, "bootstrap", "--stack", "staging", "--sandbox", "--yes")
	require.Equal(t, 0, r.code, r.stderr)

	t.Run("invalid tag", func(t *testing.T) {
		r := kirikae(t, dir, "sandbox", "push-image", ".v2", "--stack", "staging", "--dir", server)
		assert.Equal(t, 2, r.code, r.stderr)
		assert.Contains(t, r.stderr, "invalid tag")
	})

	var pushed struct{ Repository, Tag, Digest string }
	kirikaeJSON(t, dir, &pushed, "sandbox", "push-image", "v2", "--stack", "staging", "--sandbox", "--dir", server)
	assert.Equal(t, cfg.ImageRepository, pushed.Repository)
	assert.Equal(t, "v2", pushed.Tag)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, pushed.Digest)

	b, _ := startServe(t, dir)
	var got struct {
		ImageDetails []struct {
			ImageDigest      string   `json:"imageDigest"`
			ImageTags        []string `json:"imageTags"`
			ImageSizeInBytes int64    `json:"imageSizeInBytes"`
		} `json:"imageDetails"`
	}
	require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, "ecr", "describe-images",
		"--repository-name", pushed.Repository, "--image-ids", "imageTag=v2")), &got))
	require.Len(t, got.ImageDetails, 1)
	assert.Equal(t, pushed.Digest, got.ImageDetails[0].ImageDigest)
	assert.Equal(t, []string{"v2"}, got.ImageDetails[0].ImageTags)
	assert.Greater(t, got.ImageDetails[0].ImageSizeInBytes, int64(1<<20), "a Go binary")

	// infra makes the repository IMMUTABLE, so v2 cannot be pushed again.
	r = kirikae(t, dir, "sandbox", "push-image", "v2", "--stack", "staging", "--dir", server)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "ImageTagAlreadyExistsException")
}
