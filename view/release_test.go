package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/verify"
)

func fixtureRelease(version int, image, verified string) deploy.Release {
	return deploy.Release{Stack: "staging", ID: version, ImageTag: image, FrontendRelease: "r2", ActiveColor: "green",
		Values: deploy.Values{Image: deploy.Image{Tag: image}}, ConfigHash: "abc123", Commit: "1a2b3c4", Who: "ci@runner",
		When: t0.Add(time.Duration(version) * time.Minute), Kind: "deploy", DBSchemaVersion: "1", Verified: verified}
}

func fixturePlan() *deploy.Plan {
	from := fixtureRelease(4, "v1", "passed")
	return &deploy.Plan{Stack: "staging", Kind: "rollback",
		Current:  deploy.Values{Image: deploy.Image{Tag: "v2"}, ActiveColor: "green"},
		Target:   deploy.Values{Image: deploy.Image{Tag: "v1"}, ActiveColor: "blue"},
		Switches: []string{"traffic green → blue (v2 → v1)"},
		Replaces: []deploy.ResourceChange{{URN: urn("aws:s3/bucketV2:BucketV2", "bucket"), Type: "aws:s3/bucketV2:BucketV2", Name: "bucket", Op: deploy.OpReplace}},
		Preview:  &deploy.Result{Operation: "preview", Stack: "staging", Changes: map[string]int{"update": 1, "replace": 1, "same": 44}, Resources: fixtureResources()[1:3]},
		Downtime: "possible: 1 resource replaced", RollbackCommand: "kirikae rollback --stack staging --to 6",
		Fast: true, Targets: []string{urn("aws:lb/listener:Listener", "http")}, From: &from}
}

func fixtureDeployed() *deploy.DeployResult {
	return &deploy.DeployResult{Stack: "staging", Kind: "deploy", Release: fixtureRelease(6, "v2", "passed"),
		Result:  &deploy.Result{Operation: "up", Stack: "staging", Outputs: fixtureOutputs()},
		Updates: 2, Touched: 3, Changes: map[string]int{"update": 2, "replace": 1}, Duration: 4200 * time.Millisecond, Pruned: []string{"r0"},
		Checks: []verify.Result{
			{Check: verify.Check{Name: "api", URL: "http://alb.example", Path: "/healthz"}, OK: true, Status: 200, Version: "v2", Attempts: 1},
			{Check: verify.Check{Name: "frontend", URL: "https://d1.cloudfront.net", Path: "/kirikae-release.json"}, OK: true, Status: 200, Version: "r2", Attempts: 2},
		}}
}

func fixtureReleaseRows() []ReleaseRow {
	return []ReleaseRow{
		{Release: fixtureRelease(6, "v2", "passed"), Live: true},
		{Release: fixtureRelease(5, "v1", "failed")},
		{Release: fixtureRelease(4, "v1", "passed"), RollbackCommand: "kirikae rollback --stack staging --to 4"},
	}
}

var (
	cmdPlan     = func(v View) error { return v.Plan(fixturePlan()) }
	cmdDeployed = func(v View) error { return v.Deployed(fixtureDeployed()) }
	cmdReleases = func(v View) error { return v.Releases("staging", fixtureReleaseRows()) }
)

func init() {
	goldenCases = append(goldenCases,
		goldenCase{"human_plan", human(HumanOptions{}), cmdPlan},
		goldenCase{"human_deployed", human(HumanOptions{}), cmdDeployed},
		goldenCase{"human_releases", human(HumanOptions{}), cmdReleases},
		goldenCase{"json_plan", jsonView(JSONOptions{}), cmdPlan},
		goldenCase{"json_deployed", jsonView(JSONOptions{}), cmdDeployed},
		goldenCase{"json_releases", jsonView(JSONOptions{}), cmdReleases},
		goldenCase{"md_plan", markdown(mdOpts), cmdPlan},
		goldenCase{"md_deployed", markdown(mdOpts), cmdDeployed},
		goldenCase{"md_releases", markdown(mdOpts), cmdReleases},
	)
}

func TestReleaseViewsNeverLeakSecrets(t *testing.T) {
	for _, c := range goldenCases {
		if !strings.Contains(c.file, "deployed") {
			continue
		}
		_, all := render(t, c)
		assert.NotContains(t, all, secretOutput, c.file)
	}
}

func TestReleasesJSONCarriesRollbackCommands(t *testing.T) {
	out, _ := render(t, goldenCase{"", jsonView(JSONOptions{}), cmdReleases})
	var doc struct {
		Stack    string `json:"stack"`
		Releases []struct {
			ID              int    `json:"id"`
			Live            bool   `json:"live"`
			Verified        string `json:"verified"`
			RollbackCommand string `json:"rollbackCommand"`
		} `json:"releases"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Releases, 3)
	assert.Equal(t, 6, doc.Releases[0].ID, "newest first, as given")
	assert.True(t, doc.Releases[0].Live)
	assert.Empty(t, doc.Releases[0].RollbackCommand, "no rollback to the live release")
	assert.Equal(t, "failed", doc.Releases[1].Verified)
	assert.Empty(t, doc.Releases[1].RollbackCommand, "no rollback to a failed release")
	assert.Equal(t, "kirikae rollback --stack staging --to 4", doc.Releases[2].RollbackCommand)
}

func TestPlanHumanFlagsReplacementsAndUndo(t *testing.T) {
	out, _ := render(t, goldenCase{"", human(HumanOptions{}), cmdPlan})
	assert.Contains(t, out, "replaced, not switched")
	assert.Contains(t, out, "undo with")
	assert.Contains(t, out, "kirikae rollback --stack staging --to 6")
	assert.Contains(t, out, "possible: 1 resource replaced")
}

// A plan made without an engine preview says what it was computed from.
func TestPlanJSONCarriesItsBasis(t *testing.T) {
	var buf bytes.Buffer
	v := NewJSON(&buf, JSONOptions{})
	require.NoError(t, v.Plan(&deploy.Plan{Stack: "staging", Kind: deploy.KindRollback, Fast: true,
		Basis: "release 4's record and the live release values, without an engine preview"}))
	var doc struct {
		Basis   string          `json:"basis"`
		Preview json.RawMessage `json:"preview"`
	}
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &doc), buf.String())
	assert.Contains(t, doc.Basis, "without an engine preview")
	assert.Nil(t, doc.Preview)
}
