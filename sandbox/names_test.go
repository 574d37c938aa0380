package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// inRegion points the harness's provider at region, as the engine's
// Configure does.
func (h *harness) inRegion(region string) *harness {
	h.t.Helper()
	_, err := h.p.Configure(h.ctx, &pulumirpc.ConfigureRequest{Variables: map[string]string{"aws:region": region}})
	require.NoError(h.t, err)
	return h
}

func (h *harness) tryDelete(r *live) error {
	h.t.Helper()
	_, err := h.p.Delete(h.ctx, &pulumirpc.DeleteRequest{Id: r.id, Urn: urn(r.typ, r.name), Type: r.typ,
		Properties: wire(h.t, r.outs)})
	return err
}

// sharedRegistry gives the test its own machine-wide bucket registry.
func sharedRegistry(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_SHARED", t.TempDir())
}

func TestDuplicateNamesFailWithAWSCodes(t *testing.T) {
	sharedRegistry(t)
	cases := []struct {
		typ          string
		first, again map[string]any
		code         string
	}{
		{core.TokTargetGroup, map[string]any{"name": "tg", "port": 80}, map[string]any{"name": "tg", "port": 8080}, "DuplicateTargetGroupName"},
		{core.TokLoadBalancer, map[string]any{"name": "web"}, map[string]any{"name": "web", "internal": true}, "DuplicateLoadBalancerName"},
		{core.TokService, map[string]any{"name": "svc", "cluster": "c"}, map[string]any{"name": "svc", "cluster": "c"}, "InvalidParameterException"},
		{core.TokOAC, oac("site"), oac("site"), "OriginAccessControlAlreadyExists"},
		{"aws:iam/role:Role", map[string]any{"name": "r", "assumeRolePolicy": "{}"}, map[string]any{"name": "r", "assumeRolePolicy": "{}"}, "EntityAlreadyExists"},
		{"aws:cloudwatch/logGroup:LogGroup", map[string]any{"name": "/ecs/x"}, map[string]any{"name": "/ecs/x"}, "ResourceAlreadyExistsException"},
		{core.FunctionType, map[string]any{"name": "f", "role": roleArnInput}, map[string]any{"name": "f", "role": roleArnInput}, "ResourceConflictException"},
		{"aws:ec2/securityGroup:SecurityGroup", map[string]any{"name": "sg", "vpcId": "vpc-1"}, map[string]any{"name": "sg", "vpcId": "vpc-1"}, "InvalidGroup.Duplicate"},
		{core.TokRepository, map[string]any{"name": "api"}, map[string]any{"name": "api"}, "RepositoryAlreadyExistsException"},
		{bucketType, map[string]any{"bucket": "site"}, map[string]any{"bucket": "site"}, "BucketAlreadyOwnedByYou"},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			h := newHarness(t).inRegion("eu-west-1")
			h.create(c.typ, "a", pmap(c.first))
			_, err := h.tryCreate(c.typ, "b", pmap(c.again))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.code+": ")
			assert.Len(t, h.resources(c.typ), 1, "nothing was created")
		})
	}
}

func oac(name string) map[string]any {
	return map[string]any{"name": name, "originAccessControlOriginType": "s3", "signingBehavior": "always", "signingProtocol": "sigv4"}
}

// Names are unique in their scope (a security group's VPC, a service's
// cluster) and, for regional services, their region.
func TestDuplicateNamesAreScoped(t *testing.T) {
	h := newHarness(t).inRegion("eu-west-1")
	h.create("aws:ec2/securityGroup:SecurityGroup", "a", pmap(map[string]any{"name": "sg", "vpcId": "vpc-1"}))
	h.create("aws:ec2/securityGroup:SecurityGroup", "b", pmap(map[string]any{"name": "sg", "vpcId": "vpc-2"}))
	h.create(core.TokService, "a", pmap(map[string]any{"name": "svc", "cluster": "one"}))
	h.create(core.TokService, "b", pmap(map[string]any{"name": "svc", "cluster": "two"}))
	h.create("aws:cloudwatch/logGroup:LogGroup", "a", pmap(map[string]any{"name": "/x"}))
	h.inRegion("us-west-2").create("aws:cloudwatch/logGroup:LogGroup", "b", pmap(map[string]any{"name": "/x"}))
	_, err := h.tryCreate("aws:iam/role:Role", "a", pmap(map[string]any{"name": "r", "assumeRolePolicy": "{}"}))
	require.NoError(t, err)
	_, err = h.inRegion("eu-west-1").tryCreate("aws:iam/role:Role", "b", pmap(map[string]any{"name": "r", "assumeRolePolicy": "{}"}))
	assert.ErrorContains(t, err, "EntityAlreadyExists", "IAM is global")
}

