package cloudfront

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// The sandbox runs a distribution's CloudFront Function code as CloudFront
// does: the handler gets the event object of the JavaScript runtime and
// returns either the (modified) request, which CloudFront goes on with, or a
// response, which goes straight back to the viewer:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/function-code-choose-purpose.html
// goja runs the code; the one module a function may import, 'cloudfront',
// is provided with its key value store helpers:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html

// CFValue is the {value: ...} wrapper CloudFront uses for headers, query
// string parameters and cookies.
type CFValue struct {
	Value string `json:"value"`
}

type CFRequest struct {
	Method      string             `json:"method"`
	URI         string             `json:"uri"`
	Querystring map[string]CFValue `json:"querystring"`
	Headers     map[string]CFValue `json:"headers"`
	Cookies     map[string]CFValue `json:"cookies"`
}

type CFResponse struct {
	StatusCode        int                `json:"statusCode"`
	StatusDescription string             `json:"statusDescription,omitempty"`
	Headers           map[string]CFValue `json:"headers,omitempty"`
	Body              any                `json:"body,omitempty"` // a string, or {data, encoding}
}

type CFEvent struct {
	Version string            `json:"version"`
	Context map[string]string `json:"context"`
	Viewer  map[string]string `json:"viewer"`
	Request CFRequest         `json:"request"`
}

// functionBudget bounds one run: CloudFront stops a function that uses too
// much compute; a function that loops forever must not hang the front door.
const functionBudget = time.Second

// importCloudfront matches the module import CloudFront Functions allow;
// goja runs scripts, so the import becomes a variable binding.
var (
	importCloudfront = regexp.MustCompile(`(?m)^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+['"]cloudfront['"]\s*;?`)
	importAny        = regexp.MustCompile(`(?m)^\s*import\s`)
)

var jsPrograms sync.Map // code → *goja.Program

// CompileFunction compiles function code as CloudFront would accept it:
// CreateFunction and UpdateFunction reject code that does not compile.
func CompileFunction(code string) (*goja.Program, error) {
	if p, ok := jsPrograms.Load(code); ok {
		return p.(*goja.Program), nil
	}
	src := importCloudfront.ReplaceAllString(code, "var $1 = __cloudfront;")
	if importAny.MatchString(src) {
		return nil, errors.New("only the 'cloudfront' module can be imported")
	}
	p, err := goja.Compile("function.js", src, true)
	if err != nil {
		return nil, err
	}
	jsPrograms.Store(code, p)
	return p, nil
}

// kvsReader reads a key as the edge running the function sees it now.
type kvsReader func(key string) (string, bool)

// RunViewerRequest runs the handler for one request. Exactly one of the
// request and the response is returned.
func RunViewerRequest(code string, ev CFEvent, kvs kvsReader) (*CFRequest, *CFResponse, error) {
	prog, err := CompileFunction(code)
	if err != nil {
		return nil, nil, fmt.Errorf("compile function: %w", err)
	}
	vm := goja.New()
	timer := time.AfterFunc(functionBudget, func() { vm.Interrupt("function exceeded its compute budget") })
	defer timer.Stop()
	if err := vm.Set("__cloudfront", cloudfrontModule(vm, kvs)); err != nil {
		return nil, nil, err
	}
	if _, err := vm.RunProgram(prog); err != nil {
		return nil, nil, fmt.Errorf("run function: %w", err)
	}
	handler, ok := goja.AssertFunction(vm.Get("handler"))
	if !ok {
		return nil, nil, errors.New("function code defines no handler(event)")
	}
	// CloudFront always sends these objects, empty or not.
	for _, m := range []*map[string]CFValue{&ev.Request.Querystring, &ev.Request.Headers, &ev.Request.Cookies} {
		if *m == nil {
			*m = map[string]CFValue{}
		}
	}
	evJSON, err := json.Marshal(ev)
	if err != nil {
		return nil, nil, err
	}
	evVal, err := vm.RunString("(" + string(evJSON) + ")")
	if err != nil {
		return nil, nil, err
	}
	v, err := handler(goja.Undefined(), evVal)
	if err != nil {
		return nil, nil, fmt.Errorf("function threw: %w", err)
	}
	if p, ok := v.Export().(*goja.Promise); ok {
		switch p.State() {
		case goja.PromiseStateFulfilled:
			v = p.Result()
		case goja.PromiseStateRejected:
			return nil, nil, fmt.Errorf("function threw: %v", p.Result())
		default:
			return nil, nil, errors.New("function's promise never settled")
		}
	}
	stringify, _ := goja.AssertFunction(vm.Get("JSON").ToObject(vm).Get("stringify"))
	out, err := stringify(goja.Undefined(), v)
	if err != nil {
		return nil, nil, err
	}
	raw := []byte(out.String())
	var probe map[string]any
	if err := json.Unmarshal(raw, &probe); err != nil || probe == nil {
		return nil, nil, errors.New("function returned neither a request nor a response")
	}
	if _, isResponse := probe["statusCode"]; isResponse {
		var resp CFResponse
		err := json.Unmarshal(raw, &resp)
		return nil, &resp, err
	}
	var req CFRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, nil, err
	}
	if !strings.HasPrefix(req.URI, "/") {
		return nil, nil, fmt.Errorf("function returned the invalid uri %q", req.URI)
	}
	return &req, nil, nil
}

// cloudfrontModule is the 'cloudfront' module: cf.kvs() with get and exists.
// get rejects for a missing key, as documented.
func cloudfrontModule(vm *goja.Runtime, kvs kvsReader) map[string]any {
	settle := func(f func() (any, error)) *goja.Promise {
		p, resolve, reject := vm.NewPromise()
		v, err := f()
		if err != nil {
			_ = reject(vm.NewGoError(err))
		} else {
			_ = resolve(v)
		}
		return p
	}
	handle := map[string]any{
		"get": func(key string, opts map[string]any) *goja.Promise {
			return settle(func() (any, error) {
				v, ok := kvs(key)
				if !ok {
					return nil, fmt.Errorf("KeyNotFound: %s", key)
				}
				if f, _ := opts["format"].(string); f == "json" {
					var out any
					if err := json.Unmarshal([]byte(v), &out); err != nil {
						return nil, err
					}
					return out, nil
				}
				return v, nil
			})
		},
		"exists": func(key string) *goja.Promise {
			return settle(func() (any, error) { _, ok := kvs(key); return ok, nil })
		},
	}
	return map[string]any{"kvs": func(...string) map[string]any { return handle }}
}
