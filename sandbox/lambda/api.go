package lambda

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// ServeLambda answers Lambda's REST-JSON API (version 2015-03-31): GetAlias,
// ListVersionsByFunction, DeleteFunction with a Qualifier (api_delete.go),
// and ListFunctions, GetFunction and ListAliases (api_list.go).
// https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html
// https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html
func ServeLambda(a *core.Account, w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	var op func(st *core.State) (any, error)
	get := r.Method == http.MethodGet && len(parts) >= 2 && parts[0] == "2015-03-31" && parts[1] == "functions"
	switch {
	case get && len(parts) == 2:
		op = listFunctions
	case get && len(parts) == 3:
		op = func(st *core.State) (any, error) { return getFunction(st, parts[2], r.URL.Query().Get("Qualifier")) }
	case get && len(parts) == 4 && parts[3] == "aliases":
		op = func(st *core.State) (any, error) { return listAliases(st, parts[2]) }
	case get && len(parts) == 5 && parts[3] == "aliases":
		op = func(st *core.State) (any, error) { return getAlias(st, parts[2], parts[4]) }
	case get && len(parts) == 4 && parts[3] == "versions":
		op = func(st *core.State) (any, error) { return listVersions(st, parts[2]) }
	case r.Method == http.MethodDelete && len(parts) == 3 && parts[0] == "2015-03-31" && parts[1] == "functions":
		serveDeleteFunction(a, w, r, parts[2])
		return
	}
	a.ServeRESTJSON(w, r, op)
}

func functionNotFound(fn string) error {
	return core.NotFound("ResourceNotFoundException", "Function not found: "+fn)
}

// lambdaFunction finds a function by name or (unqualified) ARN.
func lambdaFunction(st *core.State, nameOrARN string) (map[string]any, error) {
	fn := FunctionName(nameOrARN)
	for _, f := range core.NewIndex(st)[core.FunctionType] {
		if f["id"] == fn {
			return f, nil
		}
	}
	return nil, functionNotFound(nameOrARN)
}

// getAlias reports where the alias really points, including weighted
// routing to a second version.
func getAlias(st *core.State, function, name string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	for _, al := range core.NewIndex(st)[core.TokAlias] {
		if FunctionName(core.StrOf(al, "functionName")) != f["id"] || core.StrOf(al, "name") != name {
			continue
		}
		return aliasOf(al), nil
	}
	return nil, core.NotFound("ResourceNotFoundException", "Cannot find alias arn: "+core.StrOf(f, "arn")+":"+name)
}

// aliasOf is Lambda's AliasConfiguration.
// https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html
func aliasOf(al map[string]any) map[string]any {
	out := map[string]any{
		"AliasArn": al["arn"], "Name": core.StrOf(al, "name"), "FunctionVersion": al["functionVersion"],
		"Description": core.StrOf(al, "description"), "RevisionId": core.StableDigits(core.StrOf(al, "arn")+core.StrOf(al, "functionVersion"), 12),
	}
	if w := AliasWeights(al); len(w) > 0 {
		out["RoutingConfig"] = map[string]any{"AdditionalVersionWeights": w}
	}
	return out
}

// AliasWeights reads routingConfig.additionalVersionWeights: version → the
// fraction (0..1) of invocations it receives.
// https://docs.aws.amazon.com/lambda/latest/api/API_AliasRoutingConfiguration.html
func AliasWeights(al map[string]any) map[string]float64 {
	rc, _ := al["routingConfig"].(map[string]any)
	raw, _ := rc["additionalVersionWeights"].(map[string]any)
	out := map[string]float64{}
	for v, w := range raw {
		if f, ok := w.(float64); ok {
			out[v] = f
		}
	}
	return out
}

// listVersions lists $LATEST and every published version.
func listVersions(st *core.State, function string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	id := core.StrOf(f, "id")
	versions := []any{functionConfiguration(f, "$LATEST", core.StrOf(f, "codeSha256"))}
	if ls := st.Lambda[id]; ls != nil {
		for _, v := range ls.Published {
			versions = append(versions, functionConfiguration(f, v, ls.Code[v]))
		}
	}
	return map[string]any{"Versions": versions}, nil
}

// functionConfiguration is Lambda's FunctionConfiguration of one version.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
func functionConfiguration(f map[string]any, version, sha string) map[string]any {
	arn := core.StrOf(f, "arn") + ":" + version
	return map[string]any{
		"FunctionName": core.StrOf(f, "id"), "FunctionArn": arn, "Version": version, "Runtime": f["runtime"],
		"Handler": f["handler"], "Role": f["role"], "MemorySize": f["memorySize"], "Timeout": f["timeout"],
		"CodeSha256": sha, "LastModified": f["lastModified"], "State": "Active", "PackageType": "Zip",
	}
}
