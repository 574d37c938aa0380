package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirikae/kirikae/stacks"
)

// Release kinds.
const (
	KindDeploy       = "deploy"
	KindRollback     = "rollback"
	KindPromote      = "promote"
	KindAutoRollback = "auto-rollback"
)

// Verification outcomes of a release.
const (
	VerifyPassed  = "passed"
	VerifyFailed  = "failed"
	VerifySkipped = "skipped"
	VerifyUnknown = "unknown" // no record survived (rebuilt from history)
)

// Release is one deploy, rollback or promote that reached the stack: the
// Pulumi update that applied it and what kirikae knows about it.
type Release struct {
	Stack           string            `json:"stack"`
	Version         int               `json:"version"` // Update.Version of the update that applied it
	ImageTag        string            `json:"imageTag,omitempty"`
	LambdaVersion   string            `json:"lambdaVersion,omitempty"`
	FrontendRelease string            `json:"frontendRelease,omitempty"`
	ActiveColor     string            `json:"activeColor,omitempty"`
	Values          map[string]string `json:"values"`     // release values applied
	ConfigHash      string            `json:"configHash"` // sha256 of the update's whole config snapshot
	Commit          string            `json:"commit,omitempty"`
	Who             string            `json:"who,omitempty"`
	When            time.Time         `json:"when"`
	Kind            string            `json:"kind"`
	DBSchemaVersion string            `json:"dbSchemaVersion,omitempty"`
	Verified        string            `json:"verified"`
	Reason          string            `json:"reason,omitempty"`
}

// Name says what a release serves: "image v2, frontend r3", or
// "release N" when it carries no release values.
func (r Release) Name() string {
	var parts []string
	if r.ImageTag != "" {
		parts = append(parts, "image "+r.ImageTag)
	}
	if r.LambdaVersion != "" {
		parts = append(parts, "lambda version "+r.LambdaVersion)
	}
	if r.FrontendRelease != "" {
		parts = append(parts, "frontend "+r.FrontendRelease)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("release %d", r.Version)
	}
	return strings.Join(parts, ", ")
}

// Tag names and limits of the Pulumi backends that store stack tags.
const (
	releaseTagPrefix = "kirikae:release:"
	maxTagValue      = 256
	maxReleaseTags   = 50
	// stepMessagePrefix marks the intermediate updates of a deploy (stage,
	// canary) in history, so rebuilding releases from history skips them.
	stepMessagePrefix = "kirikae step: "
)

// releaseTag is the compact tag value: only what history lacks.
type releaseTag struct {
	Verified string `json:"v,omitempty"`
	Kind     string `json:"k,omitempty"`
	Who      string `json:"w,omitempty"`
	Commit   string `json:"c,omitempty"`
	Lambda   string `json:"l,omitempty"`
	Reason   string `json:"r,omitempty"`
}

// encode fits the tag into the backend's value limit by shortening the
// reason, the only free-text field.
func (t releaseTag) encode() string {
	t.Who = truncate(t.Who, 64)
	for {
		raw, _ := json.Marshal(t)
		if len(raw) <= maxTagValue || t.Reason == "" {
			return string(raw)
		}
		t.Reason = truncate(t.Reason, len(t.Reason)-(len(raw)-maxTagValue)-3)
	}
}

func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Releases lists the stack's releases, newest first: Pulumi history gives
// versions, times and config snapshots, kirikae's stack tags the rest. When
// the tags are gone the releases are rebuilt from history alone, verified
// "unknown".
func (s *Session) Releases(ctx context.Context) ([]Release, error) {
	_, releases, err := s.historyAndReleases(ctx)
	return releases, err
}

// historyAndReleases reads history and release tags once and returns both
// the history and the releases built from it.
func (s *Session) historyAndReleases(ctx context.Context) ([]Update, []Release, error) {
	hist, err := s.History(ctx)
	if err != nil {
		return nil, nil, err
	}
	tags, err := s.releaseTags(ctx)
	if err != nil {
		return nil, nil, err
	}
	return hist, s.releasesFrom(hist, tags), nil
}

