package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

func TestMisspeltFlagSuggestsTheFlag(t *testing.T) {
	code, _, errOut := runMain("up", "--stack", "staging", "--sandbx", "--cwd", testproject.Root(t))
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "unknown flag: --sandbx; did you mean --sandbox?")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
}

func TestStackAsArgumentSuggestsStackFlag(t *testing.T) {
	code, _, errOut := runMain("up", "staging", "--cwd", testproject.Root(t))
	assert.Equal(t, ExitBadInput, code, errOut)
	assert.Contains(t, errOut, "did you mean `kirikae up --stack staging --cwd "+testproject.Root(t)+"`?")

	code, _, errOut = runMain("up", "nosuchstack", "--cwd", testproject.Root(t))
	assert.Equal(t, ExitBadInput, code, errOut)
	assert.NotContains(t, errOut, "--stack nosuchstack", "no stack file of that name: no suggestion")
}

func TestSandboxKeysWithoutSandboxSayAddSandbox(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", sandbox.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sandbox.SecretAccessKey)
	for _, args := range [][]string{{"status", "--stack", "staging"}, {"up", "--stack", "staging"}, {"releases", "--stack", "staging"}} {
		code, out, errOut := runMain(append(args, "--cwd", testproject.Root(t))...)
		assert.Equal(t, ExitBadInput, code, "%v: %s", args, errOut)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "add --sandbox (`kirikae "+args[0]+" --stack staging --sandbox`)", args)
	}
	// Commands that reach no AWS are left alone.
	code, _, errOut := runMain("config", "check", "--cwd", testproject.Root(t))
	assert.Equal(t, ExitOK, code, errOut)
}

func TestPromoteHintsLeadSomewhere(t *testing.T) {
	inv := deploy.Invocation{Stack: "product", Sandbox: true}
	line := func(err error) string {
		var out bytes.Buffer
		report(&out, err, inv)
		return out.String()
	}
	// After a failed staging deploy, `up` alone changes nothing.
	got := line(&deploy.PromoteRefusedError{From: "staging", To: "product", Reason: "x", NeedsFix: true})
	assert.NotContains(t, got, "`kirikae up --stack staging --sandbox`")
	assert.Contains(t, got, "`kirikae sandbox push-image FIXED_TAG --stack staging --sandbox`")
	assert.Contains(t, got, "`kirikae up --stack staging --image FIXED_TAG --sandbox`")
	// A release that is not the latest, when the latest is good.
	got = line(&deploy.PromoteRefusedError{From: "staging", To: "product", Reason: "x", Promotable: 15})
	assert.Contains(t, got, "`kirikae promote --from staging --to product --release 15 --sandbox`")
}

func TestCircuitBreakerHintNamesTheCluster(t *testing.T) {
	var out bytes.Buffer
	report(&out, &deploy.CircuitBreakerError{Stack: "staging", Cluster: "kirikae-staging", Service: "kirikae-staging-green"},
		deploy.Invocation{Stack: "staging", Sandbox: true})
	assert.Contains(t, out.String(), "`aws ecs describe-services --cluster kirikae-staging --services kirikae-staging-green`")
	assert.Contains(t, out.String(), "`kirikae logs --stack staging --color green --sandbox`")
}
