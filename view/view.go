// Package view renders kirikae's results for people and machines. Logic
// never prints: commands hand typed results from package deploy to a View,
// and the View decides the format (human, JSON, markdown).
package view

import (
	"time"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/journal"
)

// View is one output format. Every command writes through it.
type View interface {
	// Notice is a one-line message for the person running the command
	// (e.g. "sandbox: simulated AWS, nothing is created in AWS").
	// Human: to stderr. JSON: dropped (stdout stays machine-readable).
	Notice(msg string)
	// Event is one live engine event during preview/up/refresh/destroy.
	Event(e deploy.Event)
	// Result is the closing summary of preview/up/refresh/destroy.
	Result(r *deploy.Result) error
	// History lists a stack's updates, newest first.
	History(stack string, updates []deploy.Update) error
	// Outputs lists a stack's outputs; secrets are masked.
	Outputs(stack string, outputs map[string]deploy.Output) error
	// Stacks lists the project's stacks.
	Stacks(rows []StackRow) error
	// ConfigCheck reports config validation and parity per stack.
	ConfigCheck(report ConfigReport) error
	// Version prints versions.
	Version(v VersionInfo) error
	// Plan is the release plan shown before up, rollback and promote apply.
	Plan(p *deploy.Plan) error
	// Deployed is the outcome of a deploy, rollback or promote that went
	// live (and was verified unless skipped).
	Deployed(r *deploy.DeployResult) error
	// Releases lists a stack's releases, newest first.
	Releases(stack string, rows []ReleaseRow) error
	// Journal lists what kirikae did to a stack, newest first.
	Journal(stack string, recs []journal.Record) error
	// Status is a stack's live state as AWS reports it.
	Status(st *deploy.Status) error
	// LogEvent is one event of the workload's logs (logs.go).
	LogEvent(e deploy.LogEvent) error
	// Close flushes anything pending (a spinner line, a JSON array).
	Close() error
}

// StackRow is one line of `kirikae stacks`.
type StackRow struct {
	Name       string    `json:"name"`
	Deployed   bool      `json:"deployed"`
	LastUpdate time.Time `json:"lastUpdate,omitempty"`
	Result     string    `json:"result,omitempty"`
	ImageTag   string    `json:"imageTag,omitempty"`
	Resources  int       `json:"resources"`
}

// ConfigReport is the outcome of `kirikae config check`.
type ConfigReport struct {
	// Problems per stack file (empty slice = valid).
	Stacks []StackProblems `json:"stacks"`
	// Parity lists keys present in one stack file and not another.
	Parity []string `json:"parity"`
}

// StackProblems is one stack file's validation result.
type StackProblems struct {
	Stack    string   `json:"stack"`
	File     string   `json:"file"`
	Problems []string `json:"problems"`
}

// OK reports whether every stack is valid and at parity.
func (r ConfigReport) OK() bool {
	if len(r.Parity) > 0 {
		return false
	}
	for _, s := range r.Stacks {
		if len(s.Problems) > 0 {
			return false
		}
	}
	return true
}

// ReleaseRow is one release with the command that makes it live again.
type ReleaseRow struct {
	deploy.Release
	// Live marks the release serving now; it has no rollback command.
	Live            bool
	RollbackCommand string
}

// VersionInfo is printed by `kirikae version`.
type VersionInfo struct {
	Kirikae   string `json:"kirikae"`
	Pulumi    string `json:"pulumi"`    // the pinned CLI version
	AWSSDK    string `json:"awsSdk"`    // pulumi-aws sdk version (= provider version)
	Go        string `json:"go"`        // Go runtime
	PulumiCLI string `json:"pulumiCli"` // path of the resolved CLI, "" if not resolved
}