// Idempotent create APIs answer the existing resource instead of failing.
func TestIdempotentCreatesAnswerTheExistingResource(t *testing.T) {
	h := newHarness(t)
	a := h.create(core.TokCluster, "a", pmap(map[string]any{"name": "main"}))
	b := h.create(core.TokCluster, "b", pmap(map[string]any{"name": "main"}))
	assert.Equal(t, a.id, b.id, "CreateCluster returns the ACTIVE cluster of that name")
	assert.Len(t, h.resources(core.TokCluster), 1)

	tg := h.create(core.TokTargetGroup, "a", pmap(map[string]any{"name": "tg", "port": 80}))
	same := h.create(core.TokTargetGroup, "b", pmap(map[string]any{"name": "tg", "port": 80}))
	assert.Equal(t, tg.id, same.id, "the same settings: CreateTargetGroup succeeds with the existing group")

	site := h.create(bucketType, "a", pmap(map[string]any{"bucket": "legacy-site"}))
	again := h.create(bucketType, "b", pmap(map[string]any{"bucket": "legacy-site"}))
	assert.Equal(t, site.id, again.id, "us-east-1 answers 200 OK to your own bucket")
}

// A bucket name is taken across every sandbox account on the machine, as
// across every AWS account; deleting the bucket, or the account, frees it.
func TestBucketNamesAreGlobalAcrossAccounts(t *testing.T) {
	sharedRegistry(t)
	mine := newHarness(t)
	theirsDir := t.TempDir()
	theirs := newHarnessAt(t, theirsDir)
	b := theirs.create(bucketType, "site", pmap(map[string]any{"bucket": "shared-name"}))

	_, err := mine.tryCreate(bucketType, "site", pmap(map[string]any{"bucket": "shared-name"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BucketAlreadyExists: ")
	assert.Empty(t, mine.resources(bucketType))

	theirs.delete(b)
	mine.create(bucketType, "site", pmap(map[string]any{"bucket": "shared-name"}))
	_, err = theirs.tryCreate(bucketType, "site", pmap(map[string]any{"bucket": "shared-name"}))
	assert.ErrorContains(t, err, "BucketAlreadyExists")

	// An account that is gone (its project's .kirikae removed) owns nothing.
	other := newHarness(t)
	other.create(bucketType, "x", pmap(map[string]any{"bucket": "orphan"}))
	require.NoError(t, os.RemoveAll(other.acct.Dir()))
	mine.create(bucketType, "x", pmap(map[string]any{"bucket": "orphan"}))
}

func TestNonEmptyBucketAndRepositoryAreNotDeleted(t *testing.T) {
	sharedRegistry(t)
	h := newHarness(t)
	b := h.create(bucketType, "site", pmap(map[string]any{"bucket": "full"}))
	require.NoError(t, h.acct.PutObject("full", "releases/r1/index.html", []byte("x"), "text/html"))
	err := h.tryDelete(b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BucketNotEmpty: ")
	assert.Len(t, h.resources(bucketType), 1, "the bucket and its objects stay")

	repo := repoWith(h, "api", "IMMUTABLE")
	_, err = ecr.PushImage(h.acct, "api", "v1", "", []byte("one"))
	require.NoError(t, err)
	err = h.tryDelete(repo)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RepositoryNotEmptyException: ")

	require.NoError(t, h.acct.DeleteObjects("full", "releases/r1/index.html"))
	require.NoError(t, h.tryDelete(b), "an empty bucket is deleted")
}

func TestEveryAccountHasItsOwnID(t *testing.T) {
	dir := t.TempDir()
	a, err := core.OpenAccount(dir)
	require.NoError(t, err)
	b, err := core.OpenAccount(t.TempDir())
	require.NoError(t, err)
	assert.Regexp(t, `^[1-9][0-9]{11}$`, a.ID())
	assert.NotEqual(t, a.ID(), b.ID())
	again, err := core.OpenAccount(dir)
	require.NoError(t, err)
	assert.Equal(t, a.ID(), again.ID(), "the id is drawn once")

	legacy := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(legacy, core.AccountFile),
		[]byte(`{"seq":1,"resources":{"x":{"type":"aws:sns/topic:Topic","id":"t","inputs":{},"outputs":{}}}}`), 0o600))
	old, err := core.OpenAccount(legacy)
	require.NoError(t, err)
	assert.Equal(t, core.DefaultAccount, old.ID(), "an account from before ids keeps the one its ARNs carry")
}

// Two engines (staging and product) writing one account at once lose
// nothing: every write holds the account's file lock.
func TestConcurrentProvidersShareOneAccount(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for _, stack := range []string{"staging", "product"} {
		h := newHarnessAt(t, dir)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				name := fmt.Sprintf("/ecs/%s-%d", stack, i)
				if _, err := h.p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn("aws:cloudwatch/logGroup:LogGroup", name),
					Type: "aws:cloudwatch/logGroup:LogGroup", Properties: wire(t, pmap(map[string]any{"name": name}))}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	all, err := core.OpenAccount(dir)
	require.NoError(t, err)
	res, err := all.Resources()
	require.NoError(t, err)
	assert.Len(t, res, 40)
}

// kirikae empties a bucket the way AWS needs it, through its versions: the
// endpoint lists each object as its one version, and deleting those empties
// the bucket so it can be deleted.
func TestBucketEmptiedThroughItsVersionsCanBeDeleted(t *testing.T) {
	h := newHarness(t)
	b := h.create(bucketType, "site", pmap(map[string]any{"bucket": "full-site"}))
	c := h.cloud()
	for _, k := range []string{"releases/r1/index.html", "releases/r1/app.js", "releases/r2/index.html"} {
		require.NoError(t, c.PutObject(t.Context(), "full-site", k, []byte(k), "text/plain"))
	}
	n, err := c.ObjectVersions(t.Context(), "full-site")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	require.ErrorContains(t, h.tryDelete(b), "BucketNotEmpty")

	deleted, err := c.EmptyBucket(t.Context(), "full-site")
	require.NoError(t, err)
	assert.Equal(t, 3, deleted)
	n, err = c.ObjectVersions(t.Context(), "full-site")
	require.NoError(t, err)
	assert.Zero(t, n)
	require.NoError(t, h.tryDelete(b))

	_, err = c.ObjectVersions(t.Context(), "full-site")
	assert.ErrorContains(t, err, "NoSuchBucket")
}

func TestLifecycleConfigurationNeedsItsBucketAndValidRules(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "with-rules"}))
	rule := map[string]any{"id": "expire", "status": "Enabled",
		"noncurrentVersionExpiration": map[string]any{"noncurrentDays": 30}}
	h.create(core.TokLifecycle, "rules", pmap(map[string]any{"bucket": "with-rules", "rules": []any{rule}}))
	_, err := h.tryCreate(core.TokLifecycle, "none", pmap(map[string]any{"bucket": "nope", "rules": []any{rule}}))
	assert.ErrorContains(t, err, "NoSuchBucket")
	bad := h.check(core.TokLifecycle, "bad", nil, pmap(map[string]any{"bucket": "with-rules",
		"rules": []any{map[string]any{"id": "x", "status": "On"}}}))
	require.Len(t, bad.Failures, 1)
	assert.Contains(t, bad.Failures[0].Reason, "Enabled or Disabled")
}

