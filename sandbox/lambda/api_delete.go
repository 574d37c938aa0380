package lambda

import (
	"net/http"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// serveDeleteFunction answers DeleteFunction with a Qualifier: one
// published version goes, and its number is never used again. As Lambda
// does, it refuses $LATEST and a version an alias points at or routes a
// weight to; the function itself (no Qualifier) belongs to the Pulumi
// program, so deleting it here is not simulated.
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
func serveDeleteFunction(a *core.Account, w http.ResponseWriter, r *http.Request, function string) {
	qualifier := r.URL.Query().Get("Qualifier")
	if qualifier == "" {
		core.WriteError(w, r, core.ProtoRESTJSON, core.UnknownOperation("DeleteFunction without Qualifier"))
		return
	}
	err := a.Update(func(st *core.State) error { return deleteVersion(st, function, qualifier) })
	if err != nil {
		core.WriteError(w, r, core.ProtoRESTJSON, core.AsAPIError(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func deleteVersion(st *core.State, function, version string) error {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return err
	}
	if version == "$LATEST" {
		return core.BadRequest("InvalidParameterValueException", "$LATEST version cannot be deleted without deleting all versions.")
	}
	id := core.StrOf(f, "id")
	ls := st.Lambda[id]
	if ls == nil || !slices.Contains(ls.Published, version) {
		return functionNotFound(core.StrOf(f, "arn") + ":" + version)
	}
	var aliases []string
	for _, al := range core.NewIndex(st)[core.TokAlias] {
		if FunctionName(core.StrOf(al, "functionName")) != id {
			continue
		}
		_, weighted := AliasWeights(al)[version]
		if core.StrOf(al, "functionVersion") == version || weighted {
			aliases = append(aliases, core.StrOf(al, "name"))
		}
	}
	if len(aliases) > 0 {
		return &core.APIError{Status: http.StatusConflict, Code: "ResourceConflictException",
			Message: "Unable to delete version because the following aliases reference it: " + "[" + strings.Join(aliases, ", ") + "]"}
	}
	ls.Published = slices.DeleteFunc(ls.Published, func(v string) bool { return v == version })
	delete(ls.Code, version)
	delete(ls.Package, version)
	return nil
}
