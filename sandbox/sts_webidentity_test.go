package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
)

// githubIssuer plays GitHub Actions' OIDC issuer: it signs ID tokens with
// its own RSA key, whose public half the sandbox account is given as the
// issuer's published keys.
// https://docs.github.com/en/actions/reference/security/oidc
type githubIssuer struct {
	key *rsa.PrivateKey
	kid string
}

const githubIssuerURL = "https://" + access.OIDCProvider

func newGitHubIssuer(t *testing.T) githubIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return githubIssuer{key: key, kid: "kirikae-test-" + time.Now().Format("150405.000")}
}

// jwks is the key set the issuer publishes at its jwks_uri.
func (g githubIssuer) jwks(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &g.key.PublicKey, KeyID: g.kid, Algorithm: "RS256", Use: "sig"}}})
	require.NoError(t, err)
	return b
}

// job is what a GitHub Actions job's token says about it: the claims
// GitHub sets, and the sub its repository's customised template
// (repo, context, job_workflow_ref; access.SubClaimKeys) builds from them.
type job struct {
	repo, context, workflow, ref, event, environment string
	aud                                              string
	exp                                              time.Duration // from now; 0 is 5 minutes, as GitHub's
}

// sub follows GitHub's customised template: "repo:ORG/REPO:environment:ENV:job_workflow_ref:ORG/REPO/.github/workflows/FILE@REF"
// https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository
func (j job) sub() string {
	return "repo:" + j.repo + ":" + j.context + ":job_workflow_ref:" + j.jobWorkflowRef()
}

func (j job) jobWorkflowRef() string { return j.repo + "/" + j.workflow + "@" + j.ref }

// token signs the job's ID token with key (the issuer's unless another).
func (g githubIssuer) token(t *testing.T, j job, key *rsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		key = g.key
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: g.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	require.NoError(t, err)
	aud, exp := j.aud, j.exp
	if aud == "" {
		aud = access.OIDCAudience
	}
	if exp == 0 {
		exp = 5 * time.Minute
	}
	now := time.Now()
	std := jwt.Claims{Issuer: githubIssuerURL, Subject: j.sub(), Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute)), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		Expiry: jwt.NewNumericDate(now.Add(exp))}
	// GitHub's own claims ride along; AWS does not evaluate them.
	custom := map[string]any{"repository": j.repo, "ref": j.ref, "job_workflow_ref": j.jobWorkflowRef(),
		"event_name": j.event, "environment": j.environment}
	s, err := jwt.Signed(signer).Claims(std).Claims(custom).Serialize()
	require.NoError(t, err)
	return s
}

// webIdentityAccount is a sandbox account trusting GitHub Actions as the
// README's setup has it: the provider created through IAM's API (as
// `aws iam create-open-id-connect-provider`), its keys published, and the
// pipeline's roles created with the trust policies `kirikae iam trust`
// prints for repo.
func webIdentityAccount(t *testing.T, repo string, clientIDs ...string) (*Account, *Endpoint, githubIssuer) {
	t.Helper()
	acct, err := OpenAccount(t.TempDir())
	require.NoError(t, err)
	ep := serve(t, acct.Account)
	gh := newGitHubIssuer(t)
	require.NoError(t, acct.PublishOIDCKeys(githubIssuerURL, gh.jwks(t)))
	form := "Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url=" + url.QueryEscape(githubIssuerURL) +
		"&ThumbprintList.member.1=6938fd4d98bab03faadb97b34396831e3780aea1"
	for i, c := range clientIDs {
		form += "&ClientIDList.member." + string(rune('1'+i)) + "=" + url.QueryEscape(c)
	}
	status, body := queryCall(t, ep.URL, "iam", form)
	require.Equal(t, 200, status, body)
	require.Contains(t, body, "<OpenIDConnectProviderArn>arn:aws:iam::"+acct.ID()+":oidc-provider/"+access.OIDCProvider+"</OpenIDConnectProviderArn>")
	for _, name := range []string{"deploy:staging", "deploy:product", access.RolePreview, access.RoleDrift} {
		role, err := access.ParseRole(name)
		require.NoError(t, err)
		trust, err := access.Trust(role, repo, acct.ID())
		require.NoError(t, err)
		doc, err := trust.JSON()
		require.NoError(t, err)
		// The permission policy only lets the session say who it is and
		// publish to its own topic: enough to see that the role's policies,
		// not the token, decide what the session may do.
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:` +
			acct.ID() + `:` + iamName(name) + `"}]}`
		require.NoError(t, acct.CreateRoleTrusting(iamName(name), string(doc), map[string]string{"kirikae": policy}))
	}
	return acct, ep, gh
}

// iamName is the sandbox's IAM name of a pipeline role
// (deploy.SandboxRoleName's spelling: kirikae-deploy-staging).
func iamName(role string) string { return "kirikae-" + strings.ReplaceAll(role, ":", "-") }

