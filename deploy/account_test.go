package deploy_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// stackResources counts the account's resources tagged for each stack.
func stackResources(t *testing.T, acct *sandbox.Account) map[string]int {
	t.Helper()
	rs, err := acct.Resources()
	require.NoError(t, err)
	n := map[string]int{}
	for _, r := range rs {
		if tags, ok := r.Inputs["tags"].(map[string]any); ok {
			if s, ok := tags["kirikae:stack"].(string); ok {
				n[s]++
			}
		}
	}
	return n
}

func openAccount(t *testing.T, dir, stack string) *sandbox.Account {
	t.Helper()
	a, err := deploy.OpenSandboxAccount(dir, stack)
	require.NoError(t, err)
	return a
}

// Staging and product share the project's one sandbox account, as a
// team's stacks share one AWS account, and deploy into it at the same time:
// two engines, two providers, one account, nothing lost.
func TestStagingAndProductDeployIntoOneSandboxAccount(t *testing.T) {
	dir := testproject.Copy(t)
	// ECR refuses a second repository of the same name in the account:
	// staging creates the one repository (imageRepositoryOwner), product
	// pulls from it.
	sessions := []*deploy.Session{openSandbox(t, dir, "staging", nil), openSandbox(t, dir, "product", nil)}
	// Both stacks' tasks pull staging's image: it is pushed before they
	// start, as a pipeline does.
	withImage(t, sessions[0])
	results := make([]*deploy.Result, len(sessions))
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Up(context.Background(), deploy.UpOptions{})
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	acct := openAccount(t, dir, "staging")
	assert.Equal(t, acct.Dir(), openAccount(t, dir, "product").Dir(), "one account for both stacks")
	counts := stackResources(t, acct)
	assert.Positive(t, counts["staging"])
	assert.Equal(t, counts["staging"], counts["product"]+1, "each stack's resources are all there; the repository is staging's")
	for i, stack := range []string{"staging", "product"} {
		name := testproject.Stack(t, dir, stack).ServiceName
		assert.Equal(t, name+"-"+stack+"-frontend-"+acct.ID(), results[i].Outputs["frontendBucket"].Value)
	}
}

// kirikae:sandboxAccount opts into one account per stack: separate ids, and
// the same names in both (here each account owns a repository of the same
// name; pulling staging's images across accounts is crossaccount_test.go's).
func TestOneSandboxAccountPerStack(t *testing.T) {
	dir := testproject.Copy(t)
	for _, stack := range []string{"staging", "product"} {
		editStackFile(t, dir, stack, "kirikae:sandboxAccount: "+stack)
	}
	setStackValue(t, dir, "product", stacks.KeyImageRepositoryOwner, `"true"`)
	up(t, openSandbox(t, dir, "staging", nil))
	up(t, openSandbox(t, dir, "product", nil))
	staging, product := openAccount(t, dir, "staging"), openAccount(t, dir, "product")
	assert.NotEqual(t, staging.Dir(), product.Dir())
	assert.NotEqual(t, staging.ID(), product.ID(), "every account has its own id")
	assert.Equal(t, map[string]int{"staging": stackResources(t, staging)["staging"]}, stackResources(t, staging))
	assert.Equal(t, map[string]int{"product": stackResources(t, product)["product"]}, stackResources(t, product))
}

// Bucket names are global: a second project's default bucket name must not
// be the first's, and a name another sandbox account holds is refused with
// S3's BucketAlreadyExists.
func TestSecondProjectsBucketLivesBesideTheFirst(t *testing.T) {
	first, second := testproject.Copy(t), testproject.Copy(t)
	a := up(t, openSandbox(t, first, "staging", nil))
	b := up(t, openSandbox(t, second, "staging", nil))
	taken := a.Outputs["frontendBucket"].Value.(string)
	assert.NotEqual(t, taken, b.Outputs["frontendBucket"].Value, "each account's default name is its own")

	editStackFile(t, second, "staging", "kirikae:frontendBucket: "+taken)
	_, err := openSandbox(t, second, "staging", nil).Up(context.Background(), deploy.UpOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BucketAlreadyExists")
}

// A containerPort change replaces both target groups, the new ones created
// before the old ones are deleted: their names must differ.
func TestContainerPortChangeReplacesTargetGroups(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	setStackValue(t, dir, "staging", "kirikae:containerPort", "9090")
	res := up(t, openSandbox(t, dir, "staging", nil))
	assert.Equal(t, deploy.OpReplace, changedTypes(res)["aws:lb/targetGroup:TargetGroup"])
	var ports []float64
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:lb/targetGroup:TargetGroup" {
			ports = append(ports, r.Outputs["port"].(float64))
		}
	}
	assert.Equal(t, []float64{9090, 9090}, ports, "the old groups are gone")
}

