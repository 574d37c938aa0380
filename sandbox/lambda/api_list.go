package lambda

import (
	"github.com/kirikae/kirikae/sandbox/core"
)

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

// getFunction reports the function's $LATEST configuration and tags. The
// code location (a presigned S3 URL on AWS) is not simulated.
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
func getFunction(st *core.State, function string) (any, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return nil, err
	}
	c := functionConfiguration(f, "$LATEST", core.StrOf(f, "codeSha256"))
	c["FunctionArn"] = core.StrOf(f, "arn")
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
