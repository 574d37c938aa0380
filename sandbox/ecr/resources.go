package ecr

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the ecr resource types to the provider's registry.
func Register() {
	registerPolicy()
	registerLifecycle()
	core.Register(
		&core.TypeSpec{Token: "aws:ecr/repository:Repository", Name: "name", NameMax: 256, LowerName: true,
			Immutable: []string{"name"},
			Defaults:  map[string]any{"imageTagMutability": "MUTABLE", "forceDelete": false},
			Create: func(e *core.Env) (string, error) {
				n := e.Name()
				e.Put("arn", e.Arn("ecr", e.Region, "repository/"+n))
				e.Put("registryId", e.Account)
				e.Put("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", e.Account, e.Region, n))
				return n, nil
			},
			// Only an empty repository (or forceDelete) is deleted; its
			// images go with it, so a repository created again under the
			// name starts empty as a new ECR repository does; the next
			// push collects the programs no image refers to any more.
			RefuseDelete: core.RepositoryNotEmpty,
			Remove: func(st *core.State, r *core.Record) {
				delete(st.Images, r.ID)
				dropRepositoryPolicy(st, r.ID) // ecr/policy.go
				dropLifecyclePolicy(st, r.ID)  // ecr/lifecycle.go
			}},
	)
}
