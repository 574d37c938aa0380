package deploy

import (
	"encoding/json"
	"github.com/kirikae/kirikae/notify"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

func ecsValues(active, img, idle, release string) Values {
	return Values{ActiveColor: active, Image: Image{Tag: img}, IdleImage: Image{Tag: idle}, FrontendRelease: release}
}

// with sets config keys through the one mapping.
func with(v Values, kv ...string) Values {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	out, err := v.apply(m)
	if err != nil {
		panic(err)
	}
	return out
}

func kinds(p switchPlan) []string {
	var out []string
	for _, s := range p.steps {
		out = append(out, s.kind)
	}
	return out
}

func TestPlanSwitchECS(t *testing.T) {
	cur := ecsValues("blue", "v1", "v0", "r1")
	tests := map[string]struct {
		want     Values
		canary   bool
		kinds    []string
		final    Values
		switches []string
	}{
		"new image is staged then switched": {
			want: with(cur, stacks.KeyImageTag, "v2"), kinds: []string{stepStage, stepSwitch},
			final: ecsValues("green", "v2", "v1", "r1"), switches: []string{"traffic blue → green (v1 → v2)"},
		},
		"image already on the idle colour is a flip": {
			want: with(cur, stacks.KeyImageTag, "v0"), kinds: []string{stepSwitch},
			final: ecsValues("green", "v0", "v1", "r1"),
		},
		"canary bakes between stage and switch": {
			want: with(cur, stacks.KeyImageTag, "v2"), canary: true, kinds: []string{stepStage, stepCanary, stepSwitch},
			final: ecsValues("green", "v2", "v1", "r1"),
		},
		"frontend only is one switch": {
			want: with(cur, stacks.KeyFrontendRelease, "r2"), kinds: []string{stepSwitch},
			final: ecsValues("blue", "v1", "v0", "r2"), switches: []string{"frontend r1 → r2"},
		},
		"no change is a plain up": {
			want: cur, kinds: []string{stepApply}, final: cur,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := planSwitch(switchInput{backend: stacks.BackendECS, canary: tc.canary, canaryPercent: 10,
				cur: cur, want: tc.want, deployed: true})
			assert.Equal(t, tc.kinds, kinds(p))
			assert.Equal(t, tc.final, p.final)
			assert.Equal(t, tc.final, p.steps[len(p.steps)-1].values, "the last step applies the final values")
			if tc.switches != nil {
				assert.Equal(t, tc.switches, p.switches)
			}
			for _, s := range p.steps[:len(p.steps)-1] {
				assert.Equal(t, "blue", s.values.Config()[stacks.KeyActiveColor], "traffic stays on blue until the switch")
				assert.Equal(t, "v1", s.values.Config()[stacks.KeyImageTag])
			}
		})
	}
	canary := planSwitch(switchInput{backend: stacks.BackendECS, canary: true, canaryPercent: 25,
		cur: cur, want: with(cur, stacks.KeyImageTag, "v2"), deployed: true})
	assert.Equal(t, "25", canary.steps[1].values.Config()[stacks.KeyIdleWeight])
	assert.True(t, canary.steps[1].bake)
}

func TestPlanSwitchBackFromACanaryDropsItsShare(t *testing.T) {
	canary := with(ecsValues("blue", "v1", "v2", "r1"), stacks.KeyIdleWeight, "10")
	p := planSwitch(switchInput{backend: stacks.BackendECS, deployed: true, cur: canary, want: ecsValues("blue", "v1", "", "r1")})
	assert.Equal(t, "0", p.final.Config()[stacks.KeyIdleWeight])
	assert.Equal(t, "v2", p.final.Config()[stacks.KeyIdleImageTag], "the idle colour is left as it is")
}

func TestPlanSwitchFirstDeployAppliesWantAsIs(t *testing.T) {
	want := ecsValues("blue", "v9", "", "r1")
	p := planSwitch(switchInput{backend: stacks.BackendECS, canary: true, cur: ecsValues("blue", "v1", "", "r1"), want: want})
	assert.Equal(t, []string{stepApply}, kinds(p))
	assert.Equal(t, want, p.final)
}

