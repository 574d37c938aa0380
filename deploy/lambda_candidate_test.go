package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/app/api"
	"github.com/kirikae/kirikae/app/apigw"
)

// The example function itself answers through the candidate listener:
// the request becomes the HTTP API event its handler reads, its response
// becomes HTTP again.
func TestCandidateListenerInvokesTheVersionLikeAnHTTPAPI(t *testing.T) {
	fn := apigw.Handler(api.NewOnLambda("r7", "7"))
	var seen events.APIGatewayV2HTTPRequest
	url, stop, err := serveCandidate(func(ctx context.Context, payload []byte) ([]byte, error) {
		require.NoError(t, json.Unmarshal(payload, &seen))
		res, err := fn(ctx, seen)
		if err != nil {
			return nil, err
		}
		return json.Marshal(res)
	})
	require.NoError(t, err)
	defer stop()

	resp, err := http.Get(url + "/api/hello?name=smoke")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"message":"hello, smoke"}`, string(body))
	assert.Equal(t, "7", resp.Header.Get("X-Kirikae-Function-Version"), "the version invoked answered")
	assert.Equal(t, "2.0", seen.Version)
	assert.Equal(t, "GET", seen.RequestContext.HTTP.Method)
	assert.Equal(t, "name=smoke", seen.RawQueryString)

	resp, err = http.Post(url+"/api/hello", "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "the method is the one sent")
}

func TestCandidateListenerAnswers500WhenTheInvocationFails(t *testing.T) {
	url, stop, err := serveCandidate(func(context.Context, []byte) ([]byte, error) {
		return nil, errors.New("invoke api:3: Unhandled: runtime exited")
	})
	require.NoError(t, err)
	defer stop()
	resp, err := http.Get(url + "/api/hello")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode)
	assert.Contains(t, string(body), "runtime exited")
}
