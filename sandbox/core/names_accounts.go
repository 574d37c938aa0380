package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Accounts reach each other by id: an image in another account's registry
// is named <account>.dkr.ecr.<region>.amazonaws.com/<repository>, and ECR
// calls take that account as registryId.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
// The sandbox keeps the map from account id to state directory beside the
// bucket registry (SharedDir), written whenever an account is opened, so
// a task in one account can pull from another's registry as AWS lets it
// (subject to that repository's policy, ecr/registry_xacct.go).

const accountsFile = "accounts.json"

// registerAccount records this account's id and directory in the shared
// registry. Accounts from before ids were drawn all carry DefaultAccount,
// so that id names no one account and is never recorded.
func (a *Account) registerAccount() error {
	if a.shared == "" || a.id == "" || a.id == DefaultAccount {
		return nil
	}
	dir, err := filepath.Abs(a.Dir())
	if err != nil {
		return fmt.Errorf("register sandbox account: %w", err)
	}
	if reg, err := readAccounts(a.shared); err == nil && reg[a.id] == dir {
		return nil // already there: most opens take no lock
	}
	return withAccounts(a.shared, func(reg map[string]string) bool {
		if reg[a.id] == dir {
			return false
		}
		reg[a.id] = dir
		return true
	})
}

// readAccounts reads the registry without its lock: writes replace the
// file atomically.
func readAccounts(shared string) (map[string]string, error) {
	reg := map[string]string{}
	data, err := os.ReadFile(filepath.Join(shared, accountsFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return reg, nil
	case err != nil:
		return nil, fmt.Errorf("read account registry: %w", err)
	}
	if err := json.Unmarshal(data, &reg); err != nil {
		return nil, fmt.Errorf("read account registry: %s is corrupt; delete it and open the accounts again: %w",
			filepath.Join(shared, accountsFile), err)
	}
	return reg, nil
}

// withAccounts runs fn on the registry under its lock and saves it when fn
// says it changed.
func withAccounts(shared string, fn func(map[string]string) bool) error {
	unlock, err := lockShared(shared, accountsFile)
	if err != nil {
		return fmt.Errorf("lock account registry: %w", err)
	}
	defer unlock()
	reg, err := readAccounts(shared)
	if err != nil {
		return err
	}
	if !fn(reg) {
		return nil
	}
	return writeAtomic(filepath.Join(shared, accountsFile), reg)
}

// AccountState reads the state of the account whose id is id, without its
// lock (its writes are atomic, and taking another account's lock while
// holding ours could deadlock). ok is false when no live sandbox account
// has that id: never registered, its directory deleted, or reset since.
func AccountState(id string) (st *State, dir string, ok bool) {
	shared := SharedDir()
	if shared == "" || id == "" {
		return nil, "", false
	}
	reg, err := readAccounts(shared)
	if err != nil || reg[id] == "" {
		return nil, "", false
	}
	dir = reg[id]
	data, err := os.ReadFile(filepath.Join(dir, AccountFile))
	if err != nil {
		return nil, "", false
	}
	st = NewState()
	if json.Unmarshal(data, st) != nil || st.AccountID != id {
		return nil, "", false
	}
	if st.Images == nil {
		st.Images = map[string][]*Image{}
	}
	return st, dir, true
}

// lockShared takes the exclusive lock of one registry in the machine-wide
// shared dir (the bucket names, the account ids); the caller unlocks.
func lockShared(shared, name string) (func(), error) {
	if err := os.MkdirAll(shared, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox shared dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(shared, name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