// assumeWithWebIdentity calls STS as aws-actions/configure-aws-credentials
// does: AssumeRoleWithWebIdentity with the job's token and no AWS
// credentials (the SDK sends it unsigned).
func assumeWithWebIdentity(ctx context.Context, ep *Endpoint, account, role, token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL), Credentials: aws.AnonymousCredentials{}})
	return client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + iamName(role)), RoleSessionName: aws.String("GitHubActions"),
		WebIdentityToken: aws.String(token)})
}

func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// The trust policies `kirikae iam trust` prints, evaluated by the sandbox's
// STS as AWS evaluates a web identity: the main branch's deploy workflow in
// environment staging gets deploy:staging; the same environment from a
// feature branch or another workflow, a pull request, another repository or
// another audience does not; the preview role takes this repository's pull
// requests only, the drift role main's drift workflow only. Claim shapes: GitHub's example subject claims and
// customised template
// (https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims),
// trust evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html.
// With the trust check switched off, every refusal below fails.
func TestSTSWebIdentityTrustOfThePipelineRoles(t *testing.T) {
	const repo = "my-org/my-service"
	// The provider also serves a second audience (another tool's), so a
	// token for it passes the provider and is refused by the trust policy.
	acct, ep, gh := webIdentityAccount(t, repo, access.OIDCAudience, "https://github.com/my-org")
	deploy := func(env, branch string) job {
		return job{repo: repo, context: "environment:" + env, workflow: access.DeployWorkflow, ref: "refs/heads/" + branch,
			event: "push", environment: env}
	}
	pr := func(repo string) job {
		return job{repo: repo, context: "pull_request", workflow: access.PRWorkflow, ref: "refs/pull/7/merge", event: "pull_request"}
	}
	other := func(j job, f func(*job)) job { f(&j); return j }
	for _, c := range []struct {
		name string
		role string
		job  job
		code string // "" when allowed
	}{
		{"main's deploy workflow in staging", "deploy:staging", deploy("staging", "main"), ""},
		{"main's deploy workflow in product", "deploy:product", deploy("product", "main"), ""},
		{"staging's job for product's role", "deploy:product", deploy("staging", "main"), "AccessDenied"},
		{"a feature branch in staging", "deploy:staging", deploy("staging", "feature/x"), "AccessDenied"},
		{"another workflow on main in staging", "deploy:staging",
			other(deploy("staging", "main"), func(j *job) { j.workflow = ".github/workflows/evil.yml" }), "AccessDenied"},
		{"a pull request", "deploy:staging", pr(repo), "AccessDenied"},
		{"another repository's deploy workflow", "deploy:staging",
			other(deploy("staging", "main"), func(j *job) { j.repo = "someone/fork" }), "AccessDenied"},
		{"another audience the provider serves", "deploy:staging",
			other(deploy("staging", "main"), func(j *job) { j.aud = "https://github.com/my-org" }), "AccessDenied"},
		{"a pull request of this repository previews", access.RolePreview, pr(repo), ""},
		{"a push of this repository", access.RolePreview,
			job{repo: repo, context: "ref:refs/heads/main", workflow: access.PRWorkflow, ref: "refs/heads/main", event: "push"}, "AccessDenied"},
		{"a push from another repository", access.RolePreview,
			job{repo: "someone/fork", context: "ref:refs/heads/main", workflow: access.PRWorkflow, ref: "refs/heads/main", event: "push"}, "AccessDenied"},
		{"a pull request of another repository", access.RolePreview, pr("someone/fork"), "AccessDenied"},
		{"the deploy job for the preview role", access.RolePreview, deploy("staging", "main"), "AccessDenied"},
		{"main's scheduled drift check", access.RoleDrift,
			job{repo: repo, context: "ref:" + access.MainRef, workflow: access.DriftWorkflow, ref: access.MainRef, event: "schedule"}, ""},
		{"the drift workflow from a branch", access.RoleDrift,
			job{repo: repo, context: "ref:refs/heads/feature", workflow: access.DriftWorkflow, ref: "refs/heads/feature", event: "workflow_dispatch"}, "AccessDenied"},
		{"a pull request for the drift role", access.RoleDrift, pr(repo), "AccessDenied"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := assumeWithWebIdentity(t.Context(), ep, acct.ID(), c.role, gh.token(t, c.job, nil))
			if c.code != "" {
				require.Error(t, err, "the trust policy of %s must refuse sub %s", c.role, c.job.sub())
				assert.Equal(t, c.code, errorCode(err), err.Error())
				assert.ErrorContains(t, err, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
				return
			}
			require.NoError(t, err, "sub %s", c.job.sub())
			assert.Equal(t, c.job.sub(), aws.ToString(out.SubjectFromWebIdentityToken))
			assert.Equal(t, access.OIDCAudience, aws.ToString(out.Audience))
			assert.Equal(t, "arn:aws:sts::"+acct.ID()+":assumed-role/"+iamName(c.role)+"/GitHubActions", aws.ToString(out.AssumedRoleUser.Arn))
		})
	}
}

