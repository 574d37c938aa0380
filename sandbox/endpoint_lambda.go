package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

const tokAlias = "aws:lambda/alias:Alias"

// serveLambda answers Lambda's REST-JSON API (version 2015-03-31): GetAlias
// and ListVersionsByFunction.
// https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html
// https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html
func (a *Account) serveLambda(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	var out any
	var op func(st *state) (any, error)
	switch {
	case r.Method == http.MethodGet && len(parts) == 5 && parts[0] == "2015-03-31" && parts[1] == "functions" && parts[3] == "aliases":
		op = func(st *state) (any, error) { return getAlias(st, parts[2], parts[4]) }
	case r.Method == http.MethodGet && len(parts) == 4 && parts[0] == "2015-03-31" && parts[1] == "functions" && parts[3] == "versions":
		op = func(st *state) (any, error) { return listVersions(st, parts[2]) }
	default:
		writeError(w, r, protoRESTJSON, unknownOperation(r.Method+" "+r.URL.Path))
		return
	}
	err := a.view(func(st *state) error {
		var err error
		out, err = op(st)
		return err
	})
	if err != nil {
		writeError(w, r, protoRESTJSON, asAPIError(err))
		return
	}
	writeJSON(w, "application/json", out)
}

func functionNotFound(fn string) error {
	return notFound("ResourceNotFoundException", "Function not found: "+fn)
}

// lambdaFunction finds a function by name or (unqualified) ARN.
func lambdaFunction(st *state, nameOrARN string) (map[string]any, error) {
	fn := functionName(nameOrARN)
	for _, f := range newIndex(st)[functionType] {
		if f["id"] == fn {
			return f, nil
		}
	}
	return nil, functionNotFound(nameOrARN)
}

// getAlias reports where the alias really points, including weighted
// routing to a second version.
func getAlias(st *state, function, name string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	for _, al := range newIndex(st)[tokAlias] {
		if functionName(strOf(al, "functionName")) != f["id"] || strOf(al, "name") != name {
			continue
		}
		out := map[string]any{
			"AliasArn": al["arn"], "Name": name, "FunctionVersion": al["functionVersion"],
			"Description": strOf(al, "description"), "RevisionId": stableDigits(strOf(al, "arn")+strOf(al, "functionVersion"), 12),
		}
		if w := aliasWeights(al); len(w) > 0 {
			out["RoutingConfig"] = map[string]any{"AdditionalVersionWeights": w}
		}
		return out, nil
	}
	return nil, notFound("ResourceNotFoundException", "Cannot find alias arn: "+strOf(f, "arn")+":"+name)
}

// aliasWeights reads routingConfig.additionalVersionWeights: version → the
// fraction (0..1) of invocations it receives.
// https://docs.aws.amazon.com/lambda/latest/api/API_AliasRoutingConfiguration.html
func aliasWeights(al map[string]any) map[string]float64 {
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
func listVersions(st *state, function string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	id := strOf(f, "id")
	config := func(version, sha string) map[string]any {
		arn := strOf(f, "arn") + ":" + version
		return map[string]any{
			"FunctionName": id, "FunctionArn": arn, "Version": version, "Runtime": f["runtime"],
			"Handler": f["handler"], "Role": f["role"], "MemorySize": f["memorySize"], "Timeout": f["timeout"],
			"CodeSha256": sha, "LastModified": f["lastModified"], "State": "Active", "PackageType": "Zip",
		}
	}
	versions := []any{config("$LATEST", strOf(f, "codeSha256"))}
	if ls := st.Lambda[id]; ls != nil {
		for _, v := range ls.Published {
			versions = append(versions, config(v, ls.Code[v]))
		}
	}
	return map[string]any{"Versions": versions}, nil
}
