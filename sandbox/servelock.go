package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ServeInfo is what a running `kirikae sandbox serve` tells others about
// itself, in its lock file.
type ServeInfo struct {
	PID         int    `json:"pid"`
	Stack       string `json:"stack"`
	AWSEndpoint string `json:"awsEndpoint"`
	FrontDoor   string `json:"frontDoor"`
}

// ServeRunningError is a second serve on a project that already has one.
type ServeRunningError struct {
	Lock    string
	Running ServeInfo
}

func (e *ServeRunningError) Error() string {
	r := e.Running
	if r.PID == 0 {
		return fmt.Sprintf("sandbox serve is already running for this project (lock %s is held); stop it before starting another", e.Lock)
	}
	return fmt.Sprintf("sandbox serve is already running for this project: pid %d, stack %s, AWS endpoint %s, front door %s; stop it (kill %d) before starting another",
		r.PID, r.Stack, r.AWSEndpoint, r.FrontDoor, r.PID)
}

// ServeLock is the held lock of one running serve.
type ServeLock struct{ f *os.File }

// LockServe takes the project's serve lock in dir (.kirikae/sandbox): one
// `sandbox serve` per project, so users never wonder which endpoint is live.
// The lock is a flock, so a killed serve never leaves it behind.
func LockServe(dir string) (*ServeLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox dir: %w", err)
	}
	path := filepath.Join(dir, "serve.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open serve lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var info ServeInfo
			if data, rerr := os.ReadFile(path); rerr == nil {
				_ = json.Unmarshal(data, &info)
			}
			return nil, &ServeRunningError{Lock: path, Running: info}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &ServeLock{f: f}, nil
}

// Announce writes info into the lock file for a second serve to report.
func (l *ServeLock) Announce(info ServeInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode serve info: %w", err)
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("write serve lock: %w", err)
	}
	if _, err := l.f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("write serve lock: %w", err)
	}
	return nil
}

// Release empties and unlocks the lock file.
func (l *ServeLock) Release() error {
	_ = l.f.Truncate(0)
	return l.f.Close() // closing the descriptor drops the flock
}