// A web identity's session is the role's, and only the role's permission
// policy decides its requests: it publishes to the topic it is granted,
// and nothing else.
func TestSTSWebIdentitySessionActsAsTheRole(t *testing.T) {
	const repo = "my-org/my-service"
	acct, ep, gh := webIdentityAccount(t, repo, access.OIDCAudience)
	out, err := assumeWithWebIdentity(t.Context(), ep, acct.ID(), "deploy:staging", gh.token(t, job{repo: repo,
		context: "environment:staging", workflow: access.DeployWorkflow, ref: access.MainRef, event: "push", environment: "staging"}, nil))
	require.NoError(t, err)
	c := out.Credentials
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acct.ID()+":assumed-role/kirikae-deploy-staging/GitHubActions", aws.ToString(who.Arn))
	_, err = sns.NewFromConfig(cfg).ListTopics(t.Context(), &sns.ListTopicsInput{})
	assert.ErrorContains(t, err, "is not authorized to perform: sns:ListTopics", "the session holds the role's policy, nothing more")
}

// The token itself is verified before any trust policy is read: a
// signature by a key the issuer does not publish, an expired token, an
// audience the provider was not given and an issuer the account has no
// provider for are each refused as STS refuses them.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html#API_AssumeRoleWithWebIdentity_Errors
func TestSTSWebIdentityTokenIsVerified(t *testing.T) {
	const repo = "my-org/my-service"
	acct, ep, gh := webIdentityAccount(t, repo, access.OIDCAudience)
	good := job{repo: repo, context: "environment:staging", workflow: access.DeployWorkflow, ref: access.MainRef,
		event: "push", environment: "staging"}
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	expired, otherAud := good, good
	expired.exp = -time.Hour
	otherAud.aud = "https://github.com/my-org"
	for _, c := range []struct {
		name, token, code, message string
	}{
		{"signed by another key", gh.token(t, good, stranger), "InvalidIdentityToken", "signature"},
		{"expired", gh.token(t, expired, nil), "ExpiredTokenException", "Token expired"},
		{"an audience the provider was not given", gh.token(t, otherAud, nil), "InvalidIdentityToken", "Incorrect token audience"},
		{"not a JWT", "not-a-token", "InvalidIdentityToken", "JWT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := assumeWithWebIdentity(t.Context(), ep, acct.ID(), "deploy:staging", c.token)
			require.Error(t, err)
			assert.Equal(t, c.code, errorCode(err), err.Error())
			assert.ErrorContains(t, err, c.message)
		})
	}
	// The same token in an account without the provider.
	other, err := OpenAccount(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, other.CreateRoleTrusting(iamName("deploy:staging"), `{"Version":"2012-10-17","Statement":[]}`, nil))
	_, err = assumeWithWebIdentity(t.Context(), serve(t, other.Account), other.ID(), "deploy:staging", gh.token(t, good, nil))
	assert.Equal(t, "InvalidIdentityToken", errorCode(err))
	assert.ErrorContains(t, err, "No OpenIDConnect provider found in your account for "+githubIssuerURL)
}

// Only AssumeRoleWithWebIdentity is served unsigned, as on AWS: any other
// call without a signature is refused, AssumeRole included.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
func TestSTSServesOnlyWebIdentityUnsigned(t *testing.T) {
	acct, ep, _ := webIdentityAccount(t, "my-org/my-service", access.OIDCAudience)
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL), Credentials: aws.AnonymousCredentials{}})
	_, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	assert.Equal(t, "MissingAuthenticationToken", errorCode(err), "%v", err)
	_, err = client.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct.ID() + ":role/kirikae-preview"),
		RoleSessionName: aws.String("x")})
	assert.Equal(t, "MissingAuthenticationToken", errorCode(err), "%v", err)
}

// The AWS CLI, a client nobody here wrote, assumes the role with a
// GitHub token (`aws sts assume-role-with-web-identity`, unsigned as
// botocore sends it) and is refused for a feature branch's.
func TestSTSWebIdentityThroughTheAWSCLI(t *testing.T) {
	needAWSCLI(t)
	const repo = "my-org/my-service"
	acct, ep, gh := webIdentityAccount(t, repo, access.OIDCAudience)
	run := func(j job) (string, string, bool) {
		return awsCLI(t, ep, "", "", "sts", "assume-role-with-web-identity",
			"--role-arn", "arn:aws:iam::"+acct.ID()+":role/kirikae-deploy-staging", "--role-session-name", "GitHubActions",
			"--web-identity-token", gh.token(t, j, nil))
	}
	main := job{repo: repo, context: "environment:staging", workflow: access.DeployWorkflow, ref: access.MainRef, event: "push", environment: "staging"}
	out, errOut, ok := run(main)
	require.True(t, ok, errOut)
	var v struct {
		AssumedRoleUser             struct{ Arn string }
		SubjectFromWebIdentityToken string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	assert.Equal(t, "arn:aws:sts::"+acct.ID()+":assumed-role/kirikae-deploy-staging/GitHubActions", v.AssumedRoleUser.Arn)
	assert.Equal(t, main.sub(), v.SubjectFromWebIdentityToken)

	feature := main
	feature.ref = "refs/heads/feature"
	_, errOut, ok = run(feature)
	assert.False(t, ok)
	assert.Contains(t, errOut, "(AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")
}
