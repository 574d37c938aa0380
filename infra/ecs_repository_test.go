package infra

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

const (
	typeRepository       = "aws:ecr/repository:Repository"
	typeRepositoryPolicy = "aws:ecr/repositoryPolicy:RepositoryPolicy"
)

// One repository for every stack: the owner creates it, a stack that
// pulls from it never does (in one account a second CreateRepository
// fails with RepositoryAlreadyExistsException), and its tasks pull by the
// owner's registry URL, which its execution role may read.
func TestOnlyTheOwnerCreatesTheRepository(t *testing.T) {
	owner := run(t, testConfig(stacks.BackendECS))
	require.Len(t, owner.ofType(typeRepository), 1)
	assert.Empty(t, owner.ofType(typeRepositoryPolicy), "no other account pulls: no repository policy")

	cfg := testConfig(stacks.BackendECS)
	cfg.Stack, cfg.ImageRepositoryOwner = "product", false
	same := run(t, cfg)
	assert.Empty(t, same.ofType(typeRepository), "the second stack in one account does not create the repository again")
	assert.Equal(t, mockAccount+".dkr.ecr.eu-west-1.amazonaws.com/api:v2", container(t, same, "blue")["image"],
		"no registry id: the repository of the stack's own account")

	cfg.ImageRegistryID = "111122223333"
	other := run(t, cfg)
	assert.Empty(t, other.ofType(typeRepository))
	assert.Equal(t, "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:v2", container(t, other, "green")["image"])
	var doc struct {
		Statement []struct {
			Sid      string
			Resource any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(str(t, other.one(t, "aws:iam/rolePolicy:RolePolicy", "execution").Inputs, "policy")), &doc))
	var pull any
	for _, s := range doc.Statement {
		if s.Sid == "PullOwnRepository" {
			pull = s.Resource
		}
	}
	assert.Equal(t, "arn:aws:ecr:eu-west-1:111122223333:repository/api", pull, "the execution role may pull from the owner's repository")
}

// The owner opens the repository to the accounts that pull from it.
func TestOwnerLetsPullAccountsPull(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.ImagePullAccounts = []string{"210987654321", "111122223333"}
	m := run(t, cfg)
	pol := m.one(t, typeRepositoryPolicy, "repository-pull")
	assert.Equal(t, "api", str(t, pol.Inputs, "repository"))
	var doc struct {
		Statement []struct {
			Effect    string
			Principal map[string][]string
			Action    []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(str(t, pol.Inputs, "policy")), &doc))
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, "Allow", doc.Statement[0].Effect)
	assert.Equal(t, []string{"arn:aws:iam::210987654321:root", "arn:aws:iam::111122223333:root"}, doc.Statement[0].Principal["AWS"])
	assert.ElementsMatch(t, []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages"}, doc.Statement[0].Action,
		"the pulling stack's preflight describes the image")
}

// The owner's repository expires images beyond what kept releases need,
// newest kept; a stack that does not own it manages no lifecycle.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
func TestOwnerRepositoryExpiresImagesBeyondKeptReleases(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.KeepReleases = 5
	m := run(t, cfg)
	lp := m.one(t, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "repository-lifecycle")
	assert.Equal(t, "api", str(t, lp.Inputs, "repository"))
	var doc struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus   string `json:"tagStatus"`
				CountType   string `json:"countType"`
				CountNumber int    `json:"countNumber"`
			} `json:"selection"`
			Action struct {
				Type string `json:"type"`
			} `json:"action"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(str(t, lp.Inputs, "policy")), &doc))
	require.Len(t, doc.Rules, 1)
	r := doc.Rules[0]
	assert.Equal(t, 1, r.RulePriority)
	assert.Equal(t, "any", r.Selection.TagStatus)
	assert.Equal(t, "imageCountMoreThan", r.Selection.CountType)
	assert.Equal(t, 15, r.Selection.CountNumber, "3 images per kept release")
	assert.Equal(t, "expire", r.Action.Type)

	cfg.Stack, cfg.ImageRepositoryOwner = "product", false
	assert.Empty(t, run(t, cfg).ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy"))
}