// kirikae empties a repository through ECR's own calls, after which it can
// be deleted.
func TestRepositoryEmptiedThroughECRCanBeDeleted(t *testing.T) {
	h := newHarness(t)
	repo := repoWith(h, "api", "IMMUTABLE")
	for _, tag := range []string{"v1", "v2"} {
		_, err := ecr.PushImage(h.acct, "api", tag, "", []byte("program "+tag))
		require.NoError(t, err)
	}
	c := h.cloud()
	n, err := c.RepositoryImages(t.Context(), "api")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.ErrorContains(t, h.tryDelete(repo), "RepositoryNotEmptyException")

	deleted, err := c.EmptyRepository(t.Context(), "api")
	require.NoError(t, err)
	assert.Equal(t, 2, deleted)
	n, err = c.RepositoryImages(t.Context(), "api")
	require.NoError(t, err)
	assert.Zero(t, n)
	entries, err := os.ReadDir(filepath.Join(h.acct.Dir(), ecr.ImagesDir))
	require.NoError(t, err)
	assert.Empty(t, entries, "the deleted images' programs are collected")
	require.NoError(t, h.tryDelete(repo))

	n, err = c.RepositoryImages(t.Context(), "api")
	require.NoError(t, err, "a repository that is gone holds nothing")
	assert.Zero(t, n)
}

// Deleting by tag removes the tag; the image goes with its last tag.
func TestBatchDeleteImageByTagKeepsOtherTags(t *testing.T) {
	h := newHarness(t)
	repoWith(h, "api", "MUTABLE")
	_, err := ecr.PushImage(h.acct, "api", "v1", "", []byte("same"))
	require.NoError(t, err)
	_, err = ecr.PushImage(h.acct, "api", "latest", "", []byte("same"))
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, h.acct.Update(func(st *core.State) error {
		res, err := ecr.BatchDeleteImage(h.acct, st, []byte(`{"repositoryName":"api","imageIds":[{"imageTag":"latest"},{"imageTag":"nope"}]}`))
		out, _ = res.(map[string]any)
		return err
	}))
	assert.Len(t, out["imageIds"], 1)
	assert.Len(t, out["failures"], 1)
	left, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api"})
	require.NoError(t, err)
	assert.Len(t, left["imageDetails"], 1)
}

// IsolateShared gives a test binary registries of its own, and keeps a
// directory someone already chose.
func TestIsolateShared(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_SHARED", "")
	require.NoError(t, os.Unsetenv("KIRIKAE_SANDBOX_SHARED"))
	cleanup, err := core.IsolateShared()
	require.NoError(t, err)
	dir := core.SharedDir()
	assert.DirExists(t, dir)
	assert.Contains(t, filepath.Base(dir), "kirikae-sandbox-shared-")
	cleanup()
	assert.NoDirExists(t, dir)

	chosen := t.TempDir()
	t.Setenv("KIRIKAE_SANDBOX_SHARED", chosen)
	cleanup, err = core.IsolateShared()
	require.NoError(t, err)
	cleanup()
	assert.Equal(t, chosen, core.SharedDir())
	assert.DirExists(t, chosen)
}
