package infra

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Yours is where your team adds its own AWS resources: a queue, a table, a
// secret, a bucket. The program calls it after kirikae's components, with
// the stack's config, the network and the service's role in `in`.
// Resources here deploy with `up` like the rest; in the sandbox, a type
// without a dedicated model is kept as state only (docs/your-resources.md).
//
// For example (docs/your-resources.md has the whole walk-through):
//
//	_, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String(in.Name("jobs")), Tags: in.Tags})
//	return err
func Yours(ctx *pulumi.Context, in YoursInput) error {
	return nil
}
