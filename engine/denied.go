package engine

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// deniedRe reads AWS's refusal of an identity-based policy, as every
// service words it (S3's AccessDenied, JSON services'
// AccessDeniedException, EC2's UnauthorizedOperation), whether it reached
// kirikae through aws-sdk-go-v2 or through the provider's diagnostics:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
var deniedRe = regexp.MustCompile(`User: (arn:[^\s]+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9]+)(?: on resource: ([^\s]+))?`)

// AccessDeniedError is an AWS call the caller's role may not make. It names
// the role and the missing action in one line, so the fix (the role's
// policy, or running with another role) is plain.
type AccessDeniedError struct {
	Principal string // the ARN AWS named
	Role      string // the role (or user) part of it
	Action    string // service:Operation
	Resource  string // "" when AWS named none
	Err       error
}

func (e *AccessDeniedError) Error() string {
	on := ""
	if e.Resource != "" {
		on = " on " + e.Resource
	}
	return fmt.Sprintf("AWS denied %s%s to role %s: its policy does not allow %s", e.Action, on, e.Role, e.Action)
}

func (e *AccessDeniedError) Unwrap() error { return e.Err }

// Hint says where the role's policy comes from.
func (e *AccessDeniedError) Hint(inv Invocation) string {
	return fmt.Sprintf("run it with a role allowed %s, or compare the role's policy with `%s`",
		e.Action, inv.Command("iam policy", "--role", "ROLE"))
}

// AsAccessDenied finds AWS's refusal in err (its own text or any error it
// wraps) and returns it typed; nil when err is no refusal.
func AsAccessDenied(err error) *AccessDeniedError {
	if err == nil {
		return nil
	}
	var typed *AccessDeniedError
	if errors.As(err, &typed) {
		return typed
	}
	m := deniedRe.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	return &AccessDeniedError{Principal: m[1], Role: principalName(m[1]), Action: m[2], Resource: m[3], Err: err}
}

// principalName is the role of arn:aws:sts::ACCT:assumed-role/ROLE/SESSION,
// or the path after the account for any other principal (user/NAME).
func principalName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	res := parts[5]
	if rest, ok := strings.CutPrefix(res, "assumed-role/"); ok {
		role, _, _ := strings.Cut(rest, "/")
		return role
	}
	return res
}
