package generic

import (
	"fmt"
	"sync"
)

// UnknownTypeError refuses a type token pulumi-aws v6 does not have (a typo),
// naming the closest real one.
type UnknownTypeError struct {
	Token   string
	Closest string
}

func (e *UnknownTypeError) Error() string {
	return fmt.Sprintf("resource type %q does not exist in pulumi-aws v6; did you mean %q?", e.Token, e.Closest)
}

// Refuse is the error for a token Lookup does not know.
func Refuse(token string) error { return &UnknownTypeError{Token: token, Closest: Closest(token)} }

// Notice is what the sandbox tells a deploy about a generically simulated
// type: it deploys, and nothing behaves like the AWS service behind it.
func Notice(token string) string {
	return fmt.Sprintf("%s is simulated generically by the kirikae sandbox: no behaviour, state only", token)
}

// Once reports each key (a type, or an engine run and a type) the first
// time it is seen, so a deploy says "simulated generically" once per type,
// not once per resource.
type Once struct {
	mu   sync.Mutex
	seen map[string]bool
}

// First reports whether key is seen for the first time.
func (o *Once) First(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[key] {
		return false
	}
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	o.seen[key] = true
	return true
}
