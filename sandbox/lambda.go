package sandbox

import (
	"fmt"
	"slices"
	"strconv"
)

const functionType = "aws:lambda/function:Function"

// versionNeutral lists Function inputs whose change does not publish a new
// version: AWS only publishes when code or configuration changed.
var versionNeutral = map[string]bool{
	"tags": true, "tagsAll": true, "publish": true, "skipDestroy": true,
	"replaceSecurityGroupsOnDestroy": true, "replacementSecurityGroupIds": true,
}

func functionName(nameOrArn string) string { return lastSegment(nameOrArn, ":function:") }

func invokeArn(e *env, target string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", e.region, target)
}

func createFunction(e *env) (string, error) {
	n := e.name()
	arn := e.arn("lambda", e.region, "function:"+n)
	e.put("arn", arn)
	e.put("invokeArn", invokeArn(e, arn))
	e.put("lastModified", now())
	e.put("codeSha256", e.entropy(44))
	version := "$LATEST"
	if boolean(e.out, "publish") {
		e.st.Lambda[n] = &lambdaState{Latest: 1, Published: []string{"1"}, Code: map[string]string{"1": e.str("codeSha256")}}
		version = "1"
	}
	putVersion(e, arn, version)
	return n, nil
}

func putVersion(e *env, arn, version string) {
	qualified := arn + ":" + version
	e.put("version", version)
	e.put("qualifiedArn", qualified)
	e.put("qualifiedInvokeArn", invokeArn(e, qualified))
}

// updateFunction publishes a new version when publish is on and code or
// configuration changed, keeping the old ones so aliases can roll back.
func updateFunction(e *env) error {
	changed := false
	for _, d := range diffProps(e.spec, e.old, e.in, e.oldIn, nil) {
		if !versionNeutral[d.key] {
			changed = true
		}
	}
	if changed {
		e.put("lastModified", now())
		e.put("codeSha256", e.entropy(44))
	}
	if !boolean(e.out, "publish") || (!changed && str(e.old, "version") != "$LATEST") {
		return nil
	}
	n := e.name()
	ls := e.st.Lambda[n]
	if ls == nil {
		ls = &lambdaState{}
		e.st.Lambda[n] = ls
	}
	ls.Latest++
	v := strconv.Itoa(ls.Latest)
	ls.Published = append(ls.Published, v)
	if ls.Code == nil {
		ls.Code = map[string]string{}
	}
	ls.Code[v] = e.str("codeSha256")
	putVersion(e, str(e.out, "arn"), v)
	return nil
}

// checkAliasVersion fails like AWS when an alias points at a version that
// was never published.
func checkAliasVersion(e *env) error {
	if e.preview {
		return nil // the function may not exist yet
	}
	fn, v := functionName(e.str("functionName")), e.str("functionVersion")
	if _, r := e.st.find(functionType, fn, ""); r == nil {
		return fmt.Errorf("ResourceNotFoundException: function not found: %s", fn)
	}
	if v == "$LATEST" {
		return nil
	}
	if ls := e.st.Lambda[fn]; ls == nil || !slices.Contains(ls.Published, v) {
		return fmt.Errorf("ResourceNotFoundException: version %s of function %s does not exist", v, fn)
	}
	return nil
}

func createAlias(e *env) (string, error) {
	if err := checkAliasVersion(e); err != nil {
		return "", err
	}
	fn := functionName(e.str("functionName"))
	arn := e.arn("lambda", e.region, "function:"+fn+":"+e.name())
	e.put("arn", arn)
	e.put("invokeArn", invokeArn(e, arn))
	return arn, nil
}
