package notify

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Kind says what happened. The values are part of the JSON body's contract
// (see doc.go), so they never change once released.
type Kind string

// Event kinds, one per moment a team wants to hear about.
const (
	DeployStarted       Kind = "deploy.started"
	DeploySucceeded     Kind = "deploy.succeeded"
	DeployFailed        Kind = "deploy.failed"
	VerifyFailed        Kind = "verify.failed"
	RolledBackAutomatic Kind = "rollback.automatic"
	RolledBackManual    Kind = "rollback.manual"
	Promoted            Kind = "promote"
	AlarmFired          Kind = "watch.alarm"
	DriftFound          Kind = "drift.found"
)

// Kinds lists every kind, in the order a deploy meets them.
var Kinds = []Kind{DeployStarted, DeploySucceeded, DeployFailed, VerifyFailed,
	RolledBackAutomatic, RolledBackManual, Promoted, AlarmFired, DriftFound}

// Outcome is how a reader should feel about an event; it picks the colour.
type Outcome string

// Outcomes.
const (
	OutcomeInfo    Outcome = "info"
	OutcomeSuccess Outcome = "success"
	OutcomeWarning Outcome = "warning"
	OutcomeFailure Outcome = "failure"
)

// Event is one thing that happened to a stack, with everything someone
// paged at night needs to act on it without opening a terminal first.
type Event struct {
	// ID identifies the event across retries so a receiver can drop
	// duplicates; Dispatch fills it when empty.
	ID    string
	Kind  Kind
	Stack string
	// ReleaseID is the release's id (what `rollback --to` takes); 0 when
	// there is none yet (a deploy that failed before applying).
	ReleaseID int
	// ReleaseName says what the release serves, e.g. "image v3, frontend r2".
	ReleaseName string
	Who         string
	// RunURL links the CI run that did it; CIRunURL() builds it in GitHub
	// Actions, and it is empty on a laptop.
	RunURL string
	// Changes counts resource operations by kind ("create", "update", ...).
	Changes map[string]int
	// RollbackCommand is the exact command that undoes this, ready to paste.
	RollbackCommand string
	// Reason is the error text or the cause (e.g. the alarm's name).
	Reason string
	Time   time.Time
}

// Outcome classifies the event for colour and urgency.
func (e Event) Outcome() Outcome {
	switch e.Kind {
	case DeploySucceeded, Promoted:
		return OutcomeSuccess
	case DeployFailed, VerifyFailed, AlarmFired:
		return OutcomeFailure
	case RolledBackAutomatic, RolledBackManual, DriftFound:
		return OutcomeWarning
	default:
		return OutcomeInfo
	}
}

// Summary is what happened in a few words: "deploy failed".
func (k Kind) Summary() string {
	switch k {
	case DeployStarted:
		return "deploy started"
	case DeploySucceeded:
		return "deploy succeeded"
	case DeployFailed:
		return "deploy failed"
	case VerifyFailed:
		return "verification failed"
	case RolledBackAutomatic:
		return "rolled back automatically"
	case RolledBackManual:
		return "rolled back"
	case Promoted:
		return "promoted"
	case AlarmFired:
		return "alarm fired during the watch"
	case DriftFound:
		return "drift found"
	default:
		return string(k)
	}
}

// Title is the one-line headline: "staging: deploy failed (release 7, image v3)".
func (e Event) Title() string {
	var b strings.Builder
	if e.Stack != "" {
		b.WriteString(e.Stack + ": ")
	}
	b.WriteString(e.Kind.Summary())
	if r := e.Release(); r != "" {
		b.WriteString(" (" + r + ")")
	}
	return b.String()
}

// Release names the release as people say it: "release 7, image v3".
func (e Event) Release() string {
	switch {
	case e.ReleaseID > 0 && e.ReleaseName != "":
		return fmt.Sprintf("release %d, %s", e.ReleaseID, e.ReleaseName)
	case e.ReleaseID > 0:
		return fmt.Sprintf("release %d", e.ReleaseID)
	default:
		return e.ReleaseName
	}
}

// ChangeSummary renders the change counts in a stable order: "create 2, update 1".
func (e Event) ChangeSummary() string {
	var parts []string
	for _, op := range sortedOps(e.Changes) {
		if n := e.Changes[op]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", op, n))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// CIRunURL links the GitHub Actions run this process is part of, or ""
// outside Actions. The variables are GitHub's defaults, set in every job:
// https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables
func CIRunURL() string { return ciRunURL(os.Getenv) }

func ciRunURL(getenv func(string) string) string {
	server, repo, run := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || run == "" {
		return ""
	}
	u := strings.TrimRight(server, "/") + "/" + repo + "/actions/runs/" + run
	// A re-run keeps the run id; the attempt tells which try sent this.
	if a := getenv("GITHUB_RUN_ATTEMPT"); a != "" && a != "1" {
		u += "/attempts/" + a
	}
	return u
}

// sortedOps orders operations the way a plan reads: creates first, deletes
// last, anything unknown after them alphabetically.
func sortedOps(m map[string]int) []string {
	rank := map[string]int{"create": 0, "update": 1, "replace": 2, "delete": 3, "same": 4}
	ops := make([]string, 0, len(m))
	for op := range m {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool {
		ri, iok := rank[ops[i]]
		rj, jok := rank[ops[j]]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		default:
			return ops[i] < ops[j]
		}
	})
	return ops
}