// destroy stops before deleting anything while the frontend bucket holds
// objects, naming the bucket and how many; ForceEmpty empties it and
// destroys everything.
func TestDestroyNamesTheFullBucketAndForceEmptyDeletesIt(t *testing.T) {
	dir := testproject.Copy(t)
	s := openSandbox(t, dir, "staging", nil)
	up(t, s)
	for _, key := range []string{"releases/r1/index.html", "releases/r1/app.js"} {
		require.NoError(t, deploy.PutFrontendObject(context.Background(), s, key, []byte(key)))
	}
	before := len(resourcesOf(t, dir))

	_, _, err := openSandbox(t, dir, "staging", nil).DestroyWith(context.Background(), deploy.DestroyOptions{})
	var blocked *deploy.DestroyBlockedError
	require.ErrorAs(t, err, &blocked)
	require.Len(t, blocked.Blockers, 1)
	b := blocked.Blockers[0]
	assert.Equal(t, "bucket", b.Kind)
	assert.True(t, strings.HasPrefix(b.Name, testproject.Stack(t, dir, "staging").ServiceName+"-staging-frontend-"), b.Name)
	assert.Equal(t, 2, b.Count)
	assert.False(t, blocked.Partial)
	assert.Contains(t, err.Error(), "nothing was deleted")
	assert.Contains(t, blocked.Hint(deploy.Invocation{Stack: "staging"}), "--force-empty")
	assert.Len(t, resourcesOf(t, dir), before, "nothing was deleted")

	res, emptied, err := openSandbox(t, dir, "staging", nil).DestroyWith(context.Background(), deploy.DestroyOptions{ForceEmpty: true})
	require.NoError(t, err)
	// The repository holds the image the tasks ran, which the engine meets
	// later (RepositoryNotEmptyException) and ForceEmpty deletes too.
	assert.ElementsMatch(t, []deploy.Blocker{b, {Kind: "repository", Name: testproject.Stack(t, dir, "staging").ImageRepository, Count: 1}}, emptied)
	assert.Positive(t, res.Changes[deploy.OpDelete])
	assert.Empty(t, resourcesOf(t, dir))
}

// A repository holding images stops destroy when the engine reaches it,
// as ECR refuses (RepositoryNotEmptyException): destroy names it and the
// image count; ForceEmpty deletes the images and finishes.
func TestDestroyNamesTheRepositoryWithImagesAndForceEmptyFinishes(t *testing.T) {
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))
	repo := testproject.Stack(t, dir, "staging").ImageRepository
	_, err := account(t, dir).PushImage(repo, "v9", "", []byte("#!program v9"))
	require.NoError(t, err)

	_, _, err = openSandbox(t, dir, "staging", nil).DestroyWith(context.Background(), deploy.DestroyOptions{})
	var blocked *deploy.DestroyBlockedError
	require.ErrorAs(t, err, &blocked)
	// v9 and the image the stack's tasks run (up pushed it first).
	assert.Equal(t, []deploy.Blocker{{Kind: "repository", Name: repo, Count: 2}}, blocked.Blockers)
	assert.True(t, blocked.Partial)
	assert.Contains(t, err.Error(), "repository "+repo+" holds 2 images")
	left := resourcesOf(t, dir)
	require.NotEmpty(t, left)

	_, emptied, err := openSandbox(t, dir, "staging", nil).DestroyWith(context.Background(), deploy.DestroyOptions{ForceEmpty: true})
	require.NoError(t, err)
	assert.Equal(t, []deploy.Blocker{{Kind: "repository", Name: repo, Count: 2}}, emptied)
	assert.Empty(t, resourcesOf(t, dir))
}
