package lambda

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/kirikae/kirikae/sandbox/core"
)

// versionNeutral lists Function inputs whose change does not publish a new
// version: AWS only publishes when code or configuration changed
// (https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html:
// "Lambda doesn't publish a version if the function's configuration and
// code haven't changed since the last version").
var versionNeutral = map[string]bool{
	"tags": true, "tagsAll": true, "publish": true, "skipDestroy": true,
	"replaceSecurityGroupsOnDestroy": true, "replacementSecurityGroupIds": true,
}

func FunctionName(nameOrArn string) string { return core.LastSegment(nameOrArn, ":function:") }

func invokeArn(e *core.Env, target string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", e.Region, target)
}

func createFunction(e *core.Env) (string, error) {
	n := e.Name()
	arn := e.Arn("lambda", e.Region, "function:"+n)
	e.Put("arn", arn)
	e.Put("invokeArn", invokeArn(e, arn))
	e.Put("lastModified", core.Now())
	e.Put("codeSha256", codeSha256Of(e.St, e.In))
	version := "$LATEST"
	if core.Boolean(e.Out, "publish") {
		e.St.Lambda[n] = &core.LambdaState{Latest: 1, Published: []string{"1"}, Code: map[string]string{"1": e.Str("codeSha256")}}
		version = "1"
	}
	putVersion(e, arn, version)
	return n, nil
}

func putVersion(e *core.Env, arn, version string) {
	qualified := arn + ":" + version
	e.Put("version", version)
	e.Put("qualifiedArn", qualified)
	e.Put("qualifiedInvokeArn", invokeArn(e, qualified))
}

// updateFunction publishes a new version when publish is on and code or
// configuration changed, keeping the old ones so aliases can roll back.
func updateFunction(e *core.Env) error {
	changed := false
	for _, d := range core.DiffProps(e.Spec, e.Old, e.In, e.OldIn, nil) {
		if !versionNeutral[d.Key] {
			changed = true
		}
	}
	if changed {
		// A configuration change publishes a version with the same code,
		// and so the same CodeSha256.
		e.Put("lastModified", core.Now())
		e.Put("codeSha256", codeSha256Of(e.St, e.In))
	}
	if !core.Boolean(e.Out, "publish") || (!changed && core.Str(e.Old, "version") != "$LATEST") {
		return nil
	}
	n := e.Name()
	ls := e.St.Lambda[n]
	if ls == nil {
		ls = &core.LambdaState{}
		e.St.Lambda[n] = ls
	}
	ls.Latest++
	v := strconv.Itoa(ls.Latest)
	ls.Published = append(ls.Published, v)
	if ls.Code == nil {
		ls.Code = map[string]string{}
	}
	ls.Code[v] = e.Str("codeSha256")
	putVersion(e, core.Str(e.Out, "arn"), v)
	return nil
}

// CheckAliasVersion fails like AWS when an alias points at a version that
// was never published (ResourceNotFoundException,
// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html).
func CheckAliasVersion(e *core.Env) error {
	if e.Preview {
		return nil // the function may not exist yet
	}
	fn, v := FunctionName(e.Str("functionName")), e.Str("functionVersion")
	if _, r := e.St.Find(core.FunctionType, fn, ""); r == nil {
		return fmt.Errorf("ResourceNotFoundException: function not found: %s", fn)
	}
	if v == "$LATEST" {
		return nil
	}
	if ls := e.St.Lambda[fn]; ls == nil || !slices.Contains(ls.Published, v) {
		return fmt.Errorf("ResourceNotFoundException: version %s of function %s does not exist", v, fn)
	}
	return nil
}

func createAlias(e *core.Env) (string, error) {
	if err := CheckAliasVersion(e); err != nil {
		return "", err
	}
	fn := FunctionName(e.Str("functionName"))
	arn := e.Arn("lambda", e.Region, "function:"+fn+":"+e.Name())
	e.Put("arn", arn)
	e.Put("invokeArn", invokeArn(e, arn))
	return arn, nil
}
