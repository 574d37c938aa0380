package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// These tests drive the real Pulumi CLI against the sandbox provider.

func openSandbox(t testing.TB, dir, stack string, overrides map[string]string) *deploy.Session {
	t.Helper()
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: dir, Stack: stack, Sandbox: true, Overrides: overrides, CLI: testproject.CLI(t),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func account(t testing.TB, dir string) *sandbox.Account {
	t.Helper()
	a, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	return a
}

func resourcesOf(t testing.TB, dir string) []sandbox.Resource {
	t.Helper()
	rs, err := account(t, dir).Resources()
	require.NoError(t, err)
	return rs
}

func up(t testing.TB, s *deploy.Session) *deploy.Result {
	t.Helper()
	withImage(t, s)
	res, err := s.Up(context.Background(), deploy.UpOptions{})
	require.NoError(t, err)
	return res
}

// withImage puts the image the stack's tasks will pull into its sandbox
// repository before a raw engine update, as kirikae's deploy does
// (registryFirst): an image missing from ECR never starts a task
// (CannotPullContainerError) and waitForSteadyState fails the update, in
// the sandbox as on AWS. A repository the stack has not created yet is
// created first by an update targeted at it.
func withImage(t testing.TB, s *deploy.Session) {
	t.Helper()
	cfg := s.Config
	if cfg.Backend != stacks.BackendECS || !cfg.ImageRepositoryOwner {
		return
	}
	ctx := context.Background()
	acct, err := deploy.OpenSandboxAccount(s.ProjectDir(), s.Stack())
	require.NoError(t, err)
	has, err := acct.HasRepository(cfg.ImageRepository)
	require.NoError(t, err)
	if !has {
		pre, err := s.Preview(ctx, deploy.PreviewOptions{})
		require.NoError(t, err)
		targets := []string{"urn:pulumi:" + s.Stack() + "::" + s.ProjectName() + "::pulumi:pulumi:Stack::" + s.ProjectName() + "-" + s.Stack()}
		for _, rc := range pre.Resources {
			if rc.Type == "aws:ecr/repository:Repository" || rc.Type == infra.TypeECSService {
				targets = append(targets, rc.URN)
			}
		}
		_, err = s.Up(ctx, deploy.UpOptions{Targets: targets})
		require.NoError(t, err)
	}
	_, err = deploy.PushSandboxImage(ctx, testproject.Root(t), deploy.PathsFor(s.ProjectDir(), true).AccountDir(cfg),
		cfg.ImageRepository, cfg.ImageTag, deploy.SandboxImageSource, cfg.Platform().OCI)
	if sandbox.ErrorCode(err) == "ImageTagAlreadyExistsException" {
		return
	}
	require.NoError(t, err)
}

// changedTypes returns type → op of a result's changed resources.
func changedTypes(r *deploy.Result) map[string]string {
	m := map[string]string{}
	for _, c := range r.Resources {
		m[c.Type] = c.Op
	}
	return m
}

func TestUpFromEmptyThenNoChanges(t *testing.T) {
	dir := testproject.Copy(t)
	first := up(t, openSandbox(t, dir, "staging", nil))
	created := first.Changes[deploy.OpCreate]
	require.Greater(t, created, 30, "a staging stack is VPC + ECS + frontend + alarms")
	custom := 0
	for _, r := range first.Resources {
		assert.Equal(t, deploy.OpCreate, r.Op, r.URN)
		if !strings.HasPrefix(r.Type, "kirikae:") {
			custom++
		}
	}
	// Every AWS resource the engine created exists in the simulated
	// account, beside the image repository withImage created first.
	assert.Len(t, resourcesOf(t, dir), custom+1)
	assert.Equal(t, "v1", first.Outputs["imageTag"].Value)

	second := up(t, openSandbox(t, dir, "staging", nil))
	assert.False(t, second.HasChanges(), "second up must be a no-op: %+v", second.Changes)
	assert.Empty(t, second.Resources)
}

func TestImageTagChangeTouchesOnlyTaskAndService(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	s := openSandbox(t, dir, "staging", map[string]string{"kirikae:imageTag": "v2"})
	pre, err := s.Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	require.True(t, pre.HasChanges())
	for _, c := range pre.Resources {
		assert.Contains(t, []string{"aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"}, c.Type,
			"%s %s must not change for an image tag", c.Op, c.URN)
	}
	types := changedTypes(pre)
	assert.Contains(t, types, "aws:ecs/taskDefinition:TaskDefinition")
	assert.Equal(t, deploy.OpUpdate, types["aws:ecs/service:Service"])
	// And the new image is what the task definition would carry.
	for _, c := range pre.Resources {
		if c.Type == "aws:ecs/taskDefinition:TaskDefinition" {
			require.NotEmpty(t, c.Properties)
			assert.Contains(t, c.Properties[0].Path, "containerDefinitions")
		}
	}
}

func TestBucketRenamePreviewsReplace(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	editStackFile(t, dir, "staging", "kirikae:frontendBucket: kirikae-staging-renamed-site")
	pre, err := openSandbox(t, dir, "staging", nil).Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	assert.Equal(t, deploy.OpReplace, changedTypes(pre)["aws:s3/bucketV2:BucketV2"])
	assert.GreaterOrEqual(t, pre.Changes["replace"], 1)
}

func TestHistoryGrowsByOnePerUpdate(t *testing.T) {
	dir := testproject.Copy(t)
	for i, tag := range []string{"v1", "v2", "v3"} {
		s := openSandbox(t, dir, "staging", map[string]string{"kirikae:imageTag": tag})
		up(t, s)
		h, err := s.History(context.Background(), 0)
		require.NoError(t, err)
		// The first up is two updates: the repository alone (withImage),
		// then everything.
		require.Len(t, h, i+2)
		assert.Equal(t, i+2, h[0].Version, "newest first")
		assert.Equal(t, tag, h[0].Config["kirikae:imageTag"], "history keeps the applied release value")
		for j := 1; j < len(h); j++ {
			assert.Less(t, h[j].Version, h[j-1].Version)
		}
	}
}

func TestReleaseValuesStickWithoutFlags(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", map[string]string{"kirikae:imageTag": "v7"}))
	s := openSandbox(t, dir, "staging", nil)
	pre, err := s.Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	assert.False(t, pre.HasChanges(), "up without --image keeps the live image, not the file's v1")
	assert.Equal(t, "v7", s.Config.ImageTag)
	raw, err := os.ReadFile(filepath.Join(dir, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "v7", "the repo's stack file is never written")
}

func TestRefreshReportsDrift(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	var cluster sandbox.Resource
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:ecs/cluster:Cluster" {
			cluster = r
		}
	}
	require.NotEmpty(t, cluster.ID)
	require.NoError(t, account(t, dir).Drift(cluster.Type, cluster.ID, map[string]any{"tags": map[string]any{"edited": "by-hand"}}))
	res, err := openSandbox(t, dir, "staging", nil).Refresh(context.Background())
	require.NoError(t, err)
	require.True(t, res.HasChanges(), "drift must show: %+v", res.Changes)
	assert.Equal(t, deploy.OpUpdate, changedTypes(res)["aws:ecs/cluster:Cluster"])
}

