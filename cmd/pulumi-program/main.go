// Command pulumi-program is the program Pulumi.yaml names (main:), the one
// a plain `pulumi preview` or `pulumi up` in the repository runs through
// the Go language host: kirikae's infrastructure with the stack's live
// release values applied (deploy.PlainProgram), so a preview of a deployed
// stack shows no changes; an update is refused in one line naming the
// kirikae command that deploys. kirikae's own commands never run it: they
// run the same program inline through the Automation API.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/deploy"
)

func main() {
	dir := os.Getenv(pulumi.EnvPulumiRootDirectory)
	if dir == "" {
		dir, _ = os.Getwd()
	}
	env := deploy.PlainProgramEnv{ProjectDir: dir, BackendURL: os.Getenv("PULUMI_BACKEND_URL")}
	// Read before pulumi.Run registers anything (see deploy.RefusePlainUp).
	dryRun, _ := strconv.ParseBool(os.Getenv(pulumi.EnvDryRun))
	if err := deploy.RefusePlainUp(env, os.Getenv(pulumi.EnvStack), dryRun); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pulumi.Run(deploy.PlainProgram(env))
}
