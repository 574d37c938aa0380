package infra

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/stacks"
)

// A new object at an unchanged s3:// key changes the function's code
// inputs: its version id becomes s3ObjectVersion, its ETag sourceCodeHash.
func TestFunctionCodeFollowsTheArtifactRevision(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda) // s3://artifacts/api/v2.zip
	fn := run(t, cfg).one(t, typeFunction, "function")
	assert.False(t, has(fn.Inputs, "s3ObjectVersion"))
	assert.False(t, has(fn.Inputs, "sourceCodeHash"))

	cfg.LambdaArtifactRevision = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
	fn = run(t, cfg).one(t, typeFunction, "function")
	assert.Equal(t, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", str(t, fn.Inputs, "s3ObjectVersion"))
	assert.False(t, has(fn.Inputs, "sourceCodeHash"))

	cfg.LambdaArtifactRevision = `"9b2cf535f27731c974343645a3985328"`
	fn = run(t, cfg).one(t, typeFunction, "function")
	assert.Equal(t, `"9b2cf535f27731c974343645a3985328"`, str(t, fn.Inputs, "sourceCodeHash"))
	assert.False(t, has(fn.Inputs, "s3ObjectVersion"))
}
