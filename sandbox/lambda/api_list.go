package lambda

import (
	"slices"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// qualifiedName splits name:version or an ARN ending in :version.
func qualifiedName(function string) (name, version string, ok bool) {
	name = FunctionName(function)
	if n, v, found := strings.Cut(name, ":"); found {
		return n, v, true
	}
	return name, "", false
}

// listFunctions lists each function's unpublished version, $LATEST, as
// ListFunctions does without FunctionVersion=ALL.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
func listFunctions(st *core.State) (any, error) {
	functions := []any{}
	for _, f := range core.NewIndex(st)[core.FunctionType] {
		c := functionConfiguration(f, "$LATEST", core.StrOf(f, "codeSha256"))
		c["FunctionArn"] = core.StrOf(f, "arn") // the unqualified ARN
		functions = append(functions, c)
	}
	return map[string]any{"Functions": functions}, nil
}

// getFunction reports the configuration of the version the Qualifier (or
// a name:version) names, $LATEST without one, and the function's tags. A
// published version keeps the CodeSha256 of the package it was published
// with. The code location (a presigned S3 URL on AWS) is not simulated.
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
func getFunction(st *core.State, function, qualifier string) (any, error) {
	if name, v, ok := qualifiedName(function); ok && qualifier == "" {
		function, qualifier = name, v
	}
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	c := functionConfiguration(f, "$LATEST", core.StrOf(f, "codeSha256"))
	c["FunctionArn"] = core.StrOf(f, "arn")
	for _, al := range core.NewIndex(st)[core.TokAlias] {
		if qualifier != "" && FunctionName(core.StrOf(al, "functionName")) == f["id"] && core.StrOf(al, "name") == qualifier {
			qualifier = core.StrOf(al, "functionVersion") // an alias qualifies the version it points at
		}
	}
	if qualifier != "" && qualifier != "$LATEST" {
		ls := st.Lambda[core.StrOf(f, "id")]
		if ls == nil || !slices.Contains(ls.Published, qualifier) {
			return nil, functionNotFound(core.StrOf(f, "arn") + ":" + qualifier)
		}
		c = functionConfiguration(f, qualifier, ls.Code[qualifier])
	}
	out := map[string]any{"Configuration": c, "Code": map[string]any{"RepositoryType": "S3"}}
	if tags, ok := f["tags"].(map[string]any); ok {
		out["Tags"] = tags
	}
	return out, nil
}

// listAliases: https://docs.aws.amazon.com/lambda/latest/api/API_ListAliases.html
func listAliases(st *core.State, function string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	aliases := []any{}
	for _, al := range core.NewIndex(st)[core.TokAlias] {
		if FunctionName(core.StrOf(al, "functionName")) == f["id"] {
			aliases = append(aliases, aliasOf(al))
		}
	}
	return map[string]any{"Aliases": aliases}, nil
}
