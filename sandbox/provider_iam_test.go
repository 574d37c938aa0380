package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	providersvc "github.com/kirikae/kirikae/sandbox/provider"
)

// The provider acting as a role session authorises each resource
// operation against the role's policy, with the actions the type's table
// names, the resource's ARN and its tags (aws:RequestTag on a create,
// aws:ResourceTag after): a refused create creates nothing and names the
// action and resource in AWS's words; a type the table does not know is
// refused naming the type, never let through.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
func TestTheProviderAuthorisesARolesResourceOperations(t *testing.T) {
	h := newHarness(t)
	a := &Account{h.acct}
	acct := h.acct.ID()
	require.NoError(t, a.CreateRole("kirikae-deploy-staging", map[string]string{"kirikae-staging": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["sns:CreateTopic","sns:SetTopicAttributes","sns:TagResource","sns:DeleteTopic"],
		 "Resource":"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:staging-*"},
		{"Effect":"Allow","Action":["iam:CreateRole","iam:TagRole"],"Resource":"arn:aws:iam::${aws:PrincipalAccount}:role/*",
		 "Condition":{"StringEquals":{"aws:RequestTag/kirikae:stack":"staging"}}}]}`}))
	s, err := a.AssumeRole("kirikae-deploy-staging", "kirikae")
	require.NoError(t, err)
	h.p.SetCredentials(providersvc.Credentials{AccessKeyID: s.AccessKeyID, SessionToken: s.SessionToken})
	principal := "User: arn:aws:sts::" + acct + ":assumed-role/kirikae-deploy-staging/kirikae is not authorized to perform: "

	topic := h.create("aws:sns/topic:Topic", "staging-alarms", pmap(map[string]any{"name": "staging-alarms"}))
	_, err = h.tryCreate("aws:sns/topic:Topic", "product-alarms", pmap(map[string]any{"name": "product-alarms"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "api error AccessDenied: "+principal+"sns:CreateTopic on resource: arn:aws:sns:us-east-1:"+acct+":product-alarms")
	assert.Len(t, h.resources("aws:sns/topic:Topic"), 1, "the refused create created nothing")

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	h.create("aws:iam/role:Role", "task", pmap(map[string]any{"name": "task", "assumeRolePolicy": trust,
		"tags": map[string]any{"kirikae:stack": "staging"}}))
	_, err = h.tryCreate("aws:iam/role:Role", "other", pmap(map[string]any{"name": "other", "assumeRolePolicy": trust,
		"tags": map[string]any{"kirikae:stack": "product"}}))
	assert.ErrorContains(t, err, principal+"iam:CreateRole on resource: arn:aws:iam::"+acct+":role/other")

	_, err = h.tryCreate("aws:sqs/queue:Queue", "q", pmap(map[string]any{"name": "q"}))
	assert.ErrorContains(t, err, "knows no IAM actions for resource type aws:sqs/queue:Queue")

	h.delete(topic)
	assert.Empty(t, h.resources("aws:sns/topic:Topic"))
}
