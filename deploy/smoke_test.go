package deploy_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// putStackValue sets key in the stack file, adding it when absent.
func putStackValue(t testing.TB, dir, stack, key, value string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	if strings.Contains(string(raw), "\n  "+key+":") {
		setStackValue(t, dir, stack, key, value)
		return
	}
	text := strings.TrimRight(string(raw), "\n") + "\n  " + key + ": " + value + "\n"
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
}

// watchLive GETs path on the live URL through the front door until stop
// is called, and returns every answer that was not 200 from want.
func watchLive(t *testing.T, dir string, s *deploy.Session, path, want string) (stop func() []string) {
	t.Helper()
	url := outputOf(t, s, infra.OutputURL)
	addr, closer, err := sandbox.ListenHTTP(context.Background(), account(t, dir))
	require.NoError(t, err)
	client := sandbox.FrontDoorClient(addr)
	done := make(chan struct{})
	var (
		wg   sync.WaitGroup
		bad  []string
		seen int
	)
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(25 * time.Millisecond):
			}
			resp, err := client.Get(url + path)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			seen++
			if v := resp.Header.Get("X-Kirikae-Version"); resp.StatusCode != 200 || v != want {
				bad = append(bad, fmt.Sprintf("%d %s %s", resp.StatusCode, v, body))
			}
		}
	})
	return func() []string {
		close(done)
		wg.Wait()
		closer.Close()
		require.Positive(t, seen, "the watch made requests")
		return bad
	}
}

// The team's own checks run on the staged colour through the test
// listener before the flip. One stack, four releases:
//   - a release whose /api/hello answers 500 while /healthz and /version
//     are fine is refused by a smoke check; the old release serves
//     throughout, as users see it through the front door;
//   - the template's smoke test (go test ./smoke) passes on a good release;
//   - the same test refuses a broken one, its output shown and journaled.
func TestSmokeChecksAndCommandRefuseABrokenReleaseBeforeTheFlip(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyTestListenerPort, `"9000"`)
	setStackValue(t, dir, "staging", stacks.KeyVerifyAttempts, `"2"`)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deployImage(t, s, "v1")

	// 1. A smoke check catches what /healthz and /version do not.
	putStackValue(t, dir, "staging", stacks.KeySmokeChecks, `["GET /api/hello 200 hello"]`)
	pushProgram(t, dir, "staging", "v2-api500", workloadPkg, "v2-api500")
	status, v := served(t, dir, s, infra.OutputURL, "/healthz")
	require.Equal(t, 200, status)
	require.Equal(t, "v1", v)
	stop := watchLive(t, dir, s, "/version", "v1")
	phases = nil
	_, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v2-api500"})
	assert.Empty(t, stop(), "users saw only v1 while v2-api500 was refused")
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Equal(t, "smoke GET /api/hello", vf.Check)
	assert.Contains(t, vf.Reason, `status 500 (body: "broken")`, "names what it got")
	assert.Contains(t, vf.Reason, "want 200")
	assert.Contains(t, phases, "smoke: 1 check on idle green through the test listener")
	for _, p := range phases {
		assert.NotContains(t, p, "switch:", "no traffic moved")
	}
	rels, err := s.Releases(context.Background())
	require.NoError(t, err)
	// Newest first: the staged colour put back (no traffic had moved),
	// then the refused release.
	require.GreaterOrEqual(t, len(rels), 3)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.Equal(t, "v2-api500", rels[1].ImageTag)
	assert.Contains(t, rels[1].Reason, "smoke GET /api/hello")
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Equal(t, journal.ResultFailed, recs[0].Result)
	assert.Contains(t, recs[0].End.Error, "smoke GET /api/hello")
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v1", v)

	// 2. The template's smoke test passes on the example app; the checks
	// run again on the live URL after the flip.
	putStackValue(t, dir, "staging", stacks.KeySmokeCommand, `go test ./smoke -count=1`)
	phases = nil
	deployImage(t, s, "v3")
	assert.Contains(t, phases, "smoke: go test ./smoke -count=1 on idle green through the test listener")
	assert.Contains(t, phases, "smoke: 1 check on the live URL")
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v3", v)
	recs, err = s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Contains(t, recs[0].End.Note, "smoke command passed on idle green through the test listener")

	// 3. The same test refuses a release whose API is broken, even with no
	// smoke check configured; its output is shown and journaled.
	putStackValue(t, dir, "staging", stacks.KeySmokeChecks, `[]`)
	pushProgram(t, dir, "staging", "v4-api500", workloadPkg, "v4-api500")
	phases = nil
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v4-api500"})
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Equal(t, "smokeCommand", vf.Check)
	assert.Contains(t, vf.Reason, "go test ./smoke -count=1: exit 1")
	assert.Contains(t, vf.Reason, "status 500, want 200")
	assert.Contains(t, strings.Join(phases, "\n"), "smoke | --- FAIL: TestHelloGreetsByName", "the output is shown")
	recs, err = s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Contains(t, recs[0].End.Error, "--- FAIL: TestHelloGreetsByName", "the output's end is journaled")
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v3", v, "the previous release still serves")
}
