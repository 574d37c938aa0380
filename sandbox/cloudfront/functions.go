package cloudfront

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// CloudFront KeyValueStore, its keys, and CloudFront Functions: the data a
// frontend release switch changes.

func registerFunctions() {
	core.Register(
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html
		// The provider's id is the name; functions name the store by the
		// id in its ARN.
		&core.TypeSpec{Token: core.TokKeyValueStore, Name: "name", NameMax: 64, Immutable: []string{"name"},
			Create: func(e *core.Env) (string, error) {
				h := e.Entropy(32)
				e.Put("arn", e.Arn("cloudfront", "", "key-value-store/"+h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:]))
				e.Put("etag", etag(e))
				e.Put("lastModifiedTime", core.Now())
				return e.Name(), nil
			},
			Update: func(e *core.Env) error { e.Put("etag", etag(e)); e.Put("lastModifiedTime", core.Now()); return nil }},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html
		&core.TypeSpec{Token: core.TokKVSKey, Required: []string{"keyValueStoreArn", "key", "value"},
			Immutable: []string{"keyValueStoreArn", "key"},
			Create:    createKVSKey, Update: updateKVSKey, Remove: removeKVSKey},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html
		&core.TypeSpec{Token: core.TokFunction, Name: "name", NameMax: 64, Required: []string{"code", "runtime"},
			Immutable: []string{"name"}, Defaults: map[string]any{"publish": true},
			Check: checkFunction,
			Create: func(e *core.Env) (string, error) {
				if err := functionStores(e); err != nil {
					return "", err
				}
				e.Put("arn", e.Arn("cloudfront", "", "function/"+e.Name()))
				e.Put("etag", etag(e))
				e.Put("liveStageEtag", etag(e))
				e.Put("status", "UNASSOCIATED")
				return e.Name(), nil
			},
			Update: func(e *core.Env) error {
				if err := functionStores(e); err != nil {
					return err
				}
				e.Put("etag", etag(e))
				e.Put("liveStageEtag", etag(e))
				return nil
			}},
	)
}

// checkFunction rejects what CreateFunction rejects: an unknown runtime,
// more than one key value store, a store on the 1.0 runtime, and code that
// does not compile.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
func checkFunction(e *core.Env) []string {
	var out []string
	rt := e.Str("runtime")
	if rt != "" && rt != "cloudfront-js-1.0" && rt != "cloudfront-js-2.0" {
		out = append(out, "runtime: must be cloudfront-js-1.0 or cloudfront-js-2.0")
	}
	stores := e.Out["keyValueStoreAssociations"]
	if stores.IsArray() {
		if n := len(stores.ArrayValue()); n > 1 {
			out = append(out, "keyValueStoreAssociations: a function can be associated with one key value store")
		} else if n == 1 && rt == "cloudfront-js-1.0" {
			out = append(out, "keyValueStoreAssociations: key value stores need runtime cloudfront-js-2.0")
		}
	}
	if code := e.Str("code"); code != "" {
		if _, err := CompileFunction(code); err != nil {
			out = append(out, "code: InvalidArgument: the function code does not compile: "+err.Error())
		}
	}
	return out
}

// functionStores checks that the associated stores exist.
func functionStores(e *core.Env) error {
	v := e.Out["keyValueStoreAssociations"]
	if !v.IsArray() {
		return nil
	}
	for _, a := range v.ArrayValue() {
		if a.IsString() && findByARN(e.St, core.TokKeyValueStore, a.StringValue()) == nil {
			return fmt.Errorf("EntityNotFound: key value store %s does not exist", a.StringValue())
		}
	}
	return nil
}
