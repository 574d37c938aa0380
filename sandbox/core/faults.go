package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Fault makes the simulated account misbehave on a matching call, so tests
// and demos can exercise failed and slow deploys.
type Fault struct {
	Op      string        `json:"op"`             // create, update or delete
	Type    string        `json:"type,omitempty"` // resource type token; "" matches any
	Nth     int           `json:"nth,omitempty"`  // fail only the Nth matching call (1-based); 0 fails every one
	Message string        `json:"message,omitempty"`
	Delay   time.Duration `json:"delay,omitempty"` // when > 0 the call is slowed down instead of failing
}

// faultEntry counts the calls a fault has seen; the count is persisted so
// "the Nth call" spans processes, like a deploy and its rollback.
type faultEntry struct {
	Fault
	Seen int `json:"seen"`
}

func (a *Account) faultsPath() string { return filepath.Join(a.Dir(), faultsFile) }

func (a *Account) loadFaults() ([]faultEntry, error) {
	data, err := os.ReadFile(a.faultsPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sandbox faults: %w", err)
	}
	var fs []faultEntry
	if err := json.Unmarshal(data, &fs); err != nil {
		return nil, fmt.Errorf("read sandbox faults: %s is corrupt; delete it to clear faults: %w", a.faultsPath(), err)
	}
	return fs, nil
}

// InjectFault adds a fault; it applies to calls made from now on.
func (a *Account) InjectFault(f Fault) error {
	switch f.Op {
	case "create", "update", "delete":
	default:
		return fmt.Errorf("inject fault: op %q is not create, update or delete", f.Op)
	}
	if f.Nth < 0 {
		return fmt.Errorf("inject fault: nth %d is negative", f.Nth)
	}
	unlock, err := a.Lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	fs, err := a.loadFaults()
	if err != nil {
		return err
	}
	return writeAtomic(a.faultsPath(), append(fs, faultEntry{Fault: f}))
}

// ClearFaults removes every fault.
func (a *Account) ClearFaults() error {
	unlock, err := a.Lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(a.faultsPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("clear sandbox faults: %w", err)
	}
	return nil
}

// Trip counts one op call on typ against every matching fault and returns
// the first fault that fires, if any. faults.json is re-read each time so
// faults injected by another process apply immediately.
func (a *Account) Trip(op, typ string) (*Fault, error) {
	unlock, err := a.Lock(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	fs, err := a.loadFaults()
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	var fired *Fault
	for i := range fs {
		f := &fs[i]
		if f.Op != op || (f.Type != "" && f.Type != typ) {
			continue
		}
		f.Seen++
		if fired == nil && (f.Nth == 0 || f.Nth == f.Seen) {
			fault := f.Fault
			fired = &fault
		}
	}
	if err := writeAtomic(a.faultsPath(), fs); err != nil {
		return nil, err
	}
	return fired, nil
}
