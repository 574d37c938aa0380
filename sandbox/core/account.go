package core

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
	AccountFile = "account.json"
	faultsFile  = "faults.json"
	lockFile    = "lock"
)

// Account is the simulated AWS account stored in a state directory. Every
// method takes the directory's file lock, so several processes (and several
// Accounts in one process) can share it safely.
type Account struct {
	Root   string
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

// Record is a stored resource. Properties are kept in wire form so secrets
// and archive hashes survive the round trip through JSON.
type Record struct {
	Resource
	Seq uint64 `json:"seq"`
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
	a := &Account{Root: stateDir, shared: SharedDir()}
	legacy := false
	if err := a.View(func(st *State) error {
		a.id, legacy = st.AccountID, st.InStateObjects != nil
		return nil
	}); err != nil {
		return nil, err
	}
	if a.id == "" || legacy {
		if err := a.Update(func(st *State) error {
			if st.AccountID == "" {
				st.AccountID = newAccountID(len(st.Resources) > 0)
			}
			a.id = st.AccountID
			return st.migrateObjects()
		}); err != nil {
			return nil, err
		}
	}
	// Other accounts find this one by id (core/names_accounts.go). A shared
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
func (a *Account) Dir() string { return a.Root }

// ID is the account's 12-digit AWS account id.
func (a *Account) ID() string { return a.id }

// Lock takes the directory lock. flock locks belong to the open file, so
// two Accounts in one process exclude each other just like two processes.
func (a *Account) Lock(exclusive bool) (func(), error) {
	f, err := os.OpenFile(filepath.Join(a.Root, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
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

func (a *Account) Load() (*State, error) {
	path := filepath.Join(a.Root, AccountFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		st := NewState()
		st.Objs = ObjectStore{Root: a.Root}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sandbox account: %w", err)
	}
	st := NewState()
	st.Objs = ObjectStore{Root: a.Root}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read sandbox account: %s is corrupt; delete the sandbox directory %s to reset the simulated account: %w", path, a.Root, err)
	}
	// Maps missing from hand-edited files would panic on write.
	fresh := NewState()
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
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic is writeAtomic for raw bytes.
func WriteFileAtomic(path string, data []byte) error {
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

// Update runs fn on the state under the exclusive lock and saves the result
// only if fn succeeds.
func (a *Account) Update(fn func(*State) error) error {
	return a.withState(true, func(st *State) error {
		if err := fn(st); err != nil {
			return err
		}
		return writeAtomic(filepath.Join(a.Root, AccountFile), st)
	})
}

func (a *Account) View(fn func(*State) error) error { return a.withState(false, fn) }

// withState loads the state under the account's lock (exclusive for a
// writer) and runs fn on it; saving is the caller's.
func (a *Account) withState(exclusive bool, fn func(*State) error) error {
	unlock, err := a.Lock(exclusive)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := a.Load()
	if err != nil {
		return err
	}
	return fn(st)
}

func RecordKey(typ, handle string) string { return typ + " " + handle }

// Find returns the record for typ/id. Task definitions share their id (the
// family) across revisions, so arn picks the revision; without it the newest
// revision wins.
func (st *State) Find(typ, id, arn string) (string, *Record) {
	var bestKey string
	var best *Record
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
	err := a.View(func(st *State) error {
		for _, r := range st.Resources {
			res := r.Resource
			res.Inputs, _ = Plain(r.Inputs).(map[string]any)
			res.Outputs, _ = Plain(r.Outputs).(map[string]any)
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
	return a.Update(func(st *State) error {
		_, r := st.Find(typ, id, "")
		if r == nil {
			return fmt.Errorf("drift %s %s: no such resource in the simulated account", typ, id)
		}
		ins, err := FromWire(r.Inputs)
		if err != nil {
			return err
		}
		outs, err := FromWire(r.Outputs)
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
		if r.Inputs, err = ToWire(ins); err != nil {
			return err
		}
		r.Outputs, err = ToWire(outs)
		return err
	})
}

// Remove deletes a resource out of band, as if someone deleted it in the
// console; the next refresh sees it gone.
func (a *Account) Remove(typ, id string) error {
	return a.Update(func(st *State) error {
		k, r := st.Find(typ, id, "")
		if r == nil {
			return fmt.Errorf("remove %s %s: no such resource in the simulated account", typ, id)
		}
		delete(st.Resources, k)
		return nil
	})
}

const DefaultRegion = "us-east-1"

// DefaultAccount is the account id of sandbox accounts created before each
// account drew its own.
const DefaultAccount = "123456789012"
