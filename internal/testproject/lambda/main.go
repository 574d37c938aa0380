// Command lambda is a test function for the sandbox's real Lambda: the
// example API (as app/cmd/lambda serves it) whose misbehaviour is chosen by
// the version baked into it (-ldflags -X main.Version=…), so a test
// deploys broken code the way a team would:
//
//	*errors*  passes /healthz, fails every /api/… invocation with a
//	          function error (Lambda's Errors metric; API Gateway's 500)
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/kirikae/kirikae/app/api"
	"github.com/kirikae/kirikae/app/apigw"
)

var Version = "dev"

func main() {
	http := apigw.Handler(api.NewOnLambda(Version, os.Getenv("AWS_LAMBDA_FUNCTION_VERSION")))
	lambda.Start(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (any, error) {
		if strings.Contains(Version, "errors") && strings.HasPrefix(ev.RawPath, "/api/") {
			return nil, fmt.Errorf("version %s: failing %s", Version, ev.RawPath)
		}
		return http(ctx, ev)
	})
}
