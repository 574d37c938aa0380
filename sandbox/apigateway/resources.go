package apigateway

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the apigateway resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:apigatewayv2/api:Api", Required: []string{"protocolType"}, Name: "name", NameMax: 128,
			Immutable: []string{"protocolType"},
			Defaults: map[string]any{"routeSelectionExpression": "$request.method $request.path",
				"apiKeySelectionExpression": "$request.header.x-api-key", "disableExecuteApiEndpoint": false},
			Create: func(e *core.Env) (string, error) {
				id := e.Lower(10)
				scheme := "https"
				if e.Str("protocolType") == "WEBSOCKET" {
					scheme = "wss"
				}
				e.Put("apiEndpoint", fmt.Sprintf("%s://%s.execute-api.%s.amazonaws.com", scheme, id, e.Region))
				e.Put("executionArn", e.Arn("execute-api", e.Region, id))
				e.Put("arn", fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", e.Region, id))
				return id, nil
			}},
		&core.TypeSpec{Token: "aws:apigatewayv2/integration:Integration", Required: []string{"apiId", "integrationType"},
			Immutable: []string{"apiId"},
			Defaults:  map[string]any{"connectionType": "INTERNET", "timeoutMilliseconds": 30000.0, "payloadFormatVersion": "1.0"},
			Create:    func(e *core.Env) (string, error) { return e.Lower(7), nil }},
		&core.TypeSpec{Token: "aws:apigatewayv2/route:Route", Required: []string{"apiId", "routeKey"},
			Immutable: []string{"apiId"},
			Defaults:  map[string]any{"authorizationType": "NONE", "apiKeyRequired": false},
			Create:    func(e *core.Env) (string, error) { return e.Lower(7), nil }},
		&core.TypeSpec{Token: "aws:apigatewayv2/stage:Stage", Required: []string{"apiId"}, Name: "name", NameMax: 128,
			Scope: "apiId", Immutable: []string{"apiId", "name"}, Defaults: map[string]any{"autoDeploy": false},
			Create: func(e *core.Env) (string, error) {
				api, n := e.Str("apiId"), e.Name()
				path := n
				if n == "$default" {
					path = "" // the $default stage is served at the API root
				}
				e.Put("invokeUrl", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", api, e.Region, path))
				e.Put("arn", fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s/stages/%s", e.Region, api, n))
				e.Put("executionArn", e.Arn("execute-api", e.Region, api+"/"+n))
				return n, nil
			}},
	)
}
