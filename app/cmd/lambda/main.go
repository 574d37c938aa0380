// Command lambda is the example API as a Lambda function: the same handler
// as the ECS server, behind API Gateway's HTTP API (payload format 2.0),
// run by aws-lambda-go against the Lambda Runtime API. Build it as
// `bootstrap` for the provided.al2023 runtime with build.LambdaZip.
package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/kirikae/kirikae/app/api"
	"github.com/kirikae/kirikae/app/apigw"
)

// Version is the release this function serves, set at build time with
// -ldflags "-X main.Version=…"; never read from the environment.
var Version = "dev"

func main() {
	// AWS_LAMBDA_FUNCTION_VERSION is a reserved variable the Lambda service
	// sets to the published version it runs:
	// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
	http := apigw.Handler(api.NewOnLambda(Version, os.Getenv("AWS_LAMBDA_FUNCTION_VERSION")))
	lambda.Start(handler(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return http(ctx, ev)
	}))
}
