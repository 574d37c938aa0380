// Package journal is the append-only record of what kirikae did to a stack:
// every operation writes a start entry before it changes anything and an end
// entry after, each as its own write-once object in the backend beside the
// state, so concurrent writers (a CI run and a laptop) never overwrite each
// other and a crash leaves a start without an end, which reads as
// "interrupted", never as success.
package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/backend"
)

// Phases of an entry.
const (
	PhaseStart = "start"
	PhaseEnd   = "end"
)

// Results of an operation as the journal reads it.
const (
	ResultSucceeded   = "succeeded"
	ResultFailed      = "failed"
	ResultCancelled   = "cancelled"
	ResultInterrupted = "interrupted" // a start with no end whose process is gone
	ResultRunning     = "running"     // a start with no end whose process is alive
)

// Release is what an operation put (or tried to put) live.
type Release struct {
	ID     int               `json:"id,omitempty"`
	Name   string            `json:"name,omitempty"`
	Values map[string]string `json:"values,omitempty"`
	Digest string            `json:"digest,omitempty"`
}

// Entry is one journal object.
type Entry struct {
	Op      string         `json:"op"` // up, rollback, promote, destroy, refresh, cancel, lock, unlock, preview
	OpID    string         `json:"opId"`
	Phase   string         `json:"phase"`
	Time    time.Time      `json:"time"`
	Stack   string         `json:"stack"`
	Who     string         `json:"who"`
	Host    string         `json:"host"`
	PID     int            `json:"pid"`
	CIRun   string         `json:"ciRun,omitempty"`
	Commit  string         `json:"commit,omitempty"`
	Release *Release       `json:"release,omitempty"`
	Changes map[string]int `json:"changes,omitempty"`
	// End entries only.
	Result     string `json:"result,omitempty"`
	Error      string `json:"error,omitempty"`
	DurationMs int64  `json:"durationMs,omitempty"`
	Note       string `json:"note,omitempty"` // e.g. "forced during a freeze"
}

// Journal is one stack's journal.
type Journal struct {
	store backend.Store
	dir   string
	// Mask replaces secret values in every entry before it is written.
	Mask func(string) string
}

// Open returns the journal of project/stack in store.
func Open(store backend.Store, project, stack string) *Journal {
	return &Journal{store: store, dir: "journal/" + project + "/" + stack + "/"}
}

// Op is an operation in progress: its start entry is written.
type Op struct {
	j     *Journal
	start Entry
}

// Start writes the start entry of op. When it cannot be written the
// operation must not run: the caller returns the error.
func (j *Journal) Start(ctx context.Context, e Entry) (*Op, error) {
	e.Phase = PhaseStart
	if e.OpID == "" { // the caller may name it beforehand (the deploy lock does)
		e.OpID = NewID()
	}
	e.Time = time.Now().UTC()
	fillWho(&e)
	if err := j.write(ctx, e); err != nil {
		return nil, fmt.Errorf("write journal start of %s on %s (the operation did not run): %w", e.Op, e.Stack, err)
	}
	return &Op{j: j, start: e}, nil
}

// End writes the end entry. result is ResultSucceeded, ResultFailed or
// ResultCancelled; err (may be nil) is recorded as text.
func (o *Op) End(ctx context.Context, result string, err error, fill func(*Entry)) error {
	e := o.start
	e.Phase, e.Result, e.Time = PhaseEnd, result, time.Now().UTC()
	e.DurationMs = e.Time.Sub(o.start.Time).Milliseconds()
	e.Error = ""
	if err != nil {
		e.Error = firstLine(err.Error())
	}
	if fill != nil {
		fill(&e)
	}
	// The end is written even when the caller's context was cancelled
	// (Ctrl-C): that is exactly when it matters.
	ctx = context.WithoutCancel(ctx)
	if werr := o.j.write(ctx, e); werr != nil {
		return fmt.Errorf("write journal end of %s on %s: %w", e.Op, e.Stack, werr)
	}
	return nil
}

// ID is the operation's id, shared by its start and end entries.
func (o *Op) ID() string { return o.start.OpID }