func TestPlanSwitchLambda(t *testing.T) {
	cur := Values{Lambda: Lambda{Artifact: "a1.zip"}, FrontendRelease: "r1"}
	t.Run("deploy publishes behind the pinned alias, then moves it", func(t *testing.T) {
		p := planSwitch(switchInput{backend: stacks.BackendLambda, canary: true, canaryPercent: 10, deployed: true, liveLambda: "3",
			cur: cur, want: with(cur, stacks.KeyLambdaArtifact, "a2.zip")})
		require.Equal(t, []string{stepStage, stepCanary, stepSwitch}, kinds(p))
		assert.Equal(t, "3", p.steps[0].values.Config()[stacks.KeyLambdaAliasVersion], "live stays on 3 while 4 is published")
		assert.Equal(t, "a2.zip", p.steps[0].values.Config()[stacks.KeyLambdaArtifact])
		assert.Equal(t, "10", p.steps[1].values.Config()[stacks.KeyLambdaCanaryWeight])
		assert.True(t, p.steps[1].newVersionOnly)
		assert.True(t, p.steps[2].aliasToLatest)
		assert.Equal(t, "0", p.steps[2].values.Config()[stacks.KeyLambdaCanaryWeight])
	})
	t.Run("a deploy with the alias pinned still publishes, then moves it", func(t *testing.T) {
		pinned := with(cur, stacks.KeyLambdaAliasVersion, "4")
		p := planSwitch(switchInput{backend: stacks.BackendLambda, deployed: true, liveLambda: "4", cur: pinned, want: pinned})
		require.Equal(t, []string{stepStage, stepSwitch}, kinds(p), "the code under the same path may have changed")
		assert.Equal(t, "4", p.steps[0].values.Config()[stacks.KeyLambdaAliasVersion], "live stays on 4 while the code is published")
		assert.True(t, p.steps[1].aliasToLatest)
	})
	t.Run("an s3:// artifact's revision is published", func(t *testing.T) {
		s3cur := Values{Lambda: Lambda{Artifact: "s3://team-artifacts/api/fn.zip", Revision: `"etag-1"`}}
		want := s3cur
		want.Lambda.Revision = `"etag-2"` // a new object at the same key
		p := planSwitch(switchInput{backend: stacks.BackendLambda, deployed: true, liveLambda: "4", cur: s3cur, want: want})
		assert.Equal(t, `"etag-2"`, p.steps[0].values.Config()[stacks.KeyLambdaArtifactRevision], "the code inputs change")
		assert.Equal(t, `"etag-2"`, p.final.Lambda.Revision, "the release names the object it ran")
	})
	t.Run("rollback moves the alias only", func(t *testing.T) {
		p := planSwitch(switchInput{backend: stacks.BackendLambda, deployed: true, liveLambda: "4", rollback: true,
			cur: with(cur, stacks.KeyLambdaAliasVersion, "4"), want: with(cur, stacks.KeyLambdaAliasVersion, "3")})
		assert.Equal(t, []string{stepSwitch}, kinds(p))
		assert.Equal(t, []string{"alias live 4 → 3"}, p.switches)
		assert.Equal(t, "a1.zip", p.final.Config()[stacks.KeyLambdaArtifact], "no new version is published")
	})
}

// Every release key of the stacks table has a field in Values, and a
// config with every release key set reads back into Values and out again
// unchanged: the mapping is the one place they meet, and it is complete.
func TestValueFieldsCoverReleaseKeys(t *testing.T) {
	samples := map[string]string{
		stacks.KeyImageTag: "v7", stacks.KeyIdleImageTag: "v6", stacks.KeyActiveColor: "green",
		stacks.KeyImageDigest: "sha256:" + strings.Repeat("a", 64), stacks.KeyIdleImageDigest: "sha256:" + strings.Repeat("b", 64),
		stacks.KeyIdleWeight: "30", stacks.KeyLambdaArtifact: "s3://artifacts/api/k.zip", stacks.KeyLambdaAliasVersion: "4",
		stacks.KeyLambdaCanaryWeight: "20", stacks.KeyFrontendRelease: "r9", stacks.KeyLambdaArtifactRevision: `"0a1b"`,
	}
	var release []string
	for _, k := range stacks.Keys() {
		if k.Release {
			release = append(release, k.Name)
		}
	}
	require.ElementsMatch(t, release, sortedKeys(samples), "a new release key needs a sample here and a field in valueFields")
	cfg, err := stacks.Load("..", "staging")
	require.NoError(t, err)
	cfg, err = cfg.With(samples)
	require.NoError(t, err)
	v := baseValues(cfg)
	assert.Equal(t, samples, v.Config())
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var back Values
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, v, back, "the JSON form (records, the releaseValues output) round-trips")
}

