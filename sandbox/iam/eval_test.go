package iam

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func doc(t *testing.T, js string) Document {
	t.Helper()
	d, err := Parse([]byte(js))
	require.NoError(t, err)
	return d
}

func req(action, resource string, kv ...string) Request {
	ctx := Context{}
	for i := 0; i+1 < len(kv); i += 2 {
		ctx.Set(kv[i], kv[i+1])
	}
	return Request{Action: action, Resource: resource, Context: ctx}
}

// Each case follows one sentence of AWS's policy evaluation logic:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateFollowsAWSPolicyEvaluationLogic(t *testing.T) {
	allowBucket := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`
	denyLocks := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b/locks/*"}]}`
	for _, c := range []struct {
		name string
		docs []string
		r    Request
		want Decision
	}{
		{"no policy denies by default", nil, req("s3:GetObject", "arn:aws:s3:::b/k"), ImplicitDeny},
		{"an allow grants", []string{allowBucket}, req("s3:GetObject", "arn:aws:s3:::b/k"), Allowed},
		{"another resource is not granted", []string{allowBucket}, req("s3:GetObject", "arn:aws:s3:::c/k"), ImplicitDeny},
		{"an explicit deny wins over an allow", []string{allowBucket, denyLocks}, req("s3:PutObject", "arn:aws:s3:::b/locks/x"), ExplicitDeny},
		{"a deny elsewhere leaves the allow", []string{allowBucket, denyLocks}, req("s3:PutObject", "arn:aws:s3:::b/data/x"), Allowed},
		{"actions are case-insensitive", []string{allowBucket}, req("S3:getobject", "arn:aws:s3:::b/k"), Allowed},
		{"NotAction covers every other action",
			[]string{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`},
			req("iam:CreateRole", "*"), ImplicitDeny},
		{"NotAction allows what it does not list",
			[]string{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`},
			req("s3:ListBucket", "arn:aws:s3:::b"), Allowed},
		{"NotResource covers every other resource",
			[]string{`{"Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
			req("s3:GetObject", "arn:aws:s3:::c/k"), ExplicitDeny},
		{"a mid-segment * does not cross a colon",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:1:log-group:a*b"}]}`},
			req("logs:FilterLogEvents", "arn:aws:logs:us-east-1:1:log-group:a:x:b"), ImplicitDeny},
		{"a segment-final * crosses colons",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:1:log-group:app*"}]}`},
			req("logs:FilterLogEvents", "arn:aws:logs:us-east-1:1:log-group:app:log-stream:s"), Allowed},
		{"? matches one character",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:1:t?"}]}`},
			req("sns:Publish", "arn:aws:sns:us-east-1:1:t1"), Allowed},
		{"ARNs are case-sensitive",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:1:Topic"}]}`},
			req("sns:Publish", "arn:aws:sns:us-east-1:1:topic"), ImplicitDeny},
		{"a policy variable is the request's value",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:t"}]}`},
			req("sns:Publish", "arn:aws:sns:us-east-1:111122223333:t", "aws:PrincipalAccount", "111122223333"), Allowed},
		{"a policy variable of another account does not match",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:t"}]}`},
			req("sns:Publish", "arn:aws:sns:us-east-1:999999999999:t", "aws:PrincipalAccount", "111122223333"), ImplicitDeny},
		{"an unresolved variable matches nothing",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:t"}]}`},
			req("sns:Publish", "arn:aws:sns:us-east-1::t"), ImplicitDeny},
		{"a variable's default applies when the key is missing",
			[]string{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'shared'}/*"}]}`},
			req("s3:GetObject", "arn:aws:s3:::b/shared/k"), Allowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			var docs []Document
			for _, js := range c.docs {
				docs = append(docs, doc(t, js))
			}
			assert.Equal(t, c.want, Evaluate(docs, c.r))
		})
	}
}

// Condition operators and keys:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestConditions(t *testing.T) {
	policy := func(cond string) []Document {
		return []Document{doc(t, `{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":`+cond+`}]}`)}
	}
	tag := "aws:ResourceTag/kirikae:stack"
	for _, c := range []struct {
		name, cond string
		kv         []string
		want       Decision
	}{
		{"StringEquals holds on the value", `{"StringEquals":{"aws:ResourceTag/kirikae:stack":"staging"}}`, []string{tag, "staging"}, Allowed},
		{"StringEquals fails on another value", `{"StringEquals":{"aws:ResourceTag/kirikae:stack":"staging"}}`, []string{tag, "product"}, ImplicitDeny},
		{"StringEquals fails on a missing key", `{"StringEquals":{"aws:ResourceTag/kirikae:stack":"staging"}}`, nil, ImplicitDeny},
		{"key names are case-insensitive", `{"StringEquals":{"AWS:resourcetag/KIRIKAE:STACK":"staging"}}`, []string{tag, "staging"}, Allowed},
		{"values of one key are ORed", `{"StringEquals":{"aws:ResourceTag/kirikae:stack":["product","staging"]}}`, []string{tag, "staging"}, Allowed},
		{"keys of one operator are ANDed", `{"StringEquals":{"aws:ResourceTag/kirikae:stack":"staging","aws:RequestTag/kirikae:stack":"staging"}}`, []string{tag, "staging"}, ImplicitDeny},
		{"IfExists holds on a missing key", `{"StringEqualsIfExists":{"aws:ResourceTag/kirikae:stack":"staging"}}`, nil, Allowed},
		{"IfExists still compares a present key", `{"StringEqualsIfExists":{"aws:ResourceTag/kirikae:stack":"staging"}}`, []string{tag, "product"}, ImplicitDeny},
		{"StringNotEquals holds on a missing key", `{"StringNotEquals":{"aws:ResourceTag/kirikae:stack":"product"}}`, nil, Allowed},
		{"StringNotEquals fails on the value", `{"StringNotEquals":{"aws:ResourceTag/kirikae:stack":"product"}}`, []string{tag, "product"}, ImplicitDeny},
		{"StringLike uses wildcards", `{"StringLike":{"token:sub":"repo:o/r:pull_request:*"}}`, []string{"token:sub", "repo:o/r:pull_request:x"}, Allowed},
		{"StringEquals has no wildcards", `{"StringEquals":{"token:sub":"repo:*"}}`, []string{"token:sub", "repo:o/r"}, ImplicitDeny},
		{"Null true holds when the key is absent", `{"Null":{"aws:RequestTag/kirikae:stack":"true"}}`, nil, Allowed},
		{"Null false holds when the key is present", `{"Null":{"aws:RequestTag/kirikae:stack":"false"}}`, []string{"aws:RequestTag/kirikae:stack", "x"}, Allowed},
		{"Bool compares true and false", `{"Bool":{"aws:SecureTransport":false}}`, []string{"aws:SecureTransport", "false"}, Allowed},
		{"ForAllValues holds for a missing key", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, Allowed},
		{"ForAllValues fails on one outside value", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, []string{"aws:TagKeys", "c"}, ImplicitDeny},
		{"ForAnyValue fails for a missing key", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, nil, ImplicitDeny},
		{"NumericLessThan compares numbers", `{"NumericLessThan":{"s3:max-keys":"10"}}`, []string{"s3:max-keys", "9"}, Allowed},
		{"ArnLike matches segment by segment", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:1:t"}}`, []string{"aws:SourceArn", "arn:aws:sns:us-east-1:1:t"}, Allowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Evaluate(policy(c.cond), req("ec2:CreateVpc", "*", c.kv...)))
		})
	}
}

func TestParseRefusesWhatIAMRefuses(t *testing.T) {
	for _, js := range []string{
		`{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringSortOf":{"k":"v"}}}]}`,
		`not json`,
	} {
		_, err := Parse([]byte(js))
		assert.ErrorContains(t, err, "MalformedPolicyDocument", js)
	}
}

// The refusal text AWS returns for identity-based policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
func TestAuthorizeAnswersAWSAccessDenied(t *testing.T) {
	role := &Role{Name: "kirikae-preview", Account: "111122223333", Policies: []Document{
		doc(t, `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::state/*"},
			{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::state/secret"}]}`),
	}}
	var d Directory
	require.NoError(t, d.Bind("AKIAPREVIEW", "secret", "kirikae", role))

	assert.NoError(t, d.Authorize("AKIAPREVIEW", req("s3:GetObject", "arn:aws:s3:::state/k")))
	assert.NoError(t, d.Authorize("AKIAADMIN", req("s3:PutObject", "arn:aws:s3:::state/k")), "a key no role holds is the administrator's")

	err := d.Authorize("AKIAPREVIEW", req("s3:PutObject", "arn:aws:s3:::state/k"))
	var denied *AccessDeniedError
	require.ErrorAs(t, err, &denied)
	assert.Equal(t, "User: arn:aws:sts::111122223333:assumed-role/kirikae-preview/kirikae is not authorized to perform: "+
		"s3:PutObject on resource: arn:aws:s3:::state/k because no identity-based policy allows the s3:PutObject action", err.Error())

	err = d.Authorize("AKIAPREVIEW", req("s3:GetObject", "arn:aws:s3:::state/secret"))
	require.ErrorAs(t, err, &denied)
	assert.True(t, denied.Explicit)
	assert.Contains(t, err.Error(), "with an explicit deny in an identity-based policy")

	assert.Error(t, d.Bind("k", "secret", "s", &Role{Name: "deploy:staging", Account: "1"}), "IAM role names have no colon")
}
