package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// needChromium finds headless Chromium (Debian's chromium); missing fails
// under CI and skips locally.
func needChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testproject.MissingTool(t, "chromium (Debian package chromium; .ci/run installs it)")
	return ""
}

var releaseShown = regexp.MustCompile(`<strong id="release">([^<]*)</strong>`)

// pageRelease loads url in headless Chromium, runs its script (the page
// fetches /kirikae-release.json) and returns the release the page shows.
func pageRelease(t *testing.T, chromium, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--user-data-dir="+t.TempDir(),
		// Virtual time runs the page's fetch to completion before the dump.
		"--virtual-time-budget=10000", "--dump-dom", url).Output()
	require.NoError(t, err, "chromium on %s", url)
	m := releaseShown.FindStringSubmatch(string(out))
	require.NotNil(t, m, "the page has no release element: %s", out)
	return m[1]
}

// TestBrowserSeesTheLiveFrontendRelease opens the example frontend the way
// a colleague would, in a browser at the local URL sandbox serve prints,
// and follows a frontend deploy and its rollback.
func TestBrowserSeesTheLiveFrontendRelease(t *testing.T) {
	chromium := needChromium(t)
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	b, _ := startServe(t, dir)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, b.URLs.FrontendURL)
	page := b.URLs.FrontendURL + "/"

	assert.Equal(t, "r1", pageRelease(t, chromium, page))

	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--frontend-release", "r2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "r2", pageRelease(t, chromium, page), "the browser sees the new release")

	r = kirikae(t, dir, "rollback", "--stack", "staging", "--sandbox", "--to", "1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "r1", pageRelease(t, chromium, page), "and the first one after the rollback")

	r = kirikae(t, dir, "open", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, page+"\n", r.stdout)

	// sandbox env's exports alone point the AWS CLI and pulumi at the
	// same sandbox while serve runs.
	t.Run("sandbox env", func(t *testing.T) {
		needAWS(t)
		var outs struct {
			Outputs map[string]struct{ Value any } `json:"outputs"`
		}
		kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
		bucket, _ := outs.Outputs["frontendBucket"].Value.(string)
		require.NotEmpty(t, bucket)
		sh := exec.Command("bash", "-euc", `eval "$(kirikae sandbox env --stack staging)"; aws s3 ls; pulumi stack ls --json`)
		sh.Dir = dir
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PULUMI_") && !strings.HasPrefix(kv, "PATH=") {
				sh.Env = append(sh.Env, kv)
			}
		}
		sh.Env = append(sh.Env, "PATH="+filepath.Dir(kirikaeBin(t))+":"+os.Getenv("PATH"),
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := sh.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), bucket, "aws s3 ls lists the stack's frontend bucket")
		assert.Contains(t, string(out), `"name": "staging"`, "pulumi stack ls finds kirikae's stack")
	})
}