func (j *Journal) write(ctx context.Context, e Entry) error {
	if j.Mask != nil {
		e = masked(e, j.Mask)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	// Keys sort by time, then op, then phase: List reads them in order and
	// --since can skip old ones by name alone.
	key := fmt.Sprintf("%s%s-%s-%s.json", j.dir, e.Time.Format("20060102T150405.000000000Z"), e.OpID, e.Phase)
	return j.store.Create(ctx, key, raw)
}

// Record is one operation as read back: its start, and its end if any.
type Record struct {
	Start  Entry  `json:"start"`
	End    *Entry `json:"end,omitempty"`
	Result string `json:"result"`
}

// List returns the operations that started at or after since (zero: all),
// newest first; limit > 0 keeps the newest limit operations and reads only
// their entries, so `status` costs the same however long the journal is. A start with no end reads as running when its process is
// alive on this host, interrupted otherwise.
func (j *Journal) List(ctx context.Context, since time.Time, limit int) ([]Record, error) {
	keys, err := j.store.List(ctx, j.dir)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	if !since.IsZero() {
		cut := since.UTC().Format("20060102T150405.000000000Z")
		// Ends are kept whatever their time so an operation that started
		// before since is not half-read; starts before since are dropped below.
		i := sort.SearchStrings(keys, j.dir+cut)
		keys = keys[i:]
	}
	if limit > 0 {
		keys = j.newestOps(keys, limit)
	}
	entries := make([]Entry, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i, k := range keys {
		g.Go(func() error {
			raw, err := j.store.Get(gctx, k)
			if err != nil {
				return err
			}
			return json.Unmarshal(raw, &entries[i])
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	byOp := map[string]*Record{}
	var order []string
	for _, e := range entries {
		r, ok := byOp[e.OpID]
		if !ok {
			r = &Record{}
			byOp[e.OpID] = r
			order = append(order, e.OpID)
		}
		if e.Phase == PhaseEnd {
			end := e
			r.End = &end
			if r.Start.OpID == "" {
				r.Start = e // start fell before since: keep what the end knows
			}
		} else {
			r.Start = e
		}
	}
	host, _ := os.Hostname()
	out := make([]Record, 0, len(order))
	for i := len(order) - 1; i >= 0; i-- {
		r := byOp[order[i]]
		switch {
		case r.End != nil:
			r.Result = r.End.Result
		case r.Start.Host == host && processAlive(r.Start.PID):
			r.Result = ResultRunning
		default:
			r.Result = ResultInterrupted
		}
		out = append(out, *r)
	}
	return out, nil
}

// newestOps keeps the keys of the limit operations that appear last in
// keys (sorted, so by time), judged from the key names alone: an
// operation's id is in every one of its keys (see write).
func (j *Journal) newestOps(keys []string, limit int) []string {
	keep := map[string]bool{}
	firstSeen := map[string]int{}
	for i, k := range keys {
		if op := opOf(strings.TrimPrefix(k, j.dir)); op != "" {
			if _, ok := firstSeen[op]; !ok {
				firstSeen[op] = i
			}
		}
	}
	ops := make([]string, 0, len(firstSeen))
	for op := range firstSeen {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(a, b int) bool { return firstSeen[ops[a]] > firstSeen[ops[b]] })
	for _, op := range ops[:min(limit, len(ops))] {
		keep[op] = true
	}
	var out []string
	for _, k := range keys {
		if keep[opOf(strings.TrimPrefix(k, j.dir))] {
			out = append(out, k)
		}
	}
	return out
}

// opOf is the operation id in a key name "<time>-<opId>-<phase>.json".
func opOf(name string) string {
	parts := strings.Split(strings.TrimSuffix(name, ".json"), "-")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// processAlive reports whether pid is a running process on this machine.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func masked(e Entry, mask func(string) string) Entry {
	e.Error, e.Note, e.Commit = mask(e.Error), mask(e.Note), mask(e.Commit)
	if e.Release != nil {
		r := *e.Release
		r.Name = mask(r.Name)
		if r.Values != nil {
			vals := make(map[string]string, len(r.Values))
			for k, v := range r.Values {
				vals[k] = mask(v)
			}
			r.Values = vals
		}
		e.Release = &r
	}
	return e
}

// fillWho records who and where: the CI actor or the git user, else the
// OS user; the host; the CI run's URL in GitHub Actions; this process.
func fillWho(e *Entry) {
	e.PID = os.Getpid()
	e.Host, _ = os.Hostname()
	if e.CIRun == "" {
		e.CIRun = CIRunURL()
	}
	if e.Who == "" {
		e.Who = Who()
	}
}

// Who names whoever runs kirikae: the CI actor, else the git user, else
// user@host. Journal, releases, freezes and notifications all use it, so
// one person has one name everywhere.
func Who() string {
	if a := os.Getenv("GITHUB_ACTOR"); a != "" {
		return a
	}
	if out, err := exec.Command("git", "config", "user.email").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		return strings.TrimSpace(string(out))
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// CIRunURL is the GitHub Actions run's URL, "" outside Actions.
func CIRunURL() string {
	server, repo, run := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || run == "" {
		return ""
	}
	return server + "/" + repo + "/actions/runs/" + run
}

// NewID is a short random id for a write-once record's name, so two
// records written in the same nanosecond never share one.
func NewID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