func (s *Session) releasesFrom(hist []Update, tags map[int]releaseTag) []Release {
	base, _ := stacks.Load(s.opts.ProjectDir, s.opts.Stack)
	var out []Release
	for _, u := range hist {
		tag, tagged := tags[u.Version]
		if !tagged && (u.Kind != "update" || u.Result != "succeeded" || strings.HasPrefix(u.Message, stepMessagePrefix)) {
			continue
		}
		values := valuesOf(base, u.Config)
		r := Release{
			Stack:           s.opts.Stack,
			Version:         u.Version,
			ImageTag:        values[stacks.KeyImageTag],
			FrontendRelease: values[stacks.KeyFrontendRelease],
			ActiveColor:     activeOf(values),
			Values:          values,
			ConfigHash:      configHash(u.Config),
			When:            u.EndTime,
			Kind:            KindDeploy,
			DBSchemaVersion: u.Config[stacks.KeyDBSchemaVersion],
			Verified:        VerifyUnknown,
			LambdaVersion:   values[stacks.KeyLambdaAliasVersion],
		}
		if base.Backend == stacks.BackendLambda {
			r.ImageTag = ""
		}
		if tagged {
			r.Verified, r.Kind, r.Who, r.Commit, r.Reason = tag.Verified, tag.Kind, tag.Who, tag.Commit, tag.Reason
			if tag.Lambda != "" {
				r.LambdaVersion = tag.Lambda
			}
		}
		out = append(out, r)
	}
	return out
}

// configHash identifies a config snapshot: two updates with the same hash
// ran with exactly the same config.
func configHash(cfg map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		fmt.Fprintf(h, "%s=%s\n", k, cfg[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// releaseTags reads kirikae's release tags by update version.
func (s *Session) releaseTags(ctx context.Context) (map[int]releaseTag, error) {
	all, err := s.stack.ListTags(ctx)
	if err != nil {
		return nil, fmt.Errorf("list release tags of %s: %s", s.opts.Stack, engineMessage(err.Error()))
	}
	out := map[int]releaseTag{}
	for name, value := range all {
		v, ok := strings.CutPrefix(name, releaseTagPrefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			continue
		}
		var t releaseTag
		if json.Unmarshal([]byte(value), &t) != nil {
			continue // a hand-edited tag must not hide the release
		}
		out[n] = t
	}
	return out, nil
}

// record stores a release's tag beside the stack's state and trims the
// oldest tags so the stack's tag set stays small.
func (s *Session) record(ctx context.Context, version int, t releaseTag) error {
	if err := s.stack.SetTag(ctx, releaseTagPrefix+strconv.Itoa(version), t.encode()); err != nil {
		return fmt.Errorf("record release %d of %s: %s", version, s.opts.Stack, engineMessage(err.Error()))
	}
	// Versions are unique per tag, so there cannot be more tags than the
	// version number: skip listing them until that is possible.
	if version <= maxReleaseTags {
		return nil
	}
	tags, err := s.releaseTags(ctx)
	if err != nil {
		return err
	}
	versions := slices.Sorted(maps.Keys(tags))
	for len(versions) > maxReleaseTags {
		if err := s.stack.RemoveTag(ctx, releaseTagPrefix+strconv.Itoa(versions[0])); err != nil {
			return fmt.Errorf("trim release tags of %s: %s", s.opts.Stack, engineMessage(err.Error()))
		}
		versions = versions[1:]
	}
	return nil
}

// who names the deployer: the CI actor, else user@host.
func who() string {
	if a := os.Getenv("GITHUB_ACTOR"); a != "" {
		return a
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// commit is the project's git commit, best effort: a deploy from a tarball
// still works, it just records none.
func (s *Session) commit(ctx context.Context) string {
	if sha := os.Getenv("GITHUB_SHA"); sha != "" {
		return truncate(sha, 12)
	}
	out, err := exec.CommandContext(ctx, "git", "-C", s.opts.ProjectDir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
