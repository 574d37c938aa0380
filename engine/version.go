package engine

// PulumiVersion is the Pulumi CLI version kirikae drives. It must equal the
// github.com/pulumi/pulumi/sdk/v3 version in go.mod and the pkg/v3 version in
// tools/pulumi/go.mod (a test checks both): the Automation API refuses a CLI
// older than its SDK, and a newer CLI may write state an older one can't read.
const PulumiVersion = "3.274.1"
