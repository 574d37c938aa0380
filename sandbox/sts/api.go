package sts

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// AssumeRole issues a session of a role created in the account (the
// caller's permission, sts:AssumeRole, is checked by the endpoint like any
// action); the role is looked up by the iam package through AssumeRole,
// set in services.go, since no service imports another.
var AssumeRole func(st *core.State, account, role, session string, d time.Duration) (core.SessionCredentials, error)

// ServeSTS answers GetCallerIdentity (the sandbox's administrator user, or
// the assumed role of a session's credentials), AssumeRole and
// AssumeRoleWithWebIdentity (webidentity.go), the one call the endpoint
// serves unsigned.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func ServeSTS(a *core.Account, w http.ResponseWriter, r *http.Request) {
	arn, userID := "arn:aws:iam::"+a.ID()+":user/kirikae-sandbox", "AIDAKIRIKAESANDBOX00"
	if key := core.AccessKeyOf(r); core.IsSessionKey(key) {
		if s, err := core.SessionOf(a.ID(), key, r.Header.Get("X-Amz-Security-Token")); err == nil {
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
			arn, userID = "arn:aws:sts::"+a.ID()+":assumed-role/"+s.Role+"/"+s.Name, "AROA:"+s.Name
		}
	}
	a.ServeQuery(w, r, xmlns, map[string]core.QueryOp{
		"GetCallerIdentity": func(*core.State, url.Values) (any, error) {
			return struct{ Arn, UserId, Account string }{arn, userID, a.ID()}, nil
		},
		"AssumeRole": func(st *core.State, f url.Values) (any, error) { return assumeRole(st, a.ID(), f) },
		"AssumeRoleWithWebIdentity": func(st *core.State, f url.Values) (any, error) {
			return assumeRoleWithWebIdentity(st, a.ID(), f)
		},
	})
}

// assumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func assumeRole(st *core.State, account string, f url.Values) (any, error) {
	roleARN, session := f.Get("RoleArn"), f.Get("RoleSessionName")
	name, ok := strings.CutPrefix(roleARN, "arn:aws:iam::"+account+":role/")
	if !ok || session == "" {
		return nil, core.BadRequest("ValidationError", "RoleArn must be a role of account "+account+" and RoleSessionName is required")
	}
	d := time.Hour
	if s := f.Get("DurationSeconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 900 || n > 43200 {
			return nil, core.BadRequest("ValidationError", "DurationSeconds must be between 900 and 43200")
		}
		d = time.Duration(n) * time.Second
	}
	c, err := AssumeRole(st, account, name, session, d)
	if err != nil {
		return nil, err
	}
	type credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	type assumed struct{ AssumedRoleId, Arn string }
	return struct {
		Credentials     credentials
		AssumedRoleUser assumed
	}{
		credentials{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration.Format(time.RFC3339)},
		assumed{"AROA:" + session, "arn:aws:sts::" + account + ":assumed-role/" + name + "/" + session},
	}, nil
}
