package lambda

import (
	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the lambda resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:lambda/function:Function", Required: []string{"role"}, Name: "name", NameMax: 64,
			Immutable: []string{"name"},
			Defaults: map[string]any{"memorySize": 128.0, "timeout": 3.0, "packageType": "Zip",
				"publish": false, "skipDestroy": false},
			Create: createFunction, Update: updateFunction,
			Remove: func(st *core.State, r *core.Record) { delete(st.Lambda, r.ID) }},
		&core.TypeSpec{Token: "aws:lambda/alias:Alias", Required: []string{"functionName", "functionVersion"},
			Name: "name", NameMax: 128, Scope: "functionName", Immutable: []string{"name", "functionName"},
			Create: createAlias, Update: func(e *core.Env) error { return CheckAliasVersion(e) }},
		&core.TypeSpec{Token: "aws:lambda/permission:Permission", Required: []string{"action", "function", "principal"},
			Name: "statementId", NameMax: 100, Scope: "function", Immutable: []string{"*"},
			Create: func(e *core.Env) (string, error) { return e.Name(), nil }},
	)
}
