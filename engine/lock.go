package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"syscall"
	"time"
)

// lockInfo is written into the lock file so a refused process can say who
// holds the stack.
type lockInfo struct {
	User  string    `json:"user"`
	Host  string    `json:"host"`
	PID   int       `json:"pid"`
	Op    string    `json:"op"`
	Since time.Time `json:"since"`
}

// Lock takes kirikae's own per-stack lock for the length of an operation.
// Pulumi locks a single engine run; a kirikae deploy spans several (resolve
// release values, up, verify, switch back), and they share one work dir, so
// a second process must be refused before it touches anything.
func (s *Session) Lock(op string) (func(), error) {
	dir := filepath.Join(s.Paths.Root, "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create lock dir: %w", err)
	}
	mode := "aws"
	if s.opts.Sandbox {
		mode = "sandbox"
	}
	path := filepath.Join(dir, mode+"-"+s.opts.Stack+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		ce := &ConcurrentUpdateError{Stack: s.opts.Stack}
		if raw, rerr := os.ReadFile(path); rerr == nil {
			var li lockInfo
			if json.Unmarshal(raw, &li) == nil && li.PID != 0 {
				ce.Holder = fmt.Sprintf("%s@%s (pid %d, %s)", li.User, li.Host, li.PID, li.Op)
				ce.Since = li.Since.Format(time.RFC3339)
			}
		}
		return nil, ce
	}
	li := lockInfo{PID: os.Getpid(), Op: op, Since: time.Now().UTC().Truncate(time.Second)}
	if u, err := user.Current(); err == nil {
		li.User = u.Username
	}
	li.Host, _ = os.Hostname()
	raw, _ := json.Marshal(li)
	_ = f.Truncate(0)
	_, _ = f.WriteAt(raw, 0)
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
