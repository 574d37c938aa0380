package infra

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

const (
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	typeListener   = "aws:lb/listener:Listener"
	testCertARN    = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e-1d2c"
	testCFCertARN  = "arn:aws:acm:us-east-1:123456789012:certificate/9a8b-7c6d"
)

// doc decodes an IAM policy document property.
func doc(t *testing.T, raw string) policyDocument {
	t.Helper()
	var d policyDocument
	require.NoError(t, json.Unmarshal([]byte(raw), &d), raw)
	return d
}

// statementsByAction maps each action to the resources a document grants it
// on, so a test can say exactly what a role may do.
func statementsByAction(t *testing.T, d policyDocument) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	list := func(v any) []string {
		switch x := v.(type) {
		case string:
			return []string{x}
		case []any:
			var s []string
			for _, e := range x {
				s = append(s, e.(string))
			}
			return s
		}
		t.Fatalf("unexpected policy value %#v", v)
		return nil
	}
	for _, st := range d.Statement {
		require.Equal(t, "Allow", st.Effect)
		for _, a := range list(st.Action) {
			out[a] = append(out[a], list(st.Resource)...)
		}
	}
	return out
}

// The repro: roles used AWS-managed policies with Resource "*".
func TestExecutionRoleIsScopedToTheAppsRepositoryAndLogGroup(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	repo := str(t, m.one(t, "aws:ecr/repository:Repository", "repository").Outputs, "arn")
	logs := str(t, m.one(t, "aws:cloudwatch/logGroup:LogGroup", "logs").Outputs, "arn")
	policy := m.one(t, typeRolePolicy, "execution")
	role := m.one(t, "aws:iam/role:Role", "execution")
	assert.Equal(t, str(t, role.Outputs, "name"), str(t, policy.Inputs, "role"))
	assert.Equal(t, map[string][]string{
		"ecr:GetAuthorizationToken":       {"*"}, // has no resource-level scope
		"ecr:BatchCheckLayerAvailability": {repo},
		"ecr:GetDownloadUrlForLayer":      {repo},
		"ecr:BatchGetImage":               {repo},
		"logs:CreateLogStream":            {logs, logs + ":log-stream:*"},
		"logs:PutLogEvents":               {logs, logs + ":log-stream:*"},
	}, statementsByAction(t, doc(t, str(t, policy.Inputs, "policy"))))

	trust := doc(t, str(t, role.Inputs, "assumeRolePolicy"))
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": mockAccount}},
		trust.Statement[0].Condition, "only ECS tasks of this account may assume the role")
}

func TestFunctionRoleWritesOnlyItsLogGroup(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	logs := str(t, m.one(t, "aws:cloudwatch/logGroup:LogGroup", "logs").Outputs, "arn")
	policy := m.one(t, typeRolePolicy, "function-logs")
	assert.Equal(t, str(t, m.one(t, "aws:iam/role:Role", "function").Outputs, "name"), str(t, policy.Inputs, "role"))
	assert.Equal(t, map[string][]string{
		"logs:CreateLogStream": {logs, logs + ":log-stream:*"},
		"logs:PutLogEvents":    {logs, logs + ":log-stream:*"},
	}, statementsByAction(t, doc(t, str(t, policy.Inputs, "policy"))))
}

func TestInvokePermissionNamesTheAPIAndAccount(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	api := m.one(t, "aws:apigatewayv2/api:Api", "http")
	perm := m.one(t, typePermission, "api-invoke")
	assert.Equal(t, str(t, api.Outputs, "executionArn")+"/*/*", str(t, perm.Inputs, "sourceArn"))
	assert.Equal(t, mockAccount, str(t, perm.Inputs, "sourceAccount"))
}

func TestHTTPAPIStageIsThrottled(t *testing.T) {
	stage := run(t, testConfig(stacks.BackendLambda)).one(t, "aws:apigatewayv2/stage:Stage", "default")
	assert.Equal(t, float64(apiRateLimit), at(t, stage.Inputs, "defaultRouteSettings", "throttlingRateLimit").NumberValue())
	assert.Equal(t, float64(apiBurstLimit), at(t, stage.Inputs, "defaultRouteSettings", "throttlingBurstLimit").NumberValue())
}

