package access

import (
	"fmt"
	"slices"
	"strings"
)

// Roles. A deploy role exists per stack ("deploy:staging"); the preview and
// drift roles are shared by every stack of the account. promote runs with
// the target stack's deploy role: its policy already holds what promote
// adds (PromoteSource), so there is no separate promote role.
const (
	RolePreview      = "preview"
	RoleDrift        = "drift"
	RoleDeployPrefix = "deploy:"
)

// Role is a parsed role name.
type Role struct {
	Name  string // "deploy:staging", "preview", "drift"
	Stack string // the stack of a deploy role
}

// ParseRole reads a role name; a deploy role names its stack.
func ParseRole(name string) (Role, error) {
	switch {
	case name == RolePreview, name == RoleDrift:
		return Role{Name: name}, nil
	case strings.HasPrefix(name, RoleDeployPrefix) && len(name) > len(RoleDeployPrefix):
		return Role{Name: name, Stack: strings.TrimPrefix(name, RoleDeployPrefix)}, nil
	}
	return Role{}, &RoleError{Name: name}
}

// RoleError is a role name kirikae does not know.
type RoleError struct{ Name string }

func (e *RoleError) Error() string {
	return fmt.Sprintf("role %q is not a kirikae role: roles are deploy:STACK, preview and drift", e.Name)
}

// Hint lists the roles.
func (e *RoleError) Hint() string {
	return "pass --role deploy:staging, deploy:product, preview or drift"
}

// BadInput: a usage mistake, nothing ran.
func (e *RoleError) BadInput() bool { return true }

// Needs returns what the role does. Previews and drift checks never write
// state, records or locks: PR code runs with the preview role, so it holds
// nothing it could change or decrypt; the drift role adds reading live
// resources and notifying, and runs only from main's scheduled workflow.
func (r Role) Needs() []Need {
	switch r.Name {
	case RolePreview:
		// A preview plans from state alone: the image is resolved by
		// the deploy's preflight, not the preview's (deploy/plan.go).
		return []Need{NeedReadState}
	case RoleDrift:
		return []Need{NeedReadState, NeedReadLive, NeedNotify}
	}
	return []Need{
		NeedReadState, NeedResolveImage, NeedReadLive, NeedNotify, NeedWriteState,
		NeedApply, NeedRelease, NeedPushImage, NeedPromoteFrom,
	}
}

// Policy derives the role's permission policy for the stack in scope from
// the table: the rows of the role's needs that apply to that stack. A
// deploy role is refused for another stack's scope.
func Generate(r Role, s Scope) (Policy, error) {
	if r.Stack != "" && r.Stack != s.Config.Stack {
		return Policy{}, &StackMismatchError{Role: r.Name, Stack: s.Config.Stack}
	}
	if s.State.Bucket == "" {
		return Policy{}, &BackendError{}
	}
	needs := r.Needs()
	p := Policy{Version: PolicyVersion}
	for _, g := range table {
		if !slices.Contains(needs, g.need) || (g.when != nil && !g.when(s)) {
			continue
		}
		st := Statement{Sid: g.sid, Effect: Allow, Action: g.actions, Resource: g.resources(s)}
		if g.condition != nil {
			st.Condition = g.condition(s)
		}
		p.Statement = append(p.Statement, st)
	}
	return p, nil
}

// Explain returns each statement's purpose by Sid.
func Explain(sid string) string {
	for _, g := range table {
		if g.sid == sid {
			return g.why
		}
	}
	return ""
}

// StackMismatchError is deploy:A asked for stack B.
type StackMismatchError struct{ Role, Stack string }

func (e *StackMismatchError) Error() string {
	return fmt.Sprintf("role %s deploys another stack than %s: each stack has its own deploy role", e.Role, e.Stack)
}

// Hint says which role to ask for.
func (e *StackMismatchError) Hint() string {
	return "pass --role " + RoleDeployPrefix + e.Stack + " with --stack " + e.Stack
}

// BadInput: a usage mistake, nothing ran.
func (e *StackMismatchError) BadInput() bool { return true }
