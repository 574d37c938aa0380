package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/workload"
)

const childEnv = "KIRIKAE_TEST_WORKLOAD_CHILD"

// TestWorkloadChild is the process TestWorkloadsDieWithTheirProcess kills:
// it runs the service's task from the account in $KIRIKAE_TEST_WORKLOAD_CHILD,
// prints the task's pid and waits to be killed.
func TestWorkloadChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("only run as the child of TestWorkloadsDieWithTheirProcess")
	}
	dir, id, _ := strings.Cut(spec, "|")
	acct, err := core.OpenAccount(dir)
	require.NoError(t, err)
	run := workload.Workloads(acct).Service(id)
	for {
		run.Mu.Lock()
		var pid int
		if len(run.Deps) > 0 && len(run.Deps[0].Tasks) > 0 {
			pid = run.Deps[0].Tasks[0].Cmd.Process.Pid
		}
		run.Mu.Unlock()
		if pid != 0 {
			fmt.Printf("pid %d\n", pid)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Minute)
}

// A kirikae process that is killed outright (no Close) takes its workloads
// with it: the kernel kills them (Pdeathsig).
func TestWorkloadsDieWithTheirProcess(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child")
	}
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v1", "", program(t, "v1"))
	require.NoError(t, err)
	td := s.taskDef(ecrHost(h.acct) + "app:v1")
	in := s.serviceInputs(td)
	delete(in, "waitForSteadyState")
	svc := h.create(core.TokService, "svc", pmap(in))
	require.NoError(t, workload.StopWorkloads(h.acct)) // only the child runs tasks

	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkloadChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+h.acct.Dir()+"|"+svc.id)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	pid := 0
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "pid "); ok {
			pid, err = strconv.Atoi(p)
			require.NoError(t, err)
			break
		}
	}
	require.NotZero(t, pid, "the child started a task")
	require.NoError(t, syscall.Kill(pid, 0), "the task runs")

	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no Close, no cleanup
	_ = cmd.Wait()
	require.Eventually(t, func() bool {
		// Gone, or a zombie waiting for init to reap it.
		if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
			return true
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err != nil || strings.Contains(string(stat), ") Z ")
	}, 5*time.Second, 20*time.Millisecond, "the task died with the process that started it")
}
