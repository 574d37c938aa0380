package sandbox

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/provider"
)

func TestCheckAutonamesAndKeepsOldName(t *testing.T) {
	h := newHarness(t)
	first := props(t, h.check(bucketType, "Site_Assets", nil, pmap(nil)).Inputs)
	assert.Regexp(t, `^site-assets-[0-9a-f]{7}$`, core.Str(first, "bucket"), "S3 names are lower case")

	again := props(t, h.check(bucketType, "Site_Assets", first, pmap(map[string]any{"tags": map[string]any{"a": "b"}})).Inputs)
	assert.Equal(t, core.Str(first, "bucket"), core.Str(again, "bucket"), "an update must keep the physical name")

	explicit := props(t, h.check(bucketType, "x", first, pmap(map[string]any{"bucket": "mine"})).Inputs)
	assert.Equal(t, "mine", core.Str(explicit, "bucket"))
}

func TestCheckReportsMissingRequiredAndLongNames(t *testing.T) {
	h := newHarness(t)
	resp := h.check("aws:lambda/function:Function", "fn", nil, pmap(map[string]any{"name": strings.Repeat("f", 65)}))
	got := map[string]string{}
	for _, f := range resp.Failures {
		got[f.Property] = f.Reason
	}
	assert.Contains(t, got["role"], "Missing required property 'role'")
	assert.Contains(t, got["name"], "at most 64")

	resp = h.check(taskDefType, "td", nil, pmap(map[string]any{"family": "api", "containerDefinitions": "{not json"}))
	require.Len(t, resp.Failures, 1)
	assert.Equal(t, "containerDefinitions", resp.Failures[0].Property)
}

// A type pulumi-aws v6 does not have (a typo) is refused in one line naming
// the closest real type; every other aws type is simulated (generic_test.go).
func TestUnknownTypeIsRefusedWithTheClosest(t *testing.T) {
	h := newHarness(t)
	const typ = "aws:sqs/queue:Queu"
	_, err := h.p.Check(h.ctx, &pulumirpc.CheckRequest{Urn: urn(typ, "jobs"), Type: typ, News: wire(t, pmap(nil))})
	require.Error(t, err)
	assert.Equal(t, codes.InvalidArgument, status.Code(err))
	assert.Equal(t, `resource type "aws:sqs/queue:Queu" does not exist in pulumi-aws v6; did you mean "aws:sqs/queue:Queue"?`,
		status.Convert(err).Message())

	_, err = h.p.Create(h.ctx, &pulumirpc.CreateRequest{Urn: urn(typ, "jobs"), Properties: wire(t, pmap(nil))})
	require.Error(t, err, "the type is taken from the URN when the request omits it")
	assert.Contains(t, err.Error(), typ)
	assert.Empty(t, h.resources(typ), "nothing is created")
}

func TestDiffReplacesOnImmutableAndUpdatesOtherwise(t *testing.T) {
	h := newHarness(t)
	b := h.create(bucketType, "b", pmap(map[string]any{"bucket": "one"}))

	same := h.diff(b, pmap(map[string]any{"bucket": "one"}))
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, same.Changes)

	tags := h.diff(b, pmap(map[string]any{"bucket": "one", "tags": map[string]any{"team": "x"}}))
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, tags.Changes)
	assert.Empty(t, tags.Replaces)
	assert.Equal(t, pulumirpc.PropertyDiff_ADD, tags.DetailedDiff["tags"].Kind)

	renamed := h.diff(b, pmap(map[string]any{"bucket": "two"}))
	assert.Equal(t, []string{"bucket"}, renamed.Replaces)
	assert.Equal(t, pulumirpc.PropertyDiff_UPDATE_REPLACE, renamed.DetailedDiff["bucket"].Kind)

	unknownName := pmap(map[string]any{})
	unknownName["bucket"] = core.Unknown()
	assert.Equal(t, []string{"bucket"}, h.diff(b, unknownName).Replaces, "an unknown immutable value may change")
}

func TestDiffIgnoresDefaultsAndComparesArchivesByHash(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"memorySize": 128}))
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, h.diff(fn, function(t, "v1", nil)).Changes,
		"dropping an input equal to its default is not a change")
	d := h.diff(fn, function(t, "v2", map[string]any{"memorySize": 128}))
	assert.Equal(t, []string{"code"}, d.Diffs)
}

func TestUpdateMergesOutputsWithNewInputs(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"timeout": 30}))
	arn := core.Str(fn.outs, "arn")

	up := h.update(fn, function(t, "v1", map[string]any{"description": "hello"}), false)
	assert.Equal(t, arn, core.Str(up.outs, "arn"), "computed outputs survive an update")
	assert.Equal(t, "hello", core.Str(up.outs, "description"))
	assert.Equal(t, 3.0, up.outs["timeout"].NumberValue(), "a dropped input reverts to the AWS default")
	assert.Equal(t, fn.id, up.id)
}

