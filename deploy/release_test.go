package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// Release tests drive the real engine against the sandbox, with
// verification and canary bakes that never wait on a clock.

// openDeploy opens a sandbox session that collects phase events.
func openDeploy(t testing.TB, dir, stack string, phases *[]string) *deploy.Session {
	t.Helper()
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: dir, Stack: stack, Sandbox: true, CLI: testproject.CLI(t),
		OnEvent: func(e deploy.Event) {
			if phases != nil && e.Kind == deploy.EventPhase {
				*phases = append(*phases, e.Message)
			}
		},
	})
	require.NoError(t, err)
	deploy.SetVerifyInterval(s, 0)
	deploy.SetSleep(s, func(context.Context, time.Duration) error { return nil })
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// pushImage pushes tag built from app/ to the stack's sandbox repository,
// as a pipeline pushes before it deploys; a tag already there is left as
// it is (tags are immutable), a stack without a repository yet gets its
// initial image from the first deploy.
func pushImage(ctx context.Context, s *deploy.Session, tag string) error {
	cfg, err := stacks.Load(s.ProjectDir(), s.Stack())
	if err != nil {
		return err
	}
	_, err = deploy.PushSandboxImage(ctx, s.ProjectDir(), s.Paths.AccountDir(cfg), cfg.ImageRepository, tag, deploy.SandboxImageSource, cfg.Platform().OCI)
	if errors.Is(err, deploy.ErrNoSandboxRepository) || sandbox.ErrorCode(err) == "ImageTagAlreadyExistsException" {
		return nil
	}
	return err
}

func deployImage(t testing.TB, s *deploy.Session, image string) *deploy.DeployResult {
	t.Helper()
	res, err := deployWith(s, map[string]string{stacks.KeyImageTag: image})
	require.NoError(t, err)
	return res
}

func deployWith(s *deploy.Session, overrides map[string]string) (*deploy.DeployResult, error) {
	ctx := context.Background()
	if tag := overrides[stacks.KeyImageTag]; tag != "" {
		if err := pushImage(ctx, s, tag); err != nil {
			return nil, err
		}
	}
	p, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: overrides})
	if err != nil {
		return nil, err
	}
	return s.Deploy(ctx, p, deploy.DeployOptions{})
}

func rollback(t testing.TB, s *deploy.Session, req deploy.RollbackRequest) (*deploy.Plan, *deploy.DeployResult) {
	t.Helper()
	p, err := s.PlanRollback(context.Background(), req)
	require.NoError(t, err)
	res, err := s.Deploy(context.Background(), p, deploy.DeployOptions{})
	require.NoError(t, err)
	return p, res
}

// served GETs a stack output URL through the sandbox front door over real
// HTTP and returns the version it serves.
func served(t testing.TB, dir string, s *deploy.Session, output, path string) (int, string) {
	t.Helper()
	status, body, header := fetchServed(t, dir, s, output, path)
	var doc struct {
		Version string `json:"version"`
	}
	_ = json.Unmarshal(body, &doc)
	if doc.Version == "" { // a real program says it on every path
		doc.Version = header.Get("X-Kirikae-Version")
	}
	return status, doc.Version
}

// servedFunction is the published Lambda version that answered, as the
// function reports it (the runtime's AWS_LAMBDA_FUNCTION_VERSION).
func servedFunction(t testing.TB, dir string, s *deploy.Session) string {
	t.Helper()
	_, _, header := fetchServed(t, dir, s, infra.OutputURL, "/healthz")
	return header.Get("X-Kirikae-Function-Version")
}

// fetchServed GETs output's URL + path through the sandbox's front door.
func fetchServed(t testing.TB, dir string, s *deploy.Session, output, path string) (int, []byte, http.Header) {
	t.Helper()
	ctx := context.Background()
	outs, err := s.Outputs(ctx)
	require.NoError(t, err)
	base, _ := outs[output].Value.(string)
	require.NotEmpty(t, base, "output %s", output)
	acct, err := sandbox.OpenAccount(deploy.PathsFor(dir, true).AccountDir(s.Config))
	require.NoError(t, err)
	addr, closer, err := sandbox.ListenHTTP(ctx, acct)
	require.NoError(t, err)
	defer closer.Close()
	resp, err := sandbox.FrontDoorClient(addr).Get(base + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body, resp.Header
}

func outputOf(t testing.TB, s *deploy.Session, name string) string {
	t.Helper()
	outs, err := s.Outputs(context.Background())
	require.NoError(t, err)
	v, _ := outs[name].Value.(string)
	return v
}

func historyLen(t testing.TB, s *deploy.Session) int {
	t.Helper()
	h, err := s.History(context.Background(), 0)
	require.NoError(t, err)
	return len(h)
}

func stateFile(t testing.TB, dir, stack string) string {
	t.Helper()
	p := filepath.Join(deploy.PathsFor(dir, true).Backend, ".pulumi", "stacks", testproject.Project(t, dir), stack+".json")
	require.FileExists(t, p)
	return p
}

// setStackValue replaces one key's line in the repo's stack file.
func setStackValue(t testing.TB, dir, stack, key, value string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), key+":") {
			lines[i] = "  " + key + ": " + value
			found = true
		}
	}
	require.True(t, found, "%s not in %s", key, p)
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644))
}