// Drift reports out-of-band changes without writing anything: the state
// file is byte-identical afterwards, and a clean stack has no drift.
func TestDriftPreviewsWithoutWriting(t *testing.T) {
	dir := testproject.Copy(t)
	s := openSandbox(t, dir, "staging", nil)
	up(t, s)
	clean, err := s.Drift(context.Background())
	require.NoError(t, err)
	assert.False(t, clean.HasChanges(), "no drift right after up: %+v", clean.Changes)

	var cluster sandbox.Resource
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:ecs/cluster:Cluster" {
			cluster = r
		}
	}
	require.NoError(t, account(t, dir).Drift(cluster.Type, cluster.ID, map[string]any{"tags": map[string]any{"edited": "by-hand"}}))
	state := filepath.Join(deploy.PathsFor(dir, true).Backend, ".pulumi", "stacks", testproject.Project(t, dir), "staging.json")
	before, err := os.ReadFile(state)
	require.NoError(t, err)
	res, err := s.Drift(context.Background())
	require.NoError(t, err)
	require.True(t, res.HasChanges())
	assert.Equal(t, deploy.OpUpdate, changedTypes(res)["aws:ecs/cluster:Cluster"])
	after, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Equal(t, before, after, "drift never writes state")
	again, err := s.Drift(context.Background())
	require.NoError(t, err)
	assert.True(t, again.HasChanges(), "still drifted: nothing was accepted into state")
}