func TestTaskDefinitionRevisionsCountPerFamily(t *testing.T) {
	h := newHarness(t)
	in := func(img string) resource.PropertyMap {
		return pmap(map[string]any{"family": "api", "containerDefinitions": `[{"name":"app","image":"` + img + `"}]`})
	}
	first := h.create(taskDefType, "td", in("app:1"))
	assert.Equal(t, 1.0, first.outs["revision"].NumberValue())
	assert.Equal(t, "arn:aws:ecs:us-east-1:"+h.acct.ID()+":task-definition/api:1", core.Str(first.outs, "arn"))
	assert.Equal(t, "arn:aws:ecs:us-east-1:"+h.acct.ID()+":task-definition/api", core.Str(first.outs, "arnWithoutRevision"))

	d := h.diff(first, in("app:2"))
	assert.Equal(t, []string{"containerDefinitions"}, d.Replaces, "task definitions are immutable")
	assert.Empty(t, h.diff(first, pmap(map[string]any{"family": "api", "tags": map[string]any{"a": "b"},
		"containerDefinitions": `[{"name":"app","image":"app:1"}]`})).Replaces, "tags are the exception")

	// Create-before-delete replacement: the new revision must survive the old one's deletion.
	second := h.create(taskDefType, "td", in("app:2"))
	h.delete(first)
	assert.Equal(t, "arn:aws:ecs:us-east-1:"+h.acct.ID()+":task-definition/api:2", core.Str(second.outs, "arn"))
	assert.Equal(t, second.id, h.read(second).Id)
	third := h.create(taskDefType, "td", in("app:3"))
	assert.Equal(t, 3.0, third.outs["revision"].NumberValue(), "revisions keep counting after deletions")
}

func TestLambdaPublishesVersionsOnlyOnRealChanges(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	assert.Equal(t, "1", core.Str(fn.outs, "version"))
	assert.Equal(t, "arn:aws:lambda:us-east-1:"+h.acct.ID()+":function:api:1", core.Str(fn.outs, "qualifiedArn"))
	assert.Equal(t, "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"+h.acct.ID()+":function:api/invocations",
		core.Str(fn.outs, "invokeArn"))

	fn = h.update(fn, function(t, "v1", map[string]any{"name": "api", "tags": map[string]any{"a": "b"}}), false)
	assert.Equal(t, "1", core.Str(fn.outs, "version"), "a tag change publishes nothing")

	preview := h.update(fn, function(t, "v2", map[string]any{"name": "api"}), true)
	assert.True(t, preview.outs["version"].IsComputed(), "preview cannot know the next version")

	fn = h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)
	assert.Equal(t, "2", core.Str(fn.outs, "version"), "preview must not have consumed a version")
	assert.Equal(t, "arn:aws:lambda:us-east-1:"+h.acct.ID()+":function:api:2", core.Str(fn.outs, "qualifiedArn"))

	fn = h.update(fn, function(t, "v2", map[string]any{"name": "api", "memorySize": 256}), false)
	assert.Equal(t, "3", core.Str(fn.outs, "version"), "a configuration change publishes too")

	plainFn := h.create("aws:lambda/function:Function", "plain", pmap(map[string]any{"role": roleArnInput}))
	assert.Equal(t, "$LATEST", core.Str(plainFn.outs, "version"))
}

func TestAliasMustPointAtPublishedVersion(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)

	old := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": core.Str(fn.outs, "arn"), "functionVersion": "1"}))
	assert.Equal(t, "arn:aws:lambda:us-east-1:"+h.acct.ID()+":function:api:live", core.Str(old.outs, "arn"),
		"an alias may point at an older version")

	in := pmap(map[string]any{"name": "next", "functionName": "api", "functionVersion": "7"})
	chk := h.check(aliasType, "next", nil, in)
	require.Len(t, chk.Failures, 1)
	assert.Contains(t, chk.Failures[0].Reason, "version 7 of function api does not exist")
	_, err := h.p.Create(h.ctx, &pulumirpc.CreateRequest{Urn: urn(aliasType, "next"), Type: aliasType, Properties: chk.Inputs})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "version 7 of function api does not exist")
}