func TestSwitchDeployRollbackAndAutomaticRollback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)

	a := deployImage(t, s, "v1")
	assert.Equal(t, deploy.VerifyPassed, a.Release.Verified)
	assert.Equal(t, deploy.KindDeploy, a.Release.Kind)
	assert.Equal(t, 2, a.Updates, "a first ECS deploy creates its repository, then applies everything")
	assert.Contains(t, phases, "registry: "+testproject.Stack(t, dir, "staging").ImageRepository+" is empty: building image v1 for linux/arm64 from app/cmd/server and pushing it (sandbox)")
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, a.Release.ImageDigest, "the release records the digest")
	assert.Equal(t, a.Release.ImageDigest, a.Release.Values.Image.Digest)

	// B: staged on the idle colour, then one switch.
	phases = nil
	b := deployImage(t, s, "v2")
	assert.Equal(t, 2, b.Updates)
	assert.Equal(t, stacks.ColorGreen, b.Release.ActiveColor)
	assert.Equal(t, "v1", b.Release.Values.IdleImage.Tag, "the old release stays warm")
	assert.Contains(t, phases, "stage: green gets image v2")
	assert.Contains(t, phases, "switch: traffic blue → green (v1 → v2)")
	assert.Contains(t, phases, "verify: api ok (v2)")
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v)

	// Rollback to A: a weight flip, limited to the switch resources.
	p, err := s.PlanRollback(ctx, deploy.RollbackRequest{})
	require.NoError(t, err)
	assert.Equal(t, a.Release.ID, p.From.ID, "default target: the previous verified release")
	assert.True(t, p.Fast)
	assert.Nil(t, p.Preview, "a switch-only rollback is planned without an engine preview")
	assert.Contains(t, p.Basis, "without an engine preview")
	assert.Equal(t, []string{"traffic green → blue (v2 → v1)"}, p.Switches)
	assert.Equal(t, "none: switch only", p.Downtime)
	assert.Equal(t, "kirikae rollback --stack staging --to 2 --sandbox", p.RollbackCommand)
	before := historyLen(t, s)
	rb, err := s.Deploy(ctx, p, deploy.DeployOptions{})
	require.NoError(t, err)
	assert.Equal(t, before+1, historyLen(t, s), "a rollback is exactly one update")
	assert.LessOrEqual(t, rb.Touched, 3)
	assert.Positive(t, rb.Touched)
	assert.Equal(t, deploy.KindRollback, rb.Release.Kind)
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
	status, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "v1", v, "outputs and the live endpoint agree")

	// C's image is a build that reports another version (v9): its tasks
	// are healthy, verification through the front door sees what the
	// program answers, fails, and the previous release (A) goes back live
	// by itself. From here on the registry holds the real programs.
	pushProgram(t, dir, "staging", "v1", appPkg, "v1")
	pushProgram(t, dir, "staging", "v2", appPkg, "v2")
	pushProgram(t, dir, "staging", "v3", appPkg, "v9")
	phases = nil
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v3"})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	// Caught on the test listener before the flip: no user saw v9.
	assert.Equal(t, "idle", vf.Check)
	assert.Contains(t, vf.Reason, "served version v9")
	assert.Positive(t, vf.RolledBackTo)
	assert.NotImplements(t, (*deploy.BadInput)(nil), err, "a failed release is exit 1, not bad input")
	assert.NotContains(t, phases, "switch: traffic blue → green (v1 → v3)", "traffic never moved")
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
	_, v = served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v1", v)
	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rels), 2)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, deploy.VerifyPassed, rels[0].Verified)
	assert.Equal(t, vf.RolledBackTo, rels[0].ID)
	assert.Equal(t, "v3", rels[1].ImageTag)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.Contains(t, rels[1].Reason, "v9")

	// Promote refuses what failed in staging, and changes nothing.
	prod := openDeploy(t, dir, "product", nil)
	_, err = prod.PlanPromote(ctx, s, 0)
	var refused *deploy.PromoteRefusedError
	require.ErrorAs(t, err, &refused)
	assert.Implements(t, (*deploy.BadInput)(nil), err)
	assert.Zero(t, historyLen(t, prod))

	// An unknown target changes nothing at all.
	state := stateFile(t, dir, "staging")
	raw, err := os.ReadFile(state)
	require.NoError(t, err)
	n := historyLen(t, s)
	_, err = s.PlanRollback(ctx, deploy.RollbackRequest{To: "999"})
	var nf *deploy.ReleaseNotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Implements(t, (*deploy.BadInput)(nil), err)
	assert.Contains(t, err.Error(), "releases: ")
	assert.Contains(t, nf.Available, a.Release.ID)
	after, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Equal(t, raw, after, "state must be byte-identical")
	assert.Equal(t, n, historyLen(t, s))

	// Release ids count every release once, in order: 1 A, 2 B,
	// 3 rollback to A, 4 C (failed), 5 automatic rollback.
	all, err := s.Releases(ctx)
	require.NoError(t, err)
	var ids []int
	for _, r := range all {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []int{5, 4, 3, 2, 1}, ids)
	assert.Equal(t, "v2", all[3].ImageTag)
}
