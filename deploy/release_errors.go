package deploy

import (
	"fmt"
	"strconv"
	"strings"
)

// VerifyFailedError means a switched release failed verification; kirikae
// switched back to the previous release when there was one.
type VerifyFailedError struct {
	Stack   string
	ID      int    // release id of the failed release
	Release string // what it served, e.g. "image v3"
	Check   string // name of the first failed check ("api", "frontend")
	Reason  string
	// RolledBackTo is the release id of the automatic rollback; 0 when
	// there was nothing to go back to or going back failed (RollbackErr).
	RolledBackTo int
	RollbackErr  error
	Err          error
}

func (e *VerifyFailedError) Error() string {
	msg := fmt.Sprintf("verify %s release %d (%s): %s: %s", e.Stack, e.ID, e.Release, e.Check, e.Reason)
	switch {
	case e.RollbackErr != nil:
		msg += fmt.Sprintf("; automatic rollback failed: %v", e.RollbackErr)
	case e.RolledBackTo > 0:
		msg += fmt.Sprintf("; rolled back automatically (release %d)", e.RolledBackTo)
	}
	return msg
}
func (e *VerifyFailedError) Unwrap() error { return e.Err }

// Hint says what is live and where to look.
func (e *VerifyFailedError) Hint(inv Invocation) string {
	inv = inv.For(e.Stack)
	if e.RollbackErr != nil || e.RolledBackTo == 0 {
		return fmt.Sprintf("the failed release may still be live: run `%s`, then check the service's logs", inv.Command("rollback"))
	}
	return fmt.Sprintf("the previous release is live again; fix the release and deploy again (`%s` shows both)", inv.Command("releases"))
}

// CircuitBreakerError means ECS rolled a deployment back on its own: the
// service runs another task definition than the one kirikae asked for.
type CircuitBreakerError struct {
	Stack     string
	Cluster   string
	Service   string
	Requested string
	Running   string
	// RolledBackTo is the release id that put the previous release
	// values back, 0 when there were none or that failed (RollbackErr).
	RolledBackTo int
	RollbackErr  error
}

func (e *CircuitBreakerError) Error() string {
	msg := fmt.Sprintf("ECS rolled back service %s of %s: it runs %s, not the requested %s",
		e.Service, e.Stack, shortARN(e.Running), shortARN(e.Requested))
	if e.RollbackErr != nil {
		msg += fmt.Sprintf("; restoring the previous release failed: %v", e.RollbackErr)
	}
	return msg
}

// Hint points at why tasks never became healthy.
func (e *CircuitBreakerError) Hint(inv Invocation) string {
	describe := fmt.Sprintf("aws ecs describe-services --cluster %s --services %s", e.Cluster, e.Service)
	logs := inv.For(e.Stack).Command("logs")
	for _, colour := range []string{"blue", "green"} {
		if strings.HasSuffix(e.Service, "-"+colour) {
			logs = inv.For(e.Stack).Command("logs", "--color", colour)
		}
	}
	return fmt.Sprintf("the new tasks never became healthy; read the service events (`%s`) and the task logs (`%s`), then deploy a fixed image", describe, logs)
}

func shortARN(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// ReleaseNotFoundError means a rollback target names no release.
type ReleaseNotFoundError struct {
	Stack     string
	To        string
	Available []int // release ids, newest first
}

func (e *ReleaseNotFoundError) Error() string {
	if e.To == "" {
		return fmt.Sprintf("stack %s has no earlier release to roll back to", e.Stack)
	}
	if len(e.Available) == 0 {
		return fmt.Sprintf("stack %s has no release %q: it has no releases yet", e.Stack, e.To)
	}
	vs := make([]string, len(e.Available))
	for i, v := range e.Available {
		vs[i] = strconv.Itoa(v)
	}
	return fmt.Sprintf("stack %s has no release %q; releases: %s", e.Stack, e.To, strings.Join(vs, ", "))
}

// Hint lists the command that shows releases.
func (e *ReleaseNotFoundError) Hint(inv Invocation) string {
	return fmt.Sprintf("pick a release id from `%s`", inv.For(e.Stack).Command("releases"))
}

// BadInput: the user picks another target.
func (e *ReleaseNotFoundError) BadInput() bool { return true }

// SchemaChangeError refuses a rollback across a database schema change.
type SchemaChangeError struct {
	Stack         string
	Target        int
	CurrentSchema string
	TargetSchema  string
	// Migrations are the releases since Target that ran a migration.
	Migrations []int
}

func (e *SchemaChangeError) Error() string {
	if len(e.Migrations) > 0 {
		return fmt.Sprintf("rollback of %s to release %d crosses the database migration of %s (schema %s → %s)",
			e.Stack, e.Target, releaseList(e.Migrations), orNone(e.CurrentSchema), orNone(e.TargetSchema))
	}
	return fmt.Sprintf("rollback of %s to release %d crosses a database schema change (%s → %s)",
		e.Stack, e.Target, orNone(e.CurrentSchema), orNone(e.TargetSchema))
}

// Hint names the override.
func (e *SchemaChangeError) Hint(Invocation) string {
	return fmt.Sprintf("make sure release %d works with schema %s, then add --allow-schema-rollback", e.Target, orNone(e.CurrentSchema))
}

// BadInput: the user confirms with a flag.
func (e *SchemaChangeError) BadInput() bool { return true }

// PromoteRefusedError means the source stack has nothing verified to promote.
type PromoteRefusedError struct {
	From, To string
	Reason   string
	// Promotable is the source's latest release when it passed
	// verification and another one was asked for (0: none).
	Promotable int
	// NeedsFix: the source's latest deploy failed, so only a new release
	// helps; `up` with the same values would change nothing.
	NeedsFix bool
}

func (e *PromoteRefusedError) Error() string {
	return fmt.Sprintf("refuse to promote %s to %s: %s", e.From, e.To, e.Reason)
}

// Hint says how to get a promotable release.
func (e *PromoteRefusedError) Hint(inv Invocation) string {
	switch {
	case e.Promotable > 0:
		return fmt.Sprintf("to promote %s's latest release, which passed verification, run `%s`", e.From,
			inv.For("").Command("promote", "--from", e.From, "--to", e.To, "--release", strconv.Itoa(e.Promotable)))
	case e.NeedsFix && inv.Sandbox:
		return fmt.Sprintf("the release that failed is no longer live, so `up` alone changes nothing: push a fixed image (`%s`), deploy it (`%s`), then promote",
			inv.For(e.From).Command("sandbox push-image FIXED_TAG"), inv.For(e.From).Command("up", "--image", "FIXED_TAG"))
	case e.NeedsFix:
		return fmt.Sprintf("the release that failed is no longer live, so `up` alone changes nothing: push a fixed image, deploy it (`%s`), then promote",
			inv.For(e.From).Command("up", "--image", "FIXED_TAG"))
	}
	return fmt.Sprintf("deploy a release to %s that passes verification (`%s`), then promote", e.From, inv.For(e.From).Command("up"))
}

// BadInput: nothing changed; the user deploys a good release first.
func (e *PromoteRefusedError) BadInput() bool { return true }

// StalePlanError means the stack changed between a plan and its Deploy.
type StalePlanError struct {
	Stack          string
	Planned, Found int // newest release ids
}

func (e *StalePlanError) Error() string {
	return fmt.Sprintf("stack %s changed since the plan was made (newest release was %d, now %d)", e.Stack, e.Planned, e.Found)
}

// Hint says to plan again.
func (e *StalePlanError) Hint(Invocation) string {
	return "run the command again to plan against the current state"
}
