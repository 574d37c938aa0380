package access

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/iam"
)

const testAccount = "111122223333"

// evaluate judges a printed policy with the sandbox's evaluator, which
// follows AWS's evaluation logic rather than this package.
func evaluate(t *testing.T, p Policy, action, resource string, kv ...string) iam.Decision {
	t.Helper()
	b, err := p.JSON()
	require.NoError(t, err)
	d, err := iam.Parse(b)
	require.NoError(t, err)
	ctx := iam.Context{}
	ctx.Set("aws:PrincipalAccount", testAccount)
	for i := 0; i+1 < len(kv); i += 2 {
		ctx.Set(kv[i], kv[i+1])
	}
	return iam.Evaluate([]iam.Document{d}, iam.Request{Action: action, Resource: resource, Context: ctx})
}

func TestPrintedPoliciesUnderAWSEvaluation(t *testing.T) {
	// The project's names and region, from its files, as kirikae init
	// renames them.
	proj := projectName(t)
	staging, region := names(t, "staging")
	product, _ := names(t, "product")
	state := func(key string) string { return "arn:aws:s3:::team-state/p/" + key }
	alb := func(prefix string) string {
		return "arn:aws:elasticloadbalancing:" + region + ":" + testAccount + ":loadbalancer/app/" + prefix + "/50dc6c495c0c9188"
	}
	arn := func(service, account, resource string) string {
		return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource
	}
	preview := policyFor(t, RolePreview, "staging")
	deploy := policyFor(t, "deploy:staging", "staging")
	drift := policyFor(t, RoleDrift, "product")
	tag := "aws:ResourceTag/kirikae:stack"
	for _, c := range []struct {
		name     string
		p        Policy
		action   string
		resource string
		kv       []string
		want     iam.Decision
	}{
		{"preview reads the state", preview, "s3:GetObject", state(".pulumi/stacks/" + proj + "/staging.json"), nil, iam.Allowed},
		{"preview takes no lock", preview, "s3:PutObject", state(".kirikae/locks/" + proj + "/staging.json"), nil, iam.ImplicitDeny},
		{"preview writes no journal", preview, "s3:PutObject", state(".kirikae/journal/" + proj + "/staging/x.json"), nil, iam.ImplicitDeny},
		{"preview reads no parameter", preview, "ssm:GetParameter", arn("ssm", testAccount, "parameter/kirikae/slack"), nil, iam.ImplicitDeny},
		{"deploy writes its checkpoint", deploy, "s3:PutObject", state(".pulumi/stacks/" + proj + "/staging.json"), nil, iam.Allowed},
		{"deploy writes its releases", deploy, "s3:PutObject", state(".kirikae/releases/" + proj + "/staging/00000001.json"), nil, iam.Allowed},
		{"deploy never writes product's checkpoint", deploy, "s3:PutObject", state(".pulumi/stacks/" + proj + "/product.json"), nil, iam.ImplicitDeny},
		{"deploy never writes product's releases", deploy, "s3:PutObject", state(".kirikae/releases/" + proj + "/product/00000001.json"), nil, iam.ImplicitDeny},
		{"deploy changes its ALB", deploy, "elasticloadbalancing:ModifyListener", alb(staging), nil, iam.Allowed},
		{"deploy never deletes product's ALB", deploy, "elasticloadbalancing:DeleteLoadBalancer", alb(product), nil, iam.ImplicitDeny},
		{"deploy deletes its own VPC", deploy, "ec2:DeleteVpc", arn("ec2", testAccount, "vpc/vpc-1"), []string{tag, "staging"}, iam.Allowed},
		{"deploy never deletes product's VPC", deploy, "ec2:DeleteVpc", arn("ec2", testAccount, "vpc/vpc-2"), []string{tag, "product"}, iam.ImplicitDeny},
		{"deploy changes the role it tagged", deploy, "iam:PutRolePolicy", "arn:aws:iam::" + testAccount + ":role/execution-1a2b", []string{tag, "staging"}, iam.Allowed},
		{"deploy never changes an untagged role", deploy, "iam:PutRolePolicy", "arn:aws:iam::" + testAccount + ":role/Admin", nil, iam.ImplicitDeny},
		{"deploy works only in its own account", deploy, "ecs:UpdateService", arn("ecs", "999999999999", "service/"+staging+"/"+staging+"-blue"), nil, iam.ImplicitDeny},
		{"deploy updates its services", deploy, "ecs:UpdateService", arn("ecs", testAccount, "service/"+staging+"/"+staging+"-blue"), nil, iam.Allowed},
		{"drift publishes to its topic", drift, "sns:Publish", arn("sns", testAccount, product+"-alarms"), nil, iam.Allowed},
		{"drift publishes nowhere else", drift, "sns:Publish", arn("sns", testAccount, staging+"-alarms"), nil, iam.ImplicitDeny},
		{"drift changes no service", drift, "ecs:UpdateService", arn("ecs", testAccount, "service/"+product+"/"+product+"-blue"), nil, iam.ImplicitDeny},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, evaluate(t, c.p, c.action, c.resource, c.kv...))
		})
	}
}

// sample turns a pattern into one concrete value it matches.
func sample(pattern string) string {
	s := strings.ReplaceAll(pattern, "${aws:PrincipalAccount}", testAccount)
	s = strings.ReplaceAll(s, "*", "x")
	return strings.ReplaceAll(s, "?", "x")
}

// No statement is dead weight: for every statement of every role, some
// action on some resource it names is granted by it alone, so removing it
// refuses a call (judged by the sandbox's evaluator, with the request
// context the statement's own conditions ask for).
func TestEveryStatementGrantsSomethingNoOtherDoes(t *testing.T) {
	for _, c := range []struct{ role, stack string }{
		{"deploy:staging", "staging"}, {"deploy:product", "product"},
		{RolePreview, "staging"}, {RoleDrift, "product"},
	} {
		p := policyFor(t, c.role, c.stack)
		for _, st := range p.Statement {
			var kv []string
			for _, keys := range st.Condition {
				for k, vals := range keys {
					kv = append(kv, k, vals[0])
				}
			}
			unique := false
			for _, a := range st.Action {
				for _, r := range st.Resource {
					if evaluate(t, p.Without(st.Sid), sample(a), sample(r), kv...) != iam.Allowed {
						require.Equal(t, iam.Allowed, evaluate(t, p, sample(a), sample(r), kv...), "%s %s: %s on %s", c.role, st.Sid, a, r)
						unique = true
					}
				}
			}
			assert.True(t, unique, "%s: statement %s grants nothing the others do not", c.role, st.Sid)
		}
	}
}
