package apigateway

import (
	"net/http"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

const tokAPI = "aws:apigatewayv2/api:Api"

// Serve answers the API Gateway v2 REST calls (restJson1) the sandbox
// serves: GetApis.
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request) {
	var op func(st *core.State) (any, error)
	if r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == "/v2/apis" {
		op = getApis
	}
	a.ServeRESTJSON(w, r, op)
}

// getApis: https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html#apisget
func getApis(st *core.State) (any, error) {
	items := []any{}
	for _, api := range core.NewIndex(st)[tokAPI] {
		items = append(items, apiOf(api))
	}
	return map[string]any{"items": items}, nil
}

// apiOf is the Api shape of GetApis.
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html#apis-http-methods
func apiOf(api map[string]any) map[string]any {
	out := map[string]any{
		"apiId": core.StrOf(api, "id"), "name": core.StrOf(api, "name"), "protocolType": core.StrOf(api, "protocolType"),
		"apiEndpoint": core.StrOf(api, "apiEndpoint"), "createdDate": core.FixedTime,
		"routeSelectionExpression":  core.StrOf(api, "routeSelectionExpression"),
		"apiKeySelectionExpression": core.StrOf(api, "apiKeySelectionExpression"),
		"disableExecuteApiEndpoint": core.BoolOf(api, "disableExecuteApiEndpoint"),
	}
	if tags, ok := api["tags"].(map[string]any); ok {
		out["tags"] = tags
	}
	if d := core.StrOf(api, "description"); d != "" {
		out["description"] = d
	}
	return out
}
