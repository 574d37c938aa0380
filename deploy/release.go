package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/journal"
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
	Stack string `json:"stack"`
	// ID names the release for good: it counts up per stack, is never
	// reused, and is what `rollback --to` takes.
	ID              int       `json:"id"`
	ImageTag        string    `json:"imageTag,omitempty"`
	ImageDigest     string    `json:"imageDigest,omitempty"`
	LambdaVersion   string    `json:"lambdaVersion,omitempty"`
	FrontendRelease string    `json:"frontendRelease,omitempty"`
	ActiveColor     string    `json:"activeColor,omitempty"`
	Values          Values    `json:"values"`     // release values applied
	ConfigHash      string    `json:"configHash"` // sha256 of the release values
	Commit          string    `json:"commit,omitempty"`
	Who             string    `json:"who,omitempty"`
	When            time.Time `json:"when"`
	Kind            string    `json:"kind"`
	DBSchemaVersion string    `json:"dbSchemaVersion,omitempty"`
	// Migrated: the release ran kirikae:migrateCommand (exit 0) before it
	// took traffic; its database is at DBSchemaVersion.
	Migrated bool   `json:"migrated,omitempty"`
	Verified string `json:"verified"`
	Reason   string `json:"reason,omitempty"`
	// Artifacts are the identities of what passed verification (the
	// image digest, the frontend objects' ETags), read right after it
	// passed; a promote checks the source still holds them
	// (promote_identity.go). Nil for a release that did not pass.
	Artifacts *VerifiedArtifacts `json:"verifiedArtifacts,omitempty"`

	// LambdaCodeSha256 is the CodeSha256 of the artifact the release
	// published (Values.Lambda.CodeSha256); "" when it was not known.
	LambdaCodeSha256 string `json:"lambdaCodeSha256,omitempty"`
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
		return fmt.Sprintf("release %d", r.ID)
	}
	return strings.Join(parts, ", ")
}

// stepMessagePrefix marks the intermediate updates of a deploy (stage,
// canary) in Pulumi history, so a reader of `history` can tell them apart.
const stepMessagePrefix = "kirikae step: "

// releaseLog keeps a stack's releases in the backend store beside its
// state: one write-once object per release, named by its id. Ids count up
// from 1 per stack and are never reused, so a rollback command printed
// today restores the same release after any number of deploys; they do not
// depend on Pulumi's history (paged, and numbered 0 by the file backend).
type releaseLog struct {
	store backend.Store
	dir   string // releases/<project>/<stack>/
}

const releaseKeyDigits = 10 // zero-padded: lexical order is numeric order

func (l releaseLog) key(id int) string {
	return fmt.Sprintf("%s%0*d.json", l.dir, releaseKeyDigits, id)
}

// ids lists the stored release ids, ascending.
func (l releaseLog) ids(ctx context.Context) ([]int, error) {
	ls, err := l.listAll(ctx)
	return ls.records, err
}

// latest is the newest release id, 0 when there is none.
func (l releaseLog) latest(ctx context.Context) (int, error) {
	ids, err := l.ids(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[len(ids)-1], nil
}

// list reads every release, newest first: the newest index and the
// records after it (release_index.go). When more than a few records are
// newer than the index, it writes a fresh one for the next reader.
func (l releaseLog) list(ctx context.Context) ([]Release, error) {
	rels, from, raw, err := l.read(ctx)
	if err != nil {
		return nil, err
	}
	if len(rels) > 0 && rels[0].ID-from > indexLag {
		_ = l.writeIndex(ctx, rels, from, raw) // a cache: best effort
	}
	return rels, nil
}

// append stores r under the next free id and returns it with that id.
// Another writer taking the same id makes Create fail; the next id is
// then tried, so ids stay unique without a lock server.
func (l releaseLog) append(ctx context.Context, r Release) (Release, error) {
	id, err := l.latest(ctx)
	if err != nil {
		return Release{}, err
	}
	for range 100 {
		id++
		r.ID = id
		raw, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return Release{}, fmt.Errorf("encode release: %w", err)
		}
		err = l.store.Create(ctx, l.key(id), raw)
		if errors.Is(err, backend.ErrExists) {
			continue
		}
		if err != nil {
			return Release{}, err
		}
		// The record is what counts; a failed index write only makes
		// the next reader read this record itself.
		_ = l.updateIndex(ctx)
		return r, nil
	}
	return Release{}, fmt.Errorf("record release of %s: 100 ids in a row were taken", r.Stack)
}

// releases opens the stack's release log in the backend.
func (s *Session) releases(ctx context.Context) (releaseLog, error) {
	return releaseLog{store: s.Store(), dir: "releases/" + s.ProjectName() + "/" + s.Stack() + "/"}, nil
}

// Releases lists the stack's releases, newest first. It reads only the
// release log, never Pulumi history, so its cost does not grow with the
// number of updates and it starts no engine process.
func (s *Session) Releases(ctx context.Context) ([]Release, error) {
	log, err := s.releases(ctx)
	if err != nil {
		return nil, err
	}
	rels, err := log.list(ctx)
	if err != nil {
		return nil, fmt.Errorf("list releases of %s: %w", s.Stack(), err)
	}
	return rels, nil
}

// LiveRelease is the release serving now: the newest one that did not
// fail (a failed release is always followed by the switch back).
func LiveRelease(rels []Release) (Release, bool) {
	for _, r := range rels {
		if r.Verified != VerifyFailed {
			return r, true
		}
	}
	return Release{}, false
}

// newRelease describes values going live on the stack; the log assigns
// its id.
func (s *Session) newRelease(ctx context.Context, values Values, lambda, kind, verified, reason string) Release {
	values.Schema = s.Config.DBSchemaVersion
	r := Release{
		Stack:           s.Stack(),
		ImageTag:        values.Image.Tag,
		ImageDigest:     values.Image.Digest,
		FrontendRelease: values.FrontendRelease,
		ActiveColor:     values.activeColor(),
		Values:          values,
		ConfigHash:      configHash(values),
		When:            time.Now().UTC().Truncate(time.Second),
		Kind:            kind,
		DBSchemaVersion: s.Config.DBSchemaVersion,
		Verified:        verified,
		Reason:          truncate(reason, 1000),
		LambdaVersion:   lambda,
		Who:             who(),
		Commit:          s.commit(ctx),
	}
	if s.Config.Backend == stacks.BackendLambda {
		r.ImageTag, r.ImageDigest = "", ""
		r.LambdaCodeSha256 = values.Lambda.CodeSha256
	}
	return r
}

// hashMap hashes config keys and values in key order.
func hashMap(cfg map[string]string) string {
	h := sha256.New()
	for _, k := range sortedKeys(cfg) {
		fmt.Fprintf(h, "%s=%s\n", k, cfg[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// who names the deployer: the CI actor, else user@host.
func who() string { return journal.Who() }

// commit is the project's git commit, best effort: a deploy from a tarball
// still works, it just records none.
func (s *Session) commit(ctx context.Context) string {
	if sha := os.Getenv("GITHUB_SHA"); sha != "" {
		return truncate(sha, 12)
	}
	out, err := exec.CommandContext(ctx, "git", "-C", s.ProjectDir(), "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
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
