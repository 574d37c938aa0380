package sandbox

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// pullPolicyFor is the policy kirikae's infra writes for a pulling account.
func pullPolicyFor(principal string, actions ...string) string {
	if len(actions) == 0 {
		actions = []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages"}
	}
	list := ""
	for i, a := range actions {
		if i > 0 {
			list += ","
		}
		list += fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":[%q]},"Action":[%s]}]}`, principal, list)
}

func TestRepositoryPolicyIsCheckedStoredAndGoesWithTheRepository(t *testing.T) {
	h := newHarness(t)
	for policy, why := range map[string]string{
		`not json`:                 "not valid JSON",
		`{"Version":"2012-10-17"}`: "no Statement",
		`{"Statement":[]}`:         "no Statement",
		`{"Statement":{"Effect":"Allow","Action":"ecr:*"}}`: "needs a Principal",
	} {
		resp := h.check(core.TokRepositoryPolicy, "p", nil, pmap(map[string]any{"repository": "app", "policy": policy}))
		require.Len(t, resp.GetFailures(), 1, policy)
		assert.Contains(t, resp.GetFailures()[0].GetReason(), why, policy)
	}
	ok := h.check(core.TokRepositoryPolicy, "p", nil, pmap(map[string]any{"repository": "app", "policy": pullPolicyFor("111122223333")}))
	assert.Empty(t, ok.GetFailures())

	_, err := h.tryCreate(core.TokRepositoryPolicy, "p", pmap(map[string]any{"repository": "app", "policy": pullPolicyFor("111122223333")}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RepositoryNotFoundException", "the repository must exist first")

	repo := h.create(core.TokRepository, "repo", pmap(map[string]any{"name": "app"}))
	pol := h.create(core.TokRepositoryPolicy, "p", pmap(map[string]any{"repository": "app", "policy": pullPolicyFor("111122223333")}))
	assert.Equal(t, "app", pol.id)
	assert.Equal(t, h.acct.ID(), core.Str(pol.outs, "registryId"))
	assert.Equal(t, pullPolicyFor("111122223333"), ecr.RepositoryPolicy(mustState(t, h.acct), "app"))

	h.delete(pol)
	assert.Empty(t, ecr.RepositoryPolicy(mustState(t, h.acct), "app"), "delete removes it")

	pol = h.create(core.TokRepositoryPolicy, "p", pmap(map[string]any{"repository": "app", "policy": pullPolicyFor("111122223333")}))
	h.delete(repo)
	assert.Empty(t, ecr.RepositoryPolicy(mustState(t, h.acct), "app"), "the policy goes with its repository")
	assert.Empty(t, h.read(pol).GetId(), "a refresh sees it gone")
}

func TestPolicyEvaluation(t *testing.T) {
	doc := func(s string) ecr.PolicyDoc {
		d, err := ecr.ParsePolicy(s)
		require.NoError(t, err)
		return d
	}
	b := "222233334444"
	for _, c := range []struct {
		policy string
		want   bool
	}{
		{pullPolicyFor("arn:aws:iam::" + b + ":root"), true},
		{pullPolicyFor(b), true},
		{pullPolicyFor("arn:aws:iam::999988887777:root"), false},
		{pullPolicyFor("arn:aws:iam::"+b+":root", "ecr:BatchGetImage"), false}, // no layers
		{pullPolicyFor("arn:aws:iam::"+b+":root", "ecr:*"), true},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:*"}}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"},` +
			`{"Effect":"Deny","Principal":{"AWS":"` + b + `"},"Action":"ecr:BatchGetImage"}]}`, false},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}}`, false},
	} {
		assert.Equal(t, c.want, doc(c.policy).Allows(b, ecr.PullActions...), c.policy)
	}
}

// twoAccounts opens an owner account A holding repository app with image
// v1, and an account B that pulls from it.
func twoAccounts(t *testing.T) (owner, puller *harness, digest string) {
	owner, puller = newHarness(t), newHarness(t)
	owner.create(core.TokRepository, "repo", pmap(map[string]any{"name": "app", "imageTagMutability": "IMMUTABLE"}))
	pushed, err := ecr.PushImage(owner.acct, "app", "v1", "", program(t, "v1"))
	require.NoError(t, err)
	return owner, puller, pushed.Digest
}

