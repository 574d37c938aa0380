package lambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/internal/lambdart"
	"github.com/kirikae/kirikae/sandbox/core"
)

// Invoker runs one event on a published version of a function (package
// workload runs the version's bootstrap).
type Invoker func(ctx context.Context, function, version string, event []byte) ([]byte, error)

// ServeInvoke answers Invoke (POST /2015-03-31/functions/NAME/invocations)
// and reports whether r was one. The Qualifier names a published version
// or an alias (its main version); a function error is a 200 whose
// X-Amz-Function-Error is Unhandled and whose payload is the error
// document, as Lambda answers; X-Amz-Executed-Version says which version
// ran. DryRun only checks the function and version (204); Event runs the
// event without waiting (202).
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
func ServeInvoke(a *core.Account, w http.ResponseWriter, r *http.Request, invoke Invoker) bool {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodPost || len(parts) != 4 || parts[0] != "2015-03-31" || parts[1] != "functions" || parts[3] != "invocations" {
		return false
	}
	name, err := url.PathUnescape(parts[2])
	if err != nil {
		name = parts[2]
	}
	fn, qualifier := FunctionName(name), r.URL.Query().Get("Qualifier")
	if i := strings.Index(fn, ":"); i >= 0 { // name:qualifier
		fn, qualifier = fn[:i], fn[i+1:]
	}
	event, err := io.ReadAll(r.Body)
	if err != nil {
		core.WriteError(w, r, core.ProtoRESTJSON, core.BadRequest("InvalidRequestContentException", err.Error()))
		return true
	}
	var version string
	err = a.View(func(st *core.State) error {
		version, err = resolveQualifier(st, fn, qualifier)
		return err
	})
	if err != nil {
		core.WriteError(w, r, core.ProtoRESTJSON, core.AsAPIError(err))
		return true
	}
	w.Header().Set("X-Amz-Executed-Version", version)
	switch r.Header.Get("X-Amz-Invocation-Type") {
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return true
	case "Event":
		// Lambda queues an asynchronous event; reserved concurrency
		// limits how many run at once, it does not refuse the caller.
		go func() { _, _ = invoke(context.WithoutCancel(r.Context()), fn, version, event) }()
		w.WriteHeader(http.StatusAccepted)
		return true
	}
	release, admitted := Admit(a, fn)
	defer release()
	if !admitted {
		// A synchronous invocation over the reserved concurrency is
		// refused (429) and counted as Throttles.
		if Throttled != nil {
			Throttled(a, fn, qualifier)
		}
		core.WriteError(w, r, core.ProtoRESTJSON, &core.APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException",
			Message: "Rate Exceeded. Reason: ReservedFunctionConcurrentInvocationLimitExceeded"})
		return true
	}
	out, err := invoke(r.Context(), fn, version, event)
	var fe *lambdart.FunctionError
	switch {
	case errors.As(err, &fe):
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		out = fe.Payload
	case errors.Is(err, lambdart.ErrTimeout):
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		out = []byte(`{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out"}`)
	case err != nil:
		core.WriteError(w, r, core.ProtoRESTJSON, &core.APIError{Status: http.StatusBadGateway, Code: "ServiceException", Message: err.Error()})
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
	return true
}

// resolveQualifier turns "", a version number or an alias name into the
// published version to run. The sandbox keeps the code of published
// versions only, so $LATEST is refused rather than run with other code.
func resolveQualifier(st *core.State, function, qualifier string) (string, error) {
	f, err := lambdaFunction(st, function)
	if err != nil {
		return "", err
	}
	ls := st.Lambda[FunctionName(core.StrOf(f, "arn"))]
	switch {
	case qualifier == "" || qualifier == "$LATEST":
		return "", core.BadRequest("InvalidParameterValueException", "the kirikae sandbox runs published versions only: pass a version or an alias as the Qualifier")
	case ls != nil && slices.Contains(ls.Published, qualifier):
		return qualifier, nil
	}
	if al, err := getAlias(st, function, qualifier); err == nil {
		return fmt.Sprint(al.(map[string]any)["FunctionVersion"]), nil
	}
	return "", functionNotFound(core.StrOf(f, "arn") + ":" + qualifier)
}
