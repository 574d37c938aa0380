package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	accountFile = "account.json"
	faultsFile  = "faults.json"
	lockFile    = "lock"
)

// Account is the simulated AWS account stored in a state directory. Every
// method takes the directory's file lock, so several processes (and several
// Accounts in one process) can share it safely.
type Account struct {
	dir    string
	id     string // the account id, fixed once the account exists
	shared string // where state shared by every sandbox account lives (S3 bucket names)
}

// Resource is one simulated AWS resource as the account holds it. Inputs and
// Outputs are plain values: secrets are shown unwrapped.
type Resource struct {
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	URN     string         `json:"urn,omitempty"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// record is a stored resource. Properties are kept in wire form so secrets
// and archive hashes survive the round trip through JSON.
type record struct {
	Resource
	Seq uint64 `json:"seq"`
}

// lambdaState tracks a function's published versions so aliases can point at
// old ones, as in AWS.
type lambdaState struct {
	Latest    int      `json:"latest"`
	Published []string `json:"published"`
	// Code is each published version's code hash: a version is an
	// immutable snapshot of the function, so later code does not change it.
	Code map[string]string `json:"code,omitempty"`
	// Package is each published version's deployment package (sha256 of
	// the zip under StateDir/lambda), so the version's own code runs.
	Package map[string]string `json:"package,omitempty"`
}

type state struct {
	// AccountID is the simulated account's 12-digit id, drawn when the
	// account is created: every account has its own, as in AWS.
	AccountID     string                  `json:"accountId,omitempty"`
	Seq           uint64                  `json:"seq"`
	Resources     map[string]*record      `json:"resources"`
	TaskRevisions map[string]int          `json:"taskRevisions"`
	Lambda        map[string]*lambdaState `json:"lambda"`
	Unhealthy     map[string]bool         `json:"unhealthy"`
	// LegacyObjects is where accounts created before the object store
	// (objects_store.go) kept S3 object metadata, by bucket and key.
	// OpenAccount moves it to the store once; nothing else reads it.
	LegacyObjects map[string]map[string]object `json:"objects,omitempty"`
	Invalidations map[string][]Invalidation    `json:"invalidations,omitempty"` // by distribution id
	// KVS are CloudFront KeyValueStore key writes by store ARN and key,
	// kept until the edges have them (kvs.go).
	KVS map[string]map[string][]kvsWrite `json:"kvs,omitempty"`
	// AlarmStates are alarm states set through SetAlarmState, by name.
	AlarmStates map[string]AlarmState `json:"alarmStates,omitempty"`
	// BreakerArmed holds ECS service ids whose next task definition change
	// the simulated deployment circuit breaker rolls back.
	BreakerArmed map[string]bool `json:"breakerArmed,omitempty"`
	// Running overrides the task definition an ECS service (by id) really
	// runs after a simulated circuit-breaker rollback.
	Running map[string]string `json:"running,omitempty"`
	// Steady is the task definition of each ECS service's last completed
	// deployment, the one the circuit breaker rolls back to.
	Steady map[string]string `json:"steady,omitempty"`
	// Images are ECR images by repository name; their programs live under
	// StateDir/images.
	Images map[string][]*image `json:"images,omitempty"`
	// Parameters are SSM Parameter Store parameters by name.
	Parameters map[string]*parameter `json:"parameters,omitempty"`

	// objs is the account's S3 objects, kept out of this file so an object
	// write does not rewrite it.
	objs objectStore
}

func newState() *state {
	return &state{
		Resources:     map[string]*record{},
		TaskRevisions: map[string]int{},
		Lambda:        map[string]*lambdaState{},
		Unhealthy:     map[string]bool{},
		Invalidations: map[string][]Invalidation{},
		BreakerArmed:  map[string]bool{},
		Running:       map[string]string{},
		Images:        map[string][]*image{},
	}
}

// OpenAccount opens (creating if needed) the simulated account in stateDir.
// It reads the state once so a corrupt file is reported immediately.
func OpenAccount(stateDir string) (*Account, error) {
	if stateDir == "" {
		return nil, errors.New("open sandbox account: state directory is empty")
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox state dir: %w", err)
	}
	a := &Account{dir: stateDir, shared: SharedDir()}
	legacy := false
	if err := a.view(func(st *state) error {
		a.id, legacy = st.AccountID, st.LegacyObjects != nil
		return nil
	}); err != nil {
		return nil, err
	}
	if a.id == "" || legacy {
		if err := a.update(func(st *state) error {
			if st.AccountID == "" {
				st.AccountID = newAccountID(len(st.Resources) > 0)
			}
			a.id = st.AccountID
			return st.migrateObjects()
		}); err != nil {
			return nil, err
		}
	}
	// Other accounts find this one by id (names_accounts.go). A shared
	// directory that cannot be written must not stop the account's own
	// work: other accounts then find no registry under this id, which
	// they report as a missing repository.
	_ = a.registerAccount()
	return a, nil
}

// newAccountID draws a 12-digit account id. An account created before ids
// were drawn keeps DefaultAccount, which its ARNs already carry.
func newAccountID(legacy bool) string {
	if legacy {
		return DefaultAccount
	}
	buf := make([]byte, 12)
	_, _ = rand.Read(buf) // crypto/rand never fails on Linux
	for i, b := range buf {
		buf[i] = '0' + b%10
	}
	if buf[0] == '0' {
		buf[0] = '1' // kept out of 0 so the id never reads as a short number
	}
	return string(buf)
}

// Dir returns the state directory.
func (a *Account) Dir() string { return a.dir }

// ID is the account's 12-digit AWS account id.
func (a *Account) ID() string { return a.id }

// lock takes the directory lock. flock locks belong to the open file, so
// two Accounts in one process exclude each other just like two processes.
func (a *Account) lock(exclusive bool) (func(), error) {
	f, err := os.OpenFile(filepath.Join(a.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sandbox lock: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock sandbox state: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func (a *Account) load() (*state, error) {
	path := filepath.Join(a.dir, accountFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		st := newState()
		st.objs = objectStore{dir: a.dir}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sandbox account: %w", err)
	}
	st := newState()
	st.objs = objectStore{dir: a.dir}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read sandbox account: %s is corrupt; delete the sandbox directory %s to reset the simulated account: %w", path, a.dir, err)
	}
	// Maps missing from hand-edited files would panic on write.
	fresh := newState()
	if st.Resources == nil {
		st.Resources = fresh.Resources
	}
	if st.TaskRevisions == nil {
		st.TaskRevisions = fresh.TaskRevisions
	}
	if st.Lambda == nil {
		st.Lambda = fresh.Lambda
	}
	if st.Unhealthy == nil {
		st.Unhealthy = fresh.Unhealthy
	}
	if st.Invalidations == nil {
		st.Invalidations = fresh.Invalidations
	}
	if st.BreakerArmed == nil {
		st.BreakerArmed = fresh.BreakerArmed
	}
	if st.Running == nil {
		st.Running = fresh.Running
	}
	if st.Steady == nil {
		st.Steady = map[string]string{}
	}
	if st.Images == nil {
		st.Images = fresh.Images
	}
	return st, nil
}

// writeAtomic replaces path via a temp file and rename so a crash never
// leaves a half-written file behind.
func writeAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, data)
}

// writeFileAtomic is writeAtomic for raw bytes.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", filepath.Base(path), err)
	}
	return nil
}

// update runs fn on the state under the exclusive lock and saves the result
// only if fn succeeds.
func (a *Account) update(fn func(*state) error) error {
	return a.withState(true, func(st *state) error {
		if err := fn(st); err != nil {
			return err
		}
		return writeAtomic(filepath.Join(a.dir, accountFile), st)
	})
}

func (a *Account) view(fn func(*state) error) error { return a.withState(false, fn) }

// withState loads the state under the account's lock (exclusive for a
// writer) and runs fn on it; saving is the caller's.
func (a *Account) withState(exclusive bool, fn func(*state) error) error {
	unlock, err := a.lock(exclusive)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := a.load()
	if err != nil {
		return err
	}
	return fn(st)
}

func recordKey(typ, handle string) string { return typ + " " + handle }

// find returns the record for typ/id. Task definitions share their id (the
// family) across revisions, so arn picks the revision; without it the newest
// revision wins.
func (st *state) find(typ, id, arn string) (string, *record) {
	var bestKey string
	var best *record
	for k, r := range st.Resources {
		if r.Type != typ || r.ID != id {
			continue
		}
		if arn != "" && r.Outputs["arn"] == arn {
			return k, r
		}
		if best == nil || r.Seq > best.Seq {
			bestKey, best = k, r
		}
	}
	return bestKey, best
}

// Resources lists every simulated resource, sorted by type and id.
func (a *Account) Resources() ([]Resource, error) {
	var out []Resource
	err := a.view(func(st *state) error {
		for _, r := range st.Resources {
			res := r.Resource
			res.Inputs, _ = plain(r.Inputs).(map[string]any)
			res.Outputs, _ = plain(r.Outputs).(map[string]any)
			out = append(out, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Drift changes a resource's simulated state out of band, as a console edit
// would. A nil value removes the property. Values that were secret stay
// secret. Inputs follow for properties the program sets, so `refresh` reports
// the drift and the next `up` puts the program's values back.
func (a *Account) Drift(typ, id string, props map[string]any) error {
	return a.update(func(st *state) error {
		_, r := st.find(typ, id, "")
		if r == nil {
			return fmt.Errorf("drift %s %s: no such resource in the simulated account", typ, id)
		}
		ins, err := fromWire(r.Inputs)
		if err != nil {
			return err
		}
		outs, err := fromWire(r.Outputs)
		if err != nil {
			return err
		}
		for k, v := range resource.NewPropertyMapFromMap(props) {
			if v.IsNull() {
				delete(outs, k)
				delete(ins, k)
				continue
			}
			if outs[k].IsSecret() && !v.IsSecret() {
				v = resource.MakeSecret(v)
			}
			outs[k] = v
			if _, ok := ins[k]; ok {
				ins[k] = v
			}
		}
		if r.Inputs, err = toWire(ins); err != nil {
			return err
		}
		r.Outputs, err = toWire(outs)
		return err
	})
}

// Remove deletes a resource out of band, as if someone deleted it in the
// console; the next refresh sees it gone.
func (a *Account) Remove(typ, id string) error {
	return a.update(func(st *state) error {
		k, r := st.find(typ, id, "")
		if r == nil {
			return fmt.Errorf("remove %s %s: no such resource in the simulated account", typ, id)
		}
		delete(st.Resources, k)
		return nil
	})
}
