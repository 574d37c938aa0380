package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/stacks"
)

// PlanFile is what a reviewer approved: `preview --save-plan FILE` writes
// it, `up --plan FILE` applies it only when nothing it depends on moved
// since, so a PR's reviewed plan cannot silently turn into another change.
type PlanFile struct {
	Stack string `json:"stack"`
	// LatestRelease is the newest release id when reviewed: any deploy,
	// rollback or promote since makes the plan stale.
	LatestRelease int `json:"latestRelease"`
	// ConfigHash covers the repo's stack file; ProgramHash the kirikae
	// program that previewed (its executable: `go run` rebuilds it when
	// any code changes).
	ConfigHash  string `json:"configHash"`
	ProgramHash string `json:"programHash"`
	// Overrides are the release values the preview applied (--image, …).
	Overrides map[string]string `json:"overrides,omitempty"`
	// ImageDigest is the image the release resolved to, when known.
	ImageDigest string `json:"imageDigest,omitempty"`
	// Changes are the preview's counts, for the reviewer and the error.
	Changes map[string]int `json:"changes,omitempty"`
	// Binding is a SHA-256 of everything above: a plan whose overrides or
	// change summary were edited after the preview no longer matches it.
	// It is a checksum, not a signature: what makes the file the one the
	// preview job wrote is where the pipeline takes it from
	// (scripts/ci/reviewed-plans.sh).
	Binding string `json:"binding"`
}

// PlanOverrideKeys are the release values a reviewed plan may carry: those
// preview's flags set (--image, --frontend-release). Anything else in a
// plan's overrides (an idle image, an active colour, an s3:// Lambda
// artifact) was never something a reviewer chose, and is refused.
var PlanOverrideKeys = []string{stacks.KeyImageTag, stacks.KeyFrontendRelease}

// Bound returns pf with its Binding computed.
func (pf PlanFile) Bound() PlanFile {
	pf.Binding = pf.binding()
	return pf
}

func (pf PlanFile) binding() string {
	pf.Binding = ""
	raw, _ := json.Marshal(pf) // map keys marshal sorted: one text per content
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// PlanFileFor describes the stack as it is now, with the release values
// this run applies.
func (s *Session) PlanFileFor(ctx context.Context, overrides map[string]string, changes map[string]int) (PlanFile, error) {
	log, err := s.releases(ctx)
	if err != nil {
		return PlanFile{}, err
	}
	latest, err := log.latest(ctx)
	if err != nil {
		return PlanFile{}, err
	}
	cfg, err := engine.FileSHA256(filepath.Join(s.ProjectDir(), "Pulumi."+s.Stack()+".yaml"))
	if err != nil {
		return PlanFile{}, fmt.Errorf("hash stack file: %w", err)
	}
	prog, err := programHash()
	if err != nil {
		return PlanFile{}, err
	}
	return PlanFile{Stack: s.Stack(), LatestRelease: latest, ConfigHash: cfg, ProgramHash: prog,
		Overrides: maps.Clone(overrides), Changes: changes}.Bound(), nil
}

// SavePlan writes pf to path (0600: it names the stack and its values).
func SavePlan(path string, pf PlanFile) error {
	raw, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

// LoadPlan reads a plan file; an unreadable one is bad input.
func LoadPlan(path string) (PlanFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return PlanFile{}, &PlanFileError{Path: path, Reason: err.Error()}
	}
	var pf PlanFile
	if err := json.Unmarshal(raw, &pf); err != nil || pf.Stack == "" {
		return PlanFile{}, &PlanFileError{Path: path, Reason: "not a kirikae plan file (make one with `kirikae preview --save-plan FILE`)"}
	}
	for k := range pf.Overrides {
		if !slices.Contains(PlanOverrideKeys, k) {
			return PlanFile{}, &PlanFileError{Path: path, Reason: fmt.Sprintf("the plan overrides %s, which no preview flag sets (a reviewed plan carries only %s)",
				k, strings.Join(PlanOverrideKeys, " and "))}
		}
	}
	if pf.Binding != pf.binding() {
		return PlanFile{}, &PlanFileError{Path: path, Reason: "the plan was changed after its preview (its binding does not match its overrides and change summary)"}
	}
	return pf, nil
}

// CheckPlan compares a reviewed plan with the stack now and returns a
// *StalePlanFileError naming everything that moved.
func (s *Session) CheckPlan(ctx context.Context, reviewed PlanFile) error {
	if reviewed.Stack != s.Stack() {
		return &PlanFileError{Reason: fmt.Sprintf("the plan is for stack %s, not %s", reviewed.Stack, s.Stack())}
	}
	now, err := s.PlanFileFor(ctx, reviewed.Overrides, nil)
	if err != nil {
		return err
	}
	var moved []string
	if now.LatestRelease != reviewed.LatestRelease {
		moved = append(moved, fmt.Sprintf("the stack was deployed since (newest release %d, reviewed %d)", now.LatestRelease, reviewed.LatestRelease))
	}
	if now.ConfigHash != reviewed.ConfigHash {
		moved = append(moved, "Pulumi."+s.Stack()+".yaml changed")
	}
	if now.ProgramHash != reviewed.ProgramHash {
		moved = append(moved, "the kirikae program changed")
	}
	if len(moved) > 0 {
		return &StalePlanFileError{Stack: s.Stack(), Moved: moved}
	}
	return nil
}

// StalePlanFileError refuses a reviewed plan that no longer describes the
// stack (exit 2: review a new preview).
type StalePlanFileError struct {
	Stack string
	Moved []string
}

func (e *StalePlanFileError) Error() string {
	return fmt.Sprintf("the reviewed plan for %s is stale: %s", e.Stack, strings.Join(e.Moved, "; "))
}

// Hint asks for a new review.
func (e *StalePlanFileError) Hint(inv Invocation) string {
	return "nothing was changed; run `" + inv.For(e.Stack).Command("preview", "--save-plan", "FILE") + "` again and have the new plan reviewed"
}

// BadInput: the plan file is the input.
func (e *StalePlanFileError) BadInput() bool { return true }

// PlanFileError is a plan file that cannot be used.
type PlanFileError struct {
	Path   string
	Reason string
}

func (e *PlanFileError) Error() string {
	if e.Path == "" {
		return "use plan: " + e.Reason
	}
	return fmt.Sprintf("read plan %s: %s", e.Path, e.Reason)
}

// BadInput: the user passes another file.
func (e *PlanFileError) BadInput() bool { return true }

// programHash identifies the running kirikae program.
func programHash() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find kirikae executable: %w", err)
	}
	return engine.FileSHA256(exe)
}
