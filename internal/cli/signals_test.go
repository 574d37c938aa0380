package cli

import (
	"bytes"
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// The first Ctrl-C cancels and says so; the second forces.
func TestInterruptsCancelThenForce(t *testing.T) {
	var out testproject.SyncBuffer
	forced := make(chan struct{})
	ctx, stop := NotifyInterrupts(context.Background(), &out, func() { close(forced) })
	defer stop()

	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGINT))
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not cancel the context")
	}
	assert.Eventually(t, func() bool {
		return bytes.Contains([]byte(out.String()), []byte("cancelling… (Ctrl-C again to force)"))
	},
		5*time.Second, 10*time.Millisecond)

	// The same press delivered twice (a child between fork and exec shares
	// kirikae's handlers) is one Ctrl-C, not "force".
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGINT))
	select {
	case <-forced:
		t.Fatal("a signal right after the first forced: one Ctrl-C delivered twice must only cancel")
	case <-time.After(samePressWindow / 4):
	}

	time.Sleep(samePressWindow)
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGINT))
	select {
	case <-forced:
	case <-time.After(5 * time.Second):
		t.Fatal("a second Ctrl-C did not force")
	}
	assert.Contains(t, out.String(), "forced exit")
}

func TestEngineErrorsAfterCancelAreQuiet(t *testing.T) {
	var got []string
	ctx, cancel := context.WithCancel(context.Background())
	h := quietAfterCancel(ctx, func(e deploy.Event) { got = append(got, e.Message) })
	h(deploy.Event{Kind: deploy.EventDiagnostic, Severity: "error", Message: "before"})
	cancel()
	h(deploy.Event{Kind: deploy.EventDiagnostic, Severity: "error", Message: "update failed"})
	h(deploy.Event{Kind: deploy.EventStepDone, Message: "step"})
	assert.Equal(t, []string{"before", "step"}, got)
}