// A task in account B runs an image from account A's registry only when
// A's repository policy lets B pull; otherwise it cannot pull, as ECS
// reports a 403 from the registry.
func TestTaskPullsFromAnotherAccountOnlyWithItsPolicy(t *testing.T) {
	owner, puller, digest := twoAccounts(t)
	image := ecrHost(owner.acct) + "app@" + digest
	s := newECSStack(t, puller, "")
	td := s.taskDef(image)
	spec := func() workload.TaskSpec {
		st := mustState(t, puller.acct)
		return workload.TaskSpecOf(st, core.NewIndex(st), td, "app")
	}

	denied := spec()
	assert.Contains(t, denied.PullErr, "CannotPullContainerError")
	assert.Contains(t, denied.PullErr, "403 Forbidden")
	assert.Contains(t, denied.PullErr, "ecr:BatchGetImage")
	assert.Empty(t, denied.Layer, "nothing to run")

	pol := owner.create(core.TokRepositoryPolicy, "pull", pmap(map[string]any{"repository": "app",
		"policy": pullPolicyFor("arn:aws:iam::999988887777:root")}))
	assert.Contains(t, spec().PullErr, "403 Forbidden", "a policy for another account")

	owner.update(pol, pmap(map[string]any{"repository": "app",
		"policy": pullPolicyFor("arn:aws:iam::" + puller.acct.ID() + ":root")}), false)
	ok := spec()
	require.Empty(t, ok.PullErr)
	assert.Equal(t, owner.acct.Dir(), ok.Registry)
	assert.NotEmpty(t, ok.Layer)

	// The real program runs in B from A's image.
	s.svc = puller.create(core.TokService, "svc", pmap(s.serviceInputs(td)))
	code, body := served(t, frontdoor.Handler(puller.acct), core.Str(s.lb.outs, "dnsName"), "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1", versionOf(t, body))

	// An account the sandbox does not know is a registry without the
	// repository.
	td = s.taskDef("999988887777.dkr.ecr.us-east-1.amazonaws.com/app:v1")
	unknown := spec()
	assert.Contains(t, unknown.PullErr, "RepositoryNotFoundException")
}

// DescribeImages with another account's registryId answers from that
// registry when its repository policy allows ecr:DescribeImages.
func TestDescribeImagesInAnotherAccountsRegistry(t *testing.T) {
	owner, puller, digest := twoAccounts(t)
	c := puller.cloud()
	ref := cloud.ImageRef{RegistryID: owner.acct.ID(), Repository: "app", Tag: "v1"}
	_, err := c.ImageDigest(t.Context(), ref)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDeniedException")
	assert.Contains(t, err.Error(), "ecr:DescribeImages")

	pol := owner.create(core.TokRepositoryPolicy, "pull", pmap(map[string]any{"repository": "app",
		"policy": pullPolicyFor(puller.acct.ID(), "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")}))
	_, err = c.ImageDigest(t.Context(), ref)
	assert.Contains(t, err.Error(), "AccessDeniedException", "pulling is not describing")

	owner.update(pol, pmap(map[string]any{"repository": "app", "policy": pullPolicyFor(puller.acct.ID())}), false)
	got, err := c.ImageDigest(t.Context(), ref)
	require.NoError(t, err)
	assert.Equal(t, digest, got, "answered from the owner's registry")

	_, err = c.ImageDigest(t.Context(), cloud.ImageRef{Repository: "app", Tag: "v1"})
	var nf *cloud.ImageNotFoundError
	require.ErrorAs(t, err, &nf, "without registryId it is the caller's own registry")
	assert.True(t, nf.NoRepository)

	_, err = c.ImageDigest(t.Context(), cloud.ImageRef{RegistryID: "999988887777", Repository: "app", Tag: "v1"})
	require.ErrorAs(t, err, &nf)
	assert.True(t, nf.NoRepository)
}

// Every opened account is found by its id; a deleted one is not.
func TestAccountsAreFoundByID(t *testing.T) {
	dir := t.TempDir()
	a, err := core.OpenAccount(dir)
	require.NoError(t, err)
	_, found, ok := core.AccountState(a.ID())
	require.True(t, ok)
	assert.Equal(t, dir, found)

	require.NoError(t, os.RemoveAll(dir))
	_, _, ok = core.AccountState(a.ID())
	assert.False(t, ok, "its directory is gone")
}