// A zero value is left out of the JSON form, a "0" text is not: the image
// tag "0" is a tag.
func TestValuesMapKeepsTextThatLooksLikeZero(t *testing.T) {
	v := Values{Image: Image{Tag: "0"}, FrontendRelease: "0"}
	assert.Equal(t, map[string]string{stacks.KeyImageTag: "0", stacks.KeyFrontendRelease: "0"}, v.Map())
}

// Records written before the type existed carry every key, empty ones
// included, and no digest; they read as the same values.
func TestValuesReadOldRecords(t *testing.T) {
	old := `{"kirikae:activeColor":"green","kirikae:frontendRelease":"r2","kirikae:idleImageTag":"v1","kirikae:idleWeight":"0",
	"kirikae:imageTag":"v2","kirikae:lambdaAliasVersion":"","kirikae:lambdaArtifact":"app/lambda","kirikae:lambdaCanaryWeight":"0","kirikae:dbSchemaVersion":"1"}`
	var v Values
	require.NoError(t, json.Unmarshal([]byte(old), &v))
	assert.Equal(t, Values{Image: Image{Tag: "v2"}, ActiveColor: "green", IdleImage: Image{Tag: "v1"},
		Lambda: Lambda{Artifact: "app/lambda"}, FrontendRelease: "r2", Schema: "1"}, v)
}

func TestFastTargetsOnlyForSwitchResources(t *testing.T) {
	stack := "urn:pulumi:staging::kirikae::pulumi:pulumi:Stack::kirikae-staging"
	ok, targets := fastTargets(stack, &Result{Resources: []ResourceChange{{URN: "u1", Type: typeListener}, {URN: "u2", Type: typeAlias}}})
	assert.True(t, ok)
	assert.Equal(t, []string{stack, "u1", "u2"}, targets, "the stack is targeted so its outputs follow")
	ok, targets = fastTargets(stack, &Result{Resources: []ResourceChange{{URN: "u1", Type: typeListener}, {URN: "u3", Type: "aws:s3/bucketV2:BucketV2"}}})
	assert.False(t, ok)
	assert.Nil(t, targets)
}

func TestSameTaskDefinition(t *testing.T) {
	arn := "arn:aws:ecs:us-east-1:123456789012:task-definition/kirikae-staging-green:3"
	assert.True(t, sameTaskDefinition(arn, arn))
	assert.True(t, sameTaskDefinition(arn, "kirikae-staging-green:3"))
	assert.False(t, sameTaskDefinition(arn, "arn:aws:ecs:us-east-1:123456789012:task-definition/kirikae-staging-green:2"))
}

// The version a check expects comes from the release values kirikae
// applied, never from the stack's report of itself: after a Lambda code
// deploy asked alias live for version 3, a stack still serving 2 fails.
func TestExpectedVersionComesFromTheReleaseNotTheStack(t *testing.T) {
	lambda := stacks.Config{Backend: stacks.BackendLambda}
	outs := map[string]Output{"lambdaVersion": {Value: "2"}, "lambdaLatestVersion": {Value: "3"}, "imageTag": {Value: "v1"}}
	assert.Equal(t, "3", expectedVersion(lambda, outs, Values{Lambda: Lambda{Version: "3"}}))
	assert.Equal(t, "3", expectedVersion(lambda, outs, Values{}), "first deploy: the version it published")
	ecs := stacks.Config{Backend: stacks.BackendECS}
	assert.Equal(t, "v2", expectedVersion(ecs, outs, Values{Image: Image{Tag: "v2"}}))
}

// A sandbox run only ever notifies receivers on this machine.
func TestLoopbackURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1:8080/hook":              true,
		"http://localhost/hook":                   true,
		"http://[::1]:9/x":                        true,
		"https://hooks.slack.com/services/T/B/C":  false,
		"https://user:pw@hooks.example.com/TOKEN": false,
		"::nonsense":                              false,
	} {
		assert.Equal(t, want, notify.IsLoopbackURL(raw), raw)
	}
}