// The repro: the ALB served only HTTP on port 80.
func TestCertificateAddsHTTPSAndHTTPOnlyRedirects(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.CertificateARN, cfg.APIDomain = testCertARN, "api.example.com"
	m := run(t, cfg)
	require.Len(t, m.ofType(typeListener), 2)

	https := m.one(t, typeListener, "https")
	assert.Equal(t, float64(443), at(t, https.Inputs, "port").NumberValue())
	assert.Equal(t, "HTTPS", str(t, https.Inputs, "protocol"))
	assert.Equal(t, testCertARN, str(t, https.Inputs, "certificateArn"))
	assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", str(t, https.Inputs, "sslPolicy"))
	assert.Equal(t, "forward", str(t, https.Inputs, "defaultActions", 0, "type"))
	assert.Len(t, at(t, https.Inputs, "defaultActions", 0, "forward", "targetGroups").ArrayValue(), 2)

	http := m.one(t, typeListener, "http")
	assert.Equal(t, float64(80), at(t, http.Inputs, "port").NumberValue())
	assert.Equal(t, "redirect", str(t, http.Inputs, "defaultActions", 0, "type"))
	assert.Equal(t, "HTTPS", str(t, http.Inputs, "defaultActions", 0, "redirect", "protocol"))
	assert.Equal(t, "443", str(t, http.Inputs, "defaultActions", 0, "redirect", "port"))
	assert.Equal(t, "HTTP_301", str(t, http.Inputs, "defaultActions", 0, "redirect", "statusCode"))

	sg := m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb")
	var ports []float64
	for _, rule := range at(t, sg.Inputs, "ingress").ArrayValue() {
		ports = append(ports, rule.ObjectValue()["fromPort"].NumberValue())
	}
	assert.Equal(t, []float64{80, 443}, ports)

}

func TestNoCertificateMeansOneHTTPListener(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	require.Len(t, m.ofType(typeListener), 1)
	assert.Equal(t, "HTTP", str(t, m.one(t, typeListener, "http").Inputs, "protocol"))
}

// The repro: CloudFront had no security headers.
func TestFrontendSendsSecurityHeaders(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	policy := m.one(t, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "security-headers")
	sec := func(path ...any) any {
		v := at(t, policy.Inputs, append([]any{"securityHeadersConfig"}, path...)...)
		if v.IsBool() {
			return v.BoolValue()
		}
		if v.IsNumber() {
			return v.NumberValue()
		}
		return v.StringValue()
	}
	assert.Equal(t, float64(63072000), sec("strictTransportSecurity", "accessControlMaxAgeSec"))
	assert.Equal(t, true, sec("strictTransportSecurity", "includeSubdomains"))
	assert.Equal(t, true, sec("strictTransportSecurity", "override"))
	assert.Equal(t, true, sec("contentTypeOptions", "override"))
	assert.Equal(t, "DENY", sec("frameOptions", "frameOption"))
	assert.Equal(t, "strict-origin-when-cross-origin", sec("referrerPolicy", "referrerPolicy"))
	dist := m.one(t, typeDistribution, "cdn")
	assert.Equal(t, policy.ID, str(t, dist.Inputs, "defaultCacheBehavior", "responseHeadersPolicyId"))
}

func TestFrontendTLSPolicy(t *testing.T) {
	// The default certificate: AWS forces TLSv1, so nothing else is asked
	// for (it would be a perpetual diff).
	dist := run(t, testConfig(stacks.BackendECS)).one(t, typeDistribution, "cdn")
	assert.True(t, at(t, dist.Inputs, "viewerCertificate", "cloudfrontDefaultCertificate").BoolValue())
	assert.False(t, has(at(t, dist.Inputs, "viewerCertificate").ObjectValue(), "minimumProtocolVersion"))

	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendCertificateARN, cfg.FrontendDomain = testCFCertARN, "www.example.com"
	m := run(t, cfg)
	dist = m.one(t, typeDistribution, "cdn")
	assert.Equal(t, testCFCertARN, str(t, dist.Inputs, "viewerCertificate", "acmCertificateArn"))
	assert.Equal(t, "sni-only", str(t, dist.Inputs, "viewerCertificate", "sslSupportMethod"))
	assert.Equal(t, "TLSv1.2_2021", str(t, dist.Inputs, "viewerCertificate", "minimumProtocolVersion"))
	assert.False(t, has(at(t, dist.Inputs, "viewerCertificate").ObjectValue(), "cloudfrontDefaultCertificate"))
	assert.Equal(t, []string{"www.example.com"}, strs(t, dist.Inputs, "aliases"))
}

func TestAccountOf(t *testing.T) {
	got, err := accountOf("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/x")
	require.NoError(t, err)
	assert.Equal(t, "123456789012", got)
	_, err = accountOf("arn:aws:s3:::bucket")
	assert.Error(t, err)
}
