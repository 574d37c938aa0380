package sandbox

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Invoke runs an event on the version the Qualifier names (a number or an
// alias), answering what the function returned, with the version that ran.
func TestInvokeRunsTheQualifiedVersion(t *testing.T) {
	h := newHarness(t)
	zip := filepath.Join(t.TempDir(), "function.zip")
	buildLambda(t, "r1", zip)
	fn := h.create(core.FunctionType, "fn", appFunction(t, zip))
	h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	buildLambda(t, "r2", zip)
	fn = h.update(fn, appFunction(t, zip), false)
	require.Equal(t, "2", core.Str(fn.outs, "version"))
	ep := serve(t, h.acct)
	c := awslambda.New(awslambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider(core.AccessKeyID, core.SecretAccessKey, "")})
	invoke := func(qualifier string, event any) (*awslambda.InvokeOutput, error) {
		payload, err := json.Marshal(event)
		require.NoError(t, err)
		return c.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String("api"), Qualifier: aws.String(qualifier), Payload: payload})
	}

	// The example function's migration event (app/cmd/lambda).
	out, err := invoke("2", map[string]any{"kirikaeMigrate": []string{"migrate"}})
	require.NoError(t, err)
	assert.Equal(t, "2", aws.ToString(out.ExecutedVersion))
	assert.Nil(t, out.FunctionError)
	assert.JSONEq(t, `{"exitCode":0,"output":"migrate: release r2: database schema is up to date\n"}`, string(out.Payload))

	// The alias runs the version it points at, not the newest.
	out, err = invoke("live", map[string]any{"kirikaeMigrate": []string{"migrate"}})
	require.NoError(t, err)
	assert.Equal(t, "1", aws.ToString(out.ExecutedVersion))
	assert.Contains(t, string(out.Payload), "release r1")

	// A handler error is a 200 whose X-Amz-Function-Error says so.
	out, err = invoke("2", "not an event")
	require.NoError(t, err)
	assert.Equal(t, "Unhandled", aws.ToString(out.FunctionError))
	assert.Contains(t, string(out.Payload), "errorMessage")

	_, err = invoke("9", map[string]any{})
	var nf *lambdatypes.ResourceNotFoundException
	assert.ErrorAs(t, err, &nf)
}