func TestDestroyLeavesNothing(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	require.Greater(t, len(resourcesOf(t, dir)), 30)
	// The repository holds the image the tasks ran: ECR refuses to delete
	// it until it is emptied (account_test.go), which ForceEmpty does.
	_, _, err := openSandbox(t, dir, "staging", nil).DestroyWith(context.Background(), deploy.DestroyOptions{ForceEmpty: true})
	require.NoError(t, err)
	assert.Empty(t, resourcesOf(t, dir))
}

func TestProviderFaultFailsUpAndStateStaysLoadable(t *testing.T) {
	dir := testproject.Copy(t)
	require.NoError(t, account(t, dir).InjectFault(sandbox.Fault{
		Op: "create", Type: "aws:ecs/cluster:Cluster", Nth: 1, Message: "simulated ThrottlingException: Rate exceeded",
	}))
	_, err := openSandbox(t, dir, "staging", nil).Up(context.Background(), deploy.UpOptions{})
	require.Error(t, err)
	var opErr *deploy.OperationError
	require.ErrorAs(t, err, &opErr)
	assert.Contains(t, err.Error(), "Rate exceeded", "the provider's message reaches the user")

	// State is loadable, and the next up finishes the job.
	s := openSandbox(t, dir, "staging", nil)
	pre, err := s.Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	assert.Greater(t, pre.Changes[deploy.OpCreate], 0, "what failed is still to create")
	res := up(t, s)
	assert.Equal(t, "v1", res.Outputs["imageTag"].Value)
}

func TestCorruptStateIsReportedAndUntouched(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	var stateFile string
	_ = filepath.WalkDir(deploy.PathsFor(dir, true).Backend, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) == "staging.json" && strings.Contains(p, "stacks") {
			stateFile = p
		}
		return nil
	})
	require.NotEmpty(t, stateFile)
	garbage := []byte("{ this is not a checkpoint")
	require.NoError(t, os.WriteFile(stateFile, garbage, 0o644))

	// Opening may succeed (the stack's checkpoint exists); the preview
	// then reads it. The session is closed either way: a leaked one keeps
	// the account's workloads running while the test's directory goes.
	s, err := deploy.Open(context.Background(), deploy.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t)})
	if err == nil {
		t.Cleanup(func() { _ = s.Close() })
		_, err = s.Preview(context.Background(), deploy.PreviewOptions{})
	}
	require.Error(t, err)
	var se *deploy.StateError
	require.ErrorAs(t, err, &se, "got %v", err)
	after, rerr := os.ReadFile(stateFile)
	require.NoError(t, rerr)
	assert.Equal(t, garbage, after, "kirikae must leave a damaged state file as it found it")
}

func TestUnknownStackListsStacks(t *testing.T) {
	dir := testproject.Copy(t)
	_, err := deploy.Open(context.Background(), deploy.Options{ProjectDir: dir, Stack: "prod", Sandbox: true, CLI: testproject.CLI(t)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown stack "prod"`)
	assert.Contains(t, err.Error(), "product, staging")
}

func editStackFile(t testing.TB, dir, stack, line string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(raw, []byte("  "+line+"\n")...), 0o644))
}

// Subnets go where the region's zones are: ap-northeast-1 shows new
// accounts no "b" zone, and a program that appended letters to the region
// would ask for a zone that does not exist.
func TestSubnetsUseTheRegionsZones(t *testing.T) {
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", "aws:region", "ap-northeast-1")
	up(t, openSandbox(t, dir, "staging", nil))
	var zones []string
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:ec2/subnet:Subnet" {
			az, _ := r.Outputs["availabilityZone"].(string)
			zones = append(zones, az)
		}
	}
	assert.ElementsMatch(t, []string{"ap-northeast-1a", "ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1c"}, zones)
}
