package sandbox

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/iam"
)

// AccessEvent is one request of a role session the sandbox decided: which
// role asked for which action on which resource, and whether its policies
// allowed it (sandbox/iam's trail, what CloudTrail records).
type AccessEvent struct {
	Account, Role    string
	Action, Resource string
	Allowed          bool
	request          iam.Request
}

// WatchAccess calls f with every request of a role session decided in
// this process (endpoints and providers alike), until stop.
func WatchAccess(f func(AccessEvent)) (stop func()) {
	return iam.Watch(func(a iam.Access) {
		f(AccessEvent{Account: a.Account, Role: a.Role, Action: a.Request.Action, Resource: a.Request.Resource,
			Allowed: a.Decision == iam.Allowed, request: a.Request})
	})
}

// AllowedBy parses policies (JSON documents) once and returns whether they
// allow a recorded request, in its request context, as the sandbox
// decides it.
func AllowedBy(policies []string) (func(AccessEvent) bool, error) {
	docs := make([]iam.Document, 0, len(policies))
	for _, p := range policies {
		d, err := iam.Parse([]byte(p))
		if err != nil {
			return nil, fmt.Errorf("parse policy: %w", err)
		}
		docs = append(docs, d)
	}
	return func(ev AccessEvent) bool { return iam.Evaluate(docs, ev.request) == iam.Allowed }, nil
}
