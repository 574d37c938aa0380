package sandbox

import (
	"fmt"
)

// CloudFront KeyValueStore, its keys, and CloudFront Functions: the data a
// frontend release switch changes.
const (
	tokKeyValueStore = "aws:cloudfront/keyValueStore:KeyValueStore"
	tokKVSKey        = "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"
	tokFunction      = "aws:cloudfront/function:Function"
)

func init() {
	register(
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html
		// The provider's id is the name; functions name the store by the
		// id in its ARN.
		&typeSpec{token: tokKeyValueStore, name: "name", nameMax: 64, immutable: []string{"name"},
			create: func(e *env) (string, error) {
				h := e.entropy(32)
				e.put("arn", e.arn("cloudfront", "", "key-value-store/"+h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:]))
				e.put("etag", etag(e))
				e.put("lastModifiedTime", now())
				return e.name(), nil
			},
			update: func(e *env) error { e.put("etag", etag(e)); e.put("lastModifiedTime", now()); return nil }},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html
		&typeSpec{token: tokKVSKey, required: []string{"keyValueStoreArn", "key", "value"},
			immutable: []string{"keyValueStoreArn", "key"},
			create:    createKVSKey, update: updateKVSKey, remove: removeKVSKey},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html
		&typeSpec{token: tokFunction, name: "name", nameMax: 64, required: []string{"code", "runtime"},
			immutable: []string{"name"}, defaults: map[string]any{"publish": true},
			check: checkFunction,
			create: func(e *env) (string, error) {
				if err := functionStores(e); err != nil {
					return "", err
				}
				e.put("arn", e.arn("cloudfront", "", "function/"+e.name()))
				e.put("etag", etag(e))
				e.put("liveStageEtag", etag(e))
				e.put("status", "UNASSOCIATED")
				return e.name(), nil
			},
			update: func(e *env) error {
				if err := functionStores(e); err != nil {
					return err
				}
				e.put("etag", etag(e))
				e.put("liveStageEtag", etag(e))
				return nil
			}},
	)
}

// checkFunction rejects what CreateFunction rejects: an unknown runtime,
// more than one key value store, a store on the 1.0 runtime, and code that
// does not compile.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
func checkFunction(e *env) []string {
	var out []string
	rt := e.str("runtime")
	if rt != "" && rt != "cloudfront-js-1.0" && rt != "cloudfront-js-2.0" {
		out = append(out, "runtime: must be cloudfront-js-1.0 or cloudfront-js-2.0")
	}
	stores := e.out["keyValueStoreAssociations"]
	if stores.IsArray() {
		if n := len(stores.ArrayValue()); n > 1 {
			out = append(out, "keyValueStoreAssociations: a function can be associated with one key value store")
		} else if n == 1 && rt == "cloudfront-js-1.0" {
			out = append(out, "keyValueStoreAssociations: key value stores need runtime cloudfront-js-2.0")
		}
	}
	if code := e.str("code"); code != "" {
		if _, err := compileFunction(code); err != nil {
			out = append(out, "code: InvalidArgument: the function code does not compile: "+err.Error())
		}
	}
	return out
}

// functionStores checks that the associated stores exist.
func functionStores(e *env) error {
	v := e.out["keyValueStoreAssociations"]
	if !v.IsArray() {
		return nil
	}
	for _, a := range v.ArrayValue() {
		if a.IsString() && findByARN(e.st, tokKeyValueStore, a.StringValue()) == nil {
			return fmt.Errorf("EntityNotFound: key value store %s does not exist", a.StringValue())
		}
	}
	return nil
}