func TestReadSeesDriftAndOutOfBandDeletion(t *testing.T) {
	h := newHarness(t)
	lg := h.create("aws:cloudwatch/logGroup:LogGroup", "logs", pmap(map[string]any{"name": "app", "retentionInDays": 7}))
	require.NoError(t, h.acct.Drift("aws:cloudwatch/logGroup:LogGroup", lg.id, map[string]any{"retentionInDays": 1}))

	got := h.read(lg)
	assert.Equal(t, lg.id, got.Id)
	assert.Equal(t, 1.0, props(t, got.Properties)["retentionInDays"].NumberValue())
	assert.Equal(t, 1.0, props(t, got.Inputs)["retentionInDays"].NumberValue())
	assert.Equal(t, core.Str(lg.outs, "arn"), core.Str(props(t, got.Properties), "arn"))
	refreshed := &live{typ: lg.typ, name: lg.name, id: got.Id, inputs: props(t, got.Inputs), outs: props(t, got.Properties)}
	assert.Equal(t, []string{"retentionInDays"}, h.diff(refreshed, pmap(map[string]any{"name": "app", "retentionInDays": 7})).Diffs,
		"the next up puts the program's value back")

	require.NoError(t, h.acct.Remove("aws:cloudwatch/logGroup:LogGroup", lg.id))
	assert.Empty(t, h.read(lg).Id)
	assert.Error(t, h.acct.Drift("aws:cloudwatch/logGroup:LogGroup", lg.id, nil))
}

func TestPreviewCreatePersistsNothingAndLeavesComputedUnknown(t *testing.T) {
	h := newHarness(t)
	chk := h.check("aws:lb/loadBalancer:LoadBalancer", "alb", nil, pmap(nil))
	resp, err := h.p.Create(h.ctx, &pulumirpc.CreateRequest{Urn: urn("aws:lb/loadBalancer:LoadBalancer", "alb"),
		Type: "aws:lb/loadBalancer:LoadBalancer", Properties: chk.Inputs, Preview: true})
	require.NoError(t, err)
	outs := props(t, resp.Properties)
	assert.Empty(t, resp.Id)
	assert.True(t, outs["dnsName"].IsComputed())
	assert.True(t, outs["arn"].IsComputed())
	assert.Equal(t, "application", core.Str(outs, "loadBalancerType"), "defaults are known in preview")
	res, err := h.acct.Resources()
	require.NoError(t, err)
	assert.Empty(t, res)
}

func TestSecretsStaySecret(t *testing.T) {
	h := newHarness(t)
	in := pmap(map[string]any{"role": roleArnInput})
	in["environment"] = resource.MakeSecret(resource.NewProperty(resource.PropertyMap{
		"variables": resource.NewProperty(resource.PropertyMap{"TOKEN": resource.NewProperty("hunter2")})}))
	fn := h.create("aws:lambda/function:Function", "fn", in)
	assert.True(t, fn.outs["environment"].IsSecret())
	assert.True(t, props(t, h.read(fn).Properties)["environment"].IsSecret(), "secrets survive the disk round trip")
	res, err := h.acct.Resources()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"variables": map[string]any{"TOKEN": "hunter2"}}, res[0].Outputs["environment"])
}

