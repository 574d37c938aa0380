package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// A role created in the account (CreateRole and PutRolePolicy through
// IAM's query API, as `aws iam create-role` sends them) is assumed through
// STS, and its session's requests to every service are authorised against
// the policy the role holds at that moment: granted actions pass, anything
// else is each protocol's own refusal naming the action and resource, an
// explicit deny wins, and the administrator's key is unchanged. With
// enforcement off the refused calls would pass, which this test catches.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestARoleSessionIsAuthorisedOnEveryProtocol(t *testing.T) {
	h := newHarness(t)
	h.create("aws:ecr/repository:Repository", "app", pmap(map[string]any{"name": "app"}))
	h.create("aws:sns/topic:Topic", "alarms", pmap(map[string]any{"name": "alarms"}))
	srv := httptest.NewServer(APIHandler(h.acct))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	acct := h.acct.ID()
	adminCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(core.AccessKeyID, core.SecretAccessKey, "")}

	// The role, through IAM's API.
	iamCall := func(form string) {
		t.Helper()
		status, body := queryCall(t, srv.URL, "iam", form)
		require.Equal(t, 200, status, body)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	iamCall("Action=CreateRole&Version=2010-05-08&RoleName=kirikae-preview&AssumeRolePolicyDocument=" + escape(trust))
	policy := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"ecr:DescribeImages","Resource":"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/app"},
		{"Effect":"Allow","Action":["ecs:List*","logs:DescribeLogGroups"],"Resource":"*"},
		{"Effect":"Deny","Action":"logs:DescribeLogGroups","Resource":"*"}]}`
	iamCall("Action=PutRolePolicy&Version=2010-05-08&RoleName=kirikae-preview&PolicyName=kirikae-staging&PolicyDocument=" + escape(policy))

	out, err := sts.NewFromConfig(adminCfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acct + ":role/kirikae-preview"), RoleSessionName: aws.String("ci")})
	require.NoError(t, err)
	c := out.Credentials
	roleCfg := adminCfg.Copy()
	roleCfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	who, err := sts.NewFromConfig(roleCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acct+":assumed-role/kirikae-preview/ci", *who.Arn)
	principal := "User: arn:aws:sts::" + acct + ":assumed-role/kirikae-preview/ci is not authorized to perform: "

	// awsJson1_1, allowed on the repository the policy names.
	_, err = ecr.NewFromConfig(roleCfg).DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app")})
	assert.NoError(t, err)
	_, err = ecs.NewFromConfig(roleCfg).ListClusters(ctx, &ecs.ListClustersInput{})
	assert.NoError(t, err, "ecs:List* on *")
	// … refused elsewhere: AccessDeniedException naming action and resource.
	_, err = ecr.NewFromConfig(roleCfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	assert.ErrorContains(t, err, "AccessDeniedException: "+principal+"ecr:DescribeRepositories because no identity-based policy allows")
	// An explicit deny wins over the allow.
	_, err = cloudwatchlogs.NewFromConfig(roleCfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	assert.ErrorContains(t, err, principal+"logs:DescribeLogGroups with an explicit deny in an identity-based policy")
	// awsQuery: SNS's AuthorizationError, on the topic's ARN.
	topic := "arn:aws:sns:us-east-1:" + acct + ":alarms"
	_, err = sns.NewFromConfig(roleCfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")})
	assert.ErrorContains(t, err, "AuthorizationError: "+principal+"sns:Publish on resource: "+topic)
	msgs, err := (&Account{h.acct}).SNSMessages(topic)
	require.NoError(t, err)
	assert.Empty(t, msgs, "the refused publish published nothing")
	// restJson1: Lambda, on the function's ARN.
	_, err = lambda.NewFromConfig(roleCfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("api")})
	assert.ErrorContains(t, err, "AccessDeniedException: "+principal+"lambda:GetFunction on resource: arn:aws:lambda:us-east-1:"+acct+":function:api")
	// ec2Query: UnauthorizedOperation.
	status, body := queryCallAs(t, srv.URL, "ec2", "Action=DescribeVpcs&Version=2016-11-15", roleCfg.Credentials)
	assert.Equal(t, 403, status)
	assert.Contains(t, body, "<Code>UnauthorizedOperation</Code>")
	assert.Contains(t, body, principal+"ec2:DescribeVpcs")

	// The policy is read when the request arrives: granting Publish lets it through.
	iamCall("Action=PutRolePolicy&Version=2010-05-08&RoleName=kirikae-preview&PolicyName=notify&PolicyDocument=" +
		escape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"`+topic+`"}]}`))
	_, err = sns.NewFromConfig(roleCfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")})
	assert.NoError(t, err)

	// A session token is checked: another one is refused.
	forged := adminCfg.Copy()
	forged.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken+"x")
	_, err = ecs.NewFromConfig(forged).ListClusters(ctx, &ecs.ListClustersInput{})
	assert.ErrorContains(t, err, "InvalidClientTokenId")
	// The administrator is unaffected.
	_, err = ecr.NewFromConfig(adminCfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	assert.NoError(t, err)
}

func escape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", "=", "%3D", "#", "%23", "\n", "%0A", " ", "%20", "\t", "%09").Replace(s)
}

// queryCall sends an awsQuery form to service signed with the sandbox's key.
func queryCall(t *testing.T, url, service, form string) (int, string) {
	t.Helper()
	return queryCallAs(t, url, service, form, credentials.NewStaticCredentialsProvider(core.AccessKeyID, core.SecretAccessKey, ""))
}

func queryCallAs(t *testing.T, url, service, form string, creds aws.CredentialsProvider) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/", strings.NewReader(form))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c, err := creds.Retrieve(t.Context())
	require.NoError(t, err)
	if c.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), c, req, hash(form), service, "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
}
