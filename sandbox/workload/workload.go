package workload

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// workloads runs an account's programs (ECS tasks from ECR images, Lambda
// versions from their deployment packages) for this process. There is one
// per account directory and process: the provider (which waits for ECS
// rollouts) and the front door (which proxies to the tasks) share it.
// Programs start on demand from the account's state and stop when the last
// user of the account in this process closes, or the process dies.
type workloads struct {
	acct *core.Account

	mu       sync.Mutex
	users    int
	services map[string]*ServiceRun // by ECS service id
	fns      map[string]*lambdaRun  // by function name + ":" + version
	stop     chan struct{}          // closed when the workloads stop
}

var (
	workloadsMu sync.Mutex
	workloadsBy = map[string]*workloads{}
)

// Workloads returns this process's workloads for the account, creating
// them if needed.
func Workloads(a *core.Account) *workloads {
	workloadsMu.Lock()
	defer workloadsMu.Unlock()
	w := workloadsBy[a.Dir()]
	if w == nil {
		w = &workloads{acct: a, services: map[string]*ServiceRun{}, fns: map[string]*lambdaRun{},
			stop: make(chan struct{})}
		workloadsBy[a.Dir()] = w
	}
	return w
}

// HoldWorkloads marks one more user (a provider, an endpoint) of the
// account's workloads; the returned release stops them all when the last
// user is gone.
func HoldWorkloads(a *core.Account) (release func()) {
	w := Workloads(a)
	w.mu.Lock()
	w.users++
	w.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			w.users--
			last := w.users <= 0
			w.mu.Unlock()
			if last {
				_ = StopWorkloads(a)
			}
		})
	}
}

// StopWorkloads stops every task and function process this process runs
// for the account (each process group is sent SIGTERM, then SIGKILL). The
// next request or rollout starts them again from the account's state.
func StopWorkloads(a *core.Account) error {
	workloadsMu.Lock()
	w := workloadsBy[a.Dir()]
	delete(workloadsBy, a.Dir())
	workloadsMu.Unlock()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	close(w.stop)
	services, fns := w.services, w.fns
	w.services, w.fns = map[string]*ServiceRun{}, map[string]*lambdaRun{}
	w.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.close()
			<-s.done // the loop's last pass may have started a task; it stops it on the way out
		}()
	}
	for _, f := range fns {
		wg.Add(1)
		// The function's log stream is closed once its process is gone, and
		// waits until its last lines are stored.
		go func() { defer wg.Done(); _ = f.fn.Close(); _ = f.logs.Close() }()
	}
	wg.Wait()
	return nil
}

// runDir is where programs are unpacked to run: image layers are stored
// without the exec bit, as blobs are.
func runDir(a *core.Account, kind, sum string) (string, error) {
	dir := filepath.Join(a.Dir(), "run", kind, sum)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("prepare workload: %w", err)
	}
	return dir, nil
}

// installProgram copies an image layer to an executable file once; the
// layer is in registry's image store ("" = this account's).
func installProgram(a *core.Account, layer, registry string) (string, error) {
	dir, err := runDir(a, "ecs", layer)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "program")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	src := ecr.LayerPath(a, layer)
	if registry != "" {
		src = filepath.Join(registry, ecr.ImagesDir, layer)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("read image layer: %w", err)
	}
	tmp := path + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, data, 0o700); err != nil {
		return "", fmt.Errorf("install program: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("install program: %w", err)
	}
	return path, nil
}

// sleepOrStop waits d; false when the workloads stopped or ctx ended.
func (w *workloads) sleepOrStop(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.stop:
		return false
	case <-ctx.Done():
		return false
	}
}
