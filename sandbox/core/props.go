package core

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"google.golang.org/protobuf/types/known/structpb"
)

// wireOpts matches what the AWS provider accepts so the engine sends us the
// same shapes (secrets, unknowns, resource references) it would send AWS.
var wireOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, SkipNulls: true}

func UnmarshalProps(s *structpb.Struct, label string) (resource.PropertyMap, error) {
	o := wireOpts
	o.Label = label
	pm, err := plugin.UnmarshalProperties(s, o)
	if err != nil {
		return nil, fmt.Errorf("unmarshal %s: %w", label, err)
	}
	return pm, nil
}

// oldsAndNews is every request that carries a resource's previous and new
// properties (Check, Diff, DiffConfig, Update).
type oldsAndNews interface {
	GetOlds() *structpb.Struct
	GetNews() *structpb.Struct
}

// UnmarshalOldsNews decodes both property sets of such a request.
func UnmarshalOldsNews(req oldsAndNews) (olds, news resource.PropertyMap, err error) {
	if olds, err = UnmarshalProps(req.GetOlds(), "olds"); err != nil {
		return nil, nil, err
	}
	if news, err = UnmarshalProps(req.GetNews(), "news"); err != nil {
		return nil, nil, err
	}
	return olds, news, nil
}

func MarshalProps(pm resource.PropertyMap, label string) (*structpb.Struct, error) {
	o := wireOpts
	o.Label = label
	s, err := plugin.MarshalProperties(pm, o)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", label, err)
	}
	return s, nil
}

// ToWire converts properties to the JSON-friendly wire form that account.json
// stores; it keeps secrets and archive hashes, which plain maps would lose.
func ToWire(pm resource.PropertyMap) (map[string]any, error) {
	s, err := MarshalProps(pm, "state")
	if err != nil {
		return nil, err
	}
	return s.AsMap(), nil
}

func FromWire(m map[string]any) (resource.PropertyMap, error) {
	s, err := structpb.NewStruct(m)
	if err != nil {
		return nil, fmt.Errorf("decode stored properties: %w", err)
	}
	return UnmarshalProps(s, "state")
}

// Plain strips secret wrappers from a wire-form value, for out-of-band readers
// (tests, CLI) that want the values AWS would show in its console.
func Plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t[sig.Key] == sig.Secret {
			return Plain(t["value"])
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Plain(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Plain(e)
		}
		return out
	default:
		return v
	}
}

// unwrap looks through secrets and known outputs to the value AWS sees.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		case v.IsOutput():
			return resource.MakeComputed(resource.NewProperty(""))
		default:
			return v
		}
	}
}

// Present reports whether a property carries a value (unknowns count: they
// will have one).
func Present(pm resource.PropertyMap, k string) bool {
	v, ok := pm[resource.PropertyKey(k)]
	return ok && !unwrap(v).IsNull()
}

// SameValue compares two values the way AWS would: secrets by plaintext,
// assets and archives by content hash. Unknowns are never equal because the
// eventual value may differ.
func SameValue(a, b resource.PropertyValue) bool {
	a, b = unwrap(a), unwrap(b)
	switch {
	case a.ContainsUnknowns() || b.ContainsUnknowns():
		return false
	case a.IsArchive() && b.IsArchive():
		ha, hb := a.ArchiveValue().Hash, b.ArchiveValue().Hash
		if ha != "" && hb != "" {
			return ha == hb
		}
	case a.IsAsset() && b.IsAsset():
		ha, hb := a.AssetValue().Hash, b.AssetValue().Hash
		if ha != "" && hb != "" {
			return ha == hb
		}
	case a.IsArray() && b.IsArray():
		x, y := a.ArrayValue(), b.ArrayValue()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !SameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case a.IsObject() && b.IsObject():
		x, y := a.ObjectValue(), b.ObjectValue()
		for k := range x {
			if !SameValue(x[k], y[k]) {
				return false
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok && !unwrap(y[k]).IsNull() {
				return false
			}
		}
		return true
	}
	return a.DeepEquals(b)
}

// Str returns a property's string value, or "" when absent, unknown or not a
// string.
func Str(pm resource.PropertyMap, k string) string {
	v := unwrap(pm[resource.PropertyKey(k)])
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func Boolean(pm resource.PropertyMap, k string) bool {
	v := unwrap(pm[resource.PropertyKey(k)])
	return v.IsBool() && v.BoolValue()
}

func Unknown() resource.PropertyValue {
	return resource.MakeComputed(resource.NewProperty(""))
}
