package deploy_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// Frontend release tests: through the engine, the sandbox provider and
// its simulated CloudFront, which runs the viewer-request function kirikae
// deploys.

// writeSite replaces the project's frontend build with one index.html and
// one hashed asset holding tag.
func writeSite(t *testing.T, dir, tag string) string {
	t.Helper()
	dist := filepath.Join(dir, "web", "dist")
	require.NoError(t, os.RemoveAll(dist))
	require.NoError(t, os.MkdirAll(dist, 0o755))
	asset := "app." + tag + ".js"
	require.NoError(t, os.WriteFile(filepath.Join(dist, "index.html"), []byte(`<script src="/`+asset+`"></script>`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dist, asset), []byte("run('"+tag+"')"), 0o644))
	return asset
}

// frontDoor is a real HTTP front door on the stack's simulated account.
func frontDoor(t *testing.T, dir, stack string) *http.Client {
	t.Helper()
	acct, err := deploy.OpenSandboxAccount(dir, stack)
	require.NoError(t, err)
	addr, closer, err := sandbox.ListenHTTP(t.Context(), acct)
	require.NoError(t, err)
	t.Cleanup(func() { _ = closer.Close() })
	return sandbox.FrontDoorClient(addr)
}

func get(c *http.Client, url string) (int, []byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

var scriptSrc = regexp.MustCompile(`src="([^"]+)"`)

// During a switch every page a viewer loads comes with its own assets: no
// response pairs one release's index.html with an asset that is missing.
// The switch changes one resource, the release key, and no distribution.
func TestFrontendSwitchChangesOneKeyAndNeverServesAMix(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	writeSite(t, dir, "aaaaaaaa")
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	base := outputOf(t, s, infra.OutputFrontendURL)
	client := frontDoor(t, dir, "staging")

	var loads, broken atomic.Int64
	var mu sync.Mutex
	var seen = map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, page, err := get(client, base+"/")
				if err != nil || code != http.StatusOK {
					broken.Add(1)
					continue
				}
				m := scriptSrc.FindSubmatch(page)
				if m == nil {
					broken.Add(1)
					continue
				}
				if code, _, err := get(client, base+string(m[1])); err != nil || code != http.StatusOK {
					broken.Add(1)
				}
				mu.Lock()
				seen[string(m[1])] = true
				mu.Unlock()
				loads.Add(1)
			}
		}()
	}
	dist := outputOf(t, s, infra.OutputDistributionID)
	before, err := account(t, dir).Invalidations(dist)
	require.NoError(t, err)
	writeSite(t, dir, "bbbbbbbb")
	res, err := deployWith(s, map[string]string{stacks.KeyFrontendRelease: "r2"})
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // pages loaded after the switch
	close(stop)
	wg.Wait()

	assert.Zero(t, broken.Load(), "a page was served with an asset its release does not have")
	assert.Positive(t, loads.Load())
	assert.True(t, seen["/app.aaaaaaaa.js"] || seen["/app.bbbbbbbb.js"])
	assert.True(t, seen["/app.bbbbbbbb.js"], "the new release is served after the switch")
	assertOnlyTheKeyChanged(t, res)

	// The rollback is the same one-key change back.
	_, rb := rollback(t, s, deploy.RollbackRequest{To: "r1"})
	assertOnlyTheKeyChanged(t, rb)
	_, page, err := get(client, base+"/")
	require.NoError(t, err)
	assert.Contains(t, string(page), "app.aaaaaaaa.js")

	// Neither the switch nor the rollback invalidated anything: each
	// release's objects have their own cache keys, and the edge cache
	// served no stale object above without one.
	after, err := account(t, dir).Invalidations(dist)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a switch creates no invalidation")
}

func assertOnlyTheKeyChanged(t *testing.T, res *deploy.DeployResult) {
	t.Helper()
	require.NotNil(t, res.Result)
	var changed []string
	for _, rc := range res.Result.Resources {
		changed = append(changed, rc.Type+" "+rc.Op)
	}
	assert.Equal(t, []string{"aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey update"}, changed)
	assert.Equal(t, 1, res.Touched)
}

// A release that fails verification is switched back at once: neither
// the switch nor the automatic rollback creates or waits for an
// invalidation (the release id is in every cache key), and the old
// release is what viewers get once the key has propagated.
func TestAutomaticRollbackSwitchesBackWithoutAnInvalidation(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.01") // key propagation 10 s → 100 ms
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyWatchTime, `"0s"`)
	writeSite(t, dir, "aaaaaaaa")
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	dist := outputOf(t, s, infra.OutputDistributionID)
	before, err := account(t, dir).Invalidations(dist)
	require.NoError(t, err)

	writeSite(t, dir, "bbbbbbbb")
	require.NoError(t, account(t, dir).MarkUnhealthy("r2"))
	_, err = deployWith(s, map[string]string{stacks.KeyFrontendRelease: "r2"})
	var failed *deploy.VerifyFailedError
	require.ErrorAs(t, err, &failed)
	require.NoError(t, failed.RollbackErr)
	assert.Positive(t, failed.RolledBackTo)

	after, err := account(t, dir).Invalidations(dist)
	require.NoError(t, err)
	assert.Equal(t, before, after, "no invalidation for the switch or the rollback")

	client, url := frontDoor(t, dir, "staging"), outputOf(t, s, infra.OutputFrontendURL)+"/"
	require.Eventually(t, func() bool {
		_, page, err := get(client, url)
		return err == nil && strings.Contains(string(page), "app.aaaaaaaa.js")
	}, 5*time.Second, 20*time.Millisecond, "the old release is served once the key propagated")
}

// Promote copies staging's verified objects: product serves them byte for
// byte even though the local build changed since.
func TestPromoteCopiesStagingsFrontendObjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	asset := writeSite(t, dir, "aaaaaaaa")
	staging := openDeploy(t, dir, "staging", nil)
	prod := openDeploy(t, dir, "product", nil)
	deployImage(t, staging, "v1")
	writeSite(t, dir, "cccccccc") // what a fresh upload would send

	plan, err := prod.PlanPromote(ctx, staging, 0)
	require.NoError(t, err)
	_, err = prod.Deploy(ctx, plan, deploy.DeployOptions{})
	require.NoError(t, err)

	sc, pc := frontDoor(t, dir, "staging"), frontDoor(t, dir, "product")
	for _, path := range []string{"/", "/" + asset, "/" + deploy.ReleaseFile} {
		_, want, err := get(sc, outputOf(t, staging, infra.OutputFrontendURL)+path)
		require.NoError(t, err)
		code, got, err := get(pc, outputOf(t, prod, infra.OutputFrontendURL)+path)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code, path)
		assert.Equal(t, want, got, path)
	}
}

// The upload and the viewer-request function agree on which names are
// content-hashed: the upload stores those under the shared prefix, the
// function sends their requests there.
func TestUploadAndViewerRequestAgreeOnHashedNames(t *testing.T) {
	code := infra.ViewerRequestCode(false)
	assert.Contains(t, code, "const hashed = /"+cloud.HashedPattern+"/;")
	assert.Contains(t, code, "request.uri = '/"+infra.AssetsPrefix+"' + uri.substring(1);")
}
