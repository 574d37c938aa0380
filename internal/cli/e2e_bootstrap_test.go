package cli_test

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// bootstrapResult is the result line of `bootstrap --json`.
type bootstrapResult struct {
	Kind      string         `json:"kind"`
	Operation string         `json:"operation"`
	Changes   map[string]int `json:"changes"`
	Resources []struct {
		Type string `json:"type"`
		Op   string `json:"op"`
	} `json:"resources"`
}

func bootstrapJSON(t *testing.T, dir string, args ...string) bootstrapResult {
	t.Helper()
	r := kirikae(t, dir, append([]string{"bootstrap", "--sandbox", "--json"}, args...)...)
	require.Equal(t, 0, r.code, r.stderr)
	var res bootstrapResult
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var doc bootstrapResult
		if json.Unmarshal([]byte(l), &doc) == nil && doc.Kind == "result" {
			res = doc
		}
	}
	require.Equal(t, "bootstrap", res.Operation, r.stdout)
	return res
}

// The README's first deploy to a new account, in the sandbox: nothing
// exists; bootstrap creates the image repository and nothing else, a
// second bootstrap changes nothing, the image is pushed, and the first up
// deploys it. Before bootstrap, push-image names it.
func TestFirstDeployFromAnEmptyAccount(t *testing.T) {
	testproject.CLI(t)
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	server := filepath.Join(testproject.Root(t), "app", "cmd", "server")

	r := kirikae(t, dir, "sandbox", "push-image", "v2", "--stack", "staging", "--dir", server)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "kirikae bootstrap --stack staging --sandbox")

	first := bootstrapJSON(t, dir, "--stack", "staging", "--yes")
	require.NotEmpty(t, first.Resources)
	types := map[string]bool{}
	for _, rc := range first.Resources {
		types[rc.Type] = true
		assert.Equal(t, "create", rc.Op, rc.Type)
	}
	assert.True(t, types["aws:ecr/repository:Repository"], "the repository: %v", types)
	for typ := range types {
		assert.True(t, strings.HasPrefix(typ, "aws:ecr/") || typ == "kirikae:infra:EcsService" || strings.HasPrefix(typ, "pulumi:"),
			"bootstrap creates the repository resources and nothing else, not %s", typ)
	}
	again := bootstrapJSON(t, dir, "--stack", "staging", "--yes")
	assert.Empty(t, again.Resources, "a second bootstrap changes nothing")
	assert.Zero(t, again.Changes["create"]+again.Changes["update"]+again.Changes["replace"]+again.Changes["delete"])

	// product pulls from staging's repository: nothing of its own.
	r = kirikae(t, dir, "bootstrap", "--stack", "product", "--sandbox", "--yes")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr+r.stdout, "bootstrap that stack")

	var pushed struct{ Digest string }
	kirikaeJSON(t, dir, &pushed, "sandbox", "push-image", "v2", "--stack", "staging", "--sandbox", "--dir", server)
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v2", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "v2", liveImage(t, dir, "staging"))
	assert.NotContains(t, r.stderr, "is empty: building image", "the pushed image, not one the deploy built")

	// The task definitions declare the stack's platform, read by the AWS
	// CLI as on AWS.
	var outs struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	td, _ := outs.Outputs["activeTaskDefinition"].Value.(string)
	url, _ := outs.Outputs["url"].Value.(string)
	require.NotEmpty(t, td)
	b, _ := startServe(t, dir)
	var described struct {
		TaskDefinition struct {
			RuntimePlatform struct {
				CPUArchitecture       string `json:"cpuArchitecture"`
				OperatingSystemFamily string `json:"operatingSystemFamily"`
			} `json:"runtimePlatform"`
		} `json:"taskDefinition"`
	}
	require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, "ecs", "describe-task-definition", "--task-definition", td)), &described))
	assert.Equal(t, "ARM64", described.TaskDefinition.RuntimePlatform.CPUArchitecture)
	assert.Equal(t, "LINUX", described.TaskDefinition.RuntimePlatform.OperatingSystemFamily)

	// An image built for the other platform is refused before anything is
	// staged, naming both platforms; v2 keeps serving.
	kirikaeJSON(t, dir, &pushed, "sandbox", "push-image", "v3", "--platform", "linux/amd64", "--stack", "staging", "--sandbox", "--dir", server)
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v3", "--yes")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "built for linux/amd64, but the stack's tasks run on linux/arm64")
	assert.Contains(t, r.stderr, "--platform linux/arm64")
	assert.Equal(t, "v2", liveImage(t, dir, "staging"))
	resp, err := sandbox.FrontDoorClient(b.FrontDoor).Get(url + "/version")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"v2"`, "the previous release still serves through the front door")

	// The refused release is recorded as failed, naming the mismatch, and
	// journaled as a failed up; the live release is still v2.
	var rels struct {
		Releases []struct {
			ImageTag string `json:"imageTag"`
			Live     bool   `json:"live"`
			Verified string `json:"verified"`
			Reason   string `json:"reason"`
		} `json:"releases"`
	}
	kirikaeJSON(t, dir, &rels, "releases", "--stack", "staging", "--sandbox")
	require.Len(t, rels.Releases, 2)
	assert.Equal(t, "v3", rels.Releases[0].ImageTag)
	assert.Equal(t, "failed", rels.Releases[0].Verified)
	assert.False(t, rels.Releases[0].Live)
	assert.Contains(t, rels.Releases[0].Reason, "built for linux/amd64, but the stack's tasks run on linux/arm64")
	assert.Equal(t, "v2", rels.Releases[1].ImageTag)
	assert.True(t, rels.Releases[1].Live)
	var journal struct {
		Operations []struct {
			Start  struct{ Op string }
			Result string `json:"result"`
		} `json:"operations"`
	}
	kirikaeJSON(t, dir, &journal, "journal", "--stack", "staging", "--sandbox")
	require.NotEmpty(t, journal.Operations)
	assert.Equal(t, "up", journal.Operations[0].Start.Op)
	assert.Equal(t, "failed", journal.Operations[0].Result)

	r = kirikae(t, dir, "sandbox", "push-image", "v4", "--platform", "linux/s390x", "--stack", "staging", "--dir", server)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "linux/arm64 or linux/amd64")
}