func TestExplicitNameConflictsLikeAWS(t *testing.T) {
	h := newHarness(t)
	h.create("aws:lb/targetGroup:TargetGroup", "a", pmap(map[string]any{"name": "blue", "port": 80}))
	_, err := h.tryCreate("aws:lb/targetGroup:TargetGroup", "b", pmap(map[string]any{"name": "blue", "port": 8080}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "DuplicateTargetGroupName")
}

func TestSubResourcesNeedTheirParent(t *testing.T) {
	h := newHarness(t)
	_, err := h.tryCreate("aws:s3/bucketPolicy:BucketPolicy", "p", pmap(map[string]any{"bucket": "nope", "policy": "{}"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchBucket")
}

func TestAWSShapedOutputs(t *testing.T) {
	h := newHarness(t)
	_, err := h.p.Configure(h.ctx, &pulumirpc.ConfigureRequest{Variables: map[string]string{"aws:region": "eu-west-1"}})
	require.NoError(t, err)
	acct := h.acct.ID()
	cases := []struct {
		typ    string
		inputs map[string]any
		want   map[string]string // output -> regexp
	}{
		{vpcType, map[string]any{"cidrBlock": "10.0.0.0/16"}, map[string]string{
			"id": `^vpc-[0-9a-f]{17}$`, "arn": `^arn:aws:ec2:eu-west-1:` + acct + `:vpc/vpc-[0-9a-f]{17}$`}},
		{"aws:ec2/subnet:Subnet", map[string]any{"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24"}, map[string]string{
			"id": `^subnet-`, "availabilityZone": `^eu-west-1a$`}},
		{"aws:ecr/repository:Repository", map[string]any{"name": "app"}, map[string]string{
			"repositoryUrl": `^` + acct + `\.dkr\.ecr\.eu-west-1\.amazonaws\.com/app$`}},
		{"aws:lb/loadBalancer:LoadBalancer", map[string]any{"name": "web"}, map[string]string{
			"dnsName": `^web-[0-9]{10}\.eu-west-1\.elb\.amazonaws\.com$`, "arnSuffix": `^app/web/[0-9a-f]{16}$`,
			"id": `^arn:aws:elasticloadbalancing:eu-west-1:` + acct + `:loadbalancer/app/web/`}},
		{"aws:lb/targetGroup:TargetGroup", map[string]any{"name": "tg"}, map[string]string{"arnSuffix": `^targetgroup/tg/[0-9a-f]{16}$`}},
		{"aws:lambda/function:Function", map[string]any{"name": "f", "role": roleArnInput}, map[string]string{
			"arn": `^arn:aws:lambda:eu-west-1:` + acct + `:function:f$`, "id": `^f$`}},
		{"aws:apigatewayv2/api:Api", map[string]any{"protocolType": "HTTP"}, map[string]string{
			"apiEndpoint":  `^https://[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com$`,
			"executionArn": `^arn:aws:execute-api:eu-west-1:` + acct + `:[a-z0-9]{10}$`}},
		{"aws:apigatewayv2/stage:Stage", map[string]any{"apiId": "abc", "name": "$default"}, map[string]string{
			"invokeUrl": `^https://abc\.execute-api\.eu-west-1\.amazonaws\.com/$`}},
		{"aws:cloudfront/distribution:Distribution", map[string]any{"enabled": true, "origins": []any{},
			"defaultCacheBehavior": map[string]any{}, "restrictions": map[string]any{}, "viewerCertificate": map[string]any{}},
			map[string]string{"domainName": `^e[a-z0-9]{13}\.cloudfront\.net$`, "status": `^Deployed$`,
				"arn": `^arn:aws:cloudfront::` + acct + `:distribution/E[A-Z0-9]{13}$`}},
		{bucketType, map[string]any{"bucket": "site"}, map[string]string{
			"bucketRegionalDomainName": `^site\.s3\.eu-west-1\.amazonaws\.com$`, "arn": `^arn:aws:s3:::site$`}},
		{"aws:sns/topic:Topic", map[string]any{"name": "alarms"}, map[string]string{
			"id": `^arn:aws:sns:eu-west-1:` + acct + `:alarms$`}},
		{"aws:iam/role:Role", map[string]any{"name": "r", "assumeRolePolicy": "{}"}, map[string]string{
			"arn": `^arn:aws:iam::` + acct + `:role/r$`}},
		{"aws:ecs/service:Service", map[string]any{"name": "svc", "cluster": "arn:aws:ecs:eu-west-1:" + acct + ":cluster/main"},
			map[string]string{"id": `^arn:aws:ecs:eu-west-1:` + acct + `:service/main/svc$`}},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			r := h.create(c.typ, "r", pmap(c.inputs))
			for k, re := range c.want {
				got := r.id
				if k != "id" {
					got = core.Str(r.outs, k)
				}
				assert.Regexp(t, regexp.MustCompile(re), got, k)
			}
		})
	}
}

func TestCorruptAccountIsReportedNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, core.AccountFile)
	require.NoError(t, os.WriteFile(path, []byte("{oops"), 0o600))
	_, err := core.OpenAccount(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "delete the sandbox directory")

	a := &core.Account{Root: dir}
	h := &harness{t: t, p: provider.NewProvider(a, ""), acct: a, ctx: t.Context()}
	_, err = h.tryCreate(vpcType, "v", pmap(map[string]any{"cidrBlock": "10.0.0.0/16"}))
	require.Error(t, err)
	data, _ := os.ReadFile(path)
	assert.Equal(t, "{oops", string(data))
}

func TestConcurrentAccountsDoNotLoseUpdates(t *testing.T) {
	dir := t.TempDir()
	const workers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := core.OpenAccount(dir) // separate Account = separate lock file handle, like another process
			if err != nil {
				errs <- err
				return
			}
			p := provider.NewProvider(a, "")
			for i := range each {
				_, err := p.Create(t.Context(), &pulumirpc.CreateRequest{Urn: urn(vpcType, "v"), Type: vpcType,
					Properties: wire(t, pmap(map[string]any{"cidrBlock": "10.0.0.0/16", "i": i}))})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	a, err := core.OpenAccount(dir)
	require.NoError(t, err)
	res, err := a.Resources()
	require.NoError(t, err)
	assert.Len(t, res, workers*each)
}
