package deploy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// A stack outside us-east-1 keeps its CloudFront alarm, with an alarm
// topic and its subscriptions, in us-east-1, where CloudFront publishes
// its metrics (infra.AlarmRegions):
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
// The deploy role's policy grants them there. A staging stack in
// eu-west-1 deploys under deploy:staging's generated policy; the same
// policy without its us-east-1 resources is refused on the alarm there.
func TestTheDeployRoleManagesTheUSEast1Alarms(t *testing.T) {
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", "aws:region", "eu-west-1")
	createRoles(t, dir, "deploy:staging")
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	up(t, openSandbox(t, dir, "staging", nil))
	// A release's deploy reads the alarms of both regions (baseline and
	// watch) as the role too.
	_, err := deployWith(openSandbox(t, dir, "staging", nil), map[string]string{stacks.KeyImageTag: "v1"})
	require.NoError(t, err, "deploy:staging's policy deploys a stack in eu-west-1")

	alarm := infra.AlarmPrefix(testproject.Stack(t, dir, "staging")) + "cloudfront-5xx"
	var regions []string
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:cloudwatch/metricAlarm:MetricAlarm" && r.Outputs["name"] == alarm {
			arn, _ := r.Outputs["arn"].(string)
			regions = append(regions, strings.Split(arn, ":")[3])
		}
	}
	require.Equal(t, []string{"us-east-1"}, regions, "the CloudFront alarm is in us-east-1")

	// The policy scoped to the stack's own region alone: every us-east-1
	// resource removed.
	r, err := access.ParseRole("deploy:staging")
	require.NoError(t, err)
	policies, err := deploy.SandboxRolePolicies(dir, r)
	require.NoError(t, err)
	acct := account(t, dir)
	for name, doc := range policies {
		require.NoError(t, acct.PutRolePolicy(deploy.SandboxRoleName(r), name, withoutRegion(t, doc, "us-east-1")))
	}
	// A new threshold changes the us-east-1 alarm alone.
	setStackValue(t, dir, "staging", stacks.KeyAlarmCloudFront5xxRate, `"12"`)
	_, err = deployWith(openSandbox(t, dir, "staging", nil), nil)
	denied := deploy.AsAccessDenied(err)
	require.NotNil(t, denied, "want AccessDenied, got %v", err)
	assert.Equal(t, "kirikae-deploy-staging", denied.Role)
	assert.Regexp(t, `^(cloudwatch|sns):`, denied.Action)
	assert.Contains(t, denied.Resource, ":us-east-1:", "the refusal names the us-east-1 resource")
	t.Log(denied)
}

// withoutRegion is a policy document without the resources in region (a
// statement left with none is dropped).
func withoutRegion(t *testing.T, doc, region string) string {
	t.Helper()
	var p struct {
		Version   string
		Statement []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &p))
	kept, removed := p.Statement[:0], 0
	for _, st := range p.Statement {
		var res []any
		switch v := st["Resource"].(type) {
		case string:
			res = []any{v}
		case []any:
			res = v
		}
		var left []any
		for _, r := range res {
			if strings.Contains(r.(string), ":"+region+":") {
				removed++
				continue
			}
			left = append(left, r)
		}
		if len(left) == 0 && len(res) > 0 {
			continue
		}
		if len(res) > 0 {
			st["Resource"] = left
		}
		kept = append(kept, st)
	}
	require.NotZero(t, removed, "the policy names no resource in %s", region)
	p.Statement = kept
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return string(out)
}
