package lambdart_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/lambdart"
)

// hostArch is this machine's architecture in Lambda's names, and otherArch
// the other one.
func hostArch(t *testing.T) (host, other string) {
	t.Helper()
	switch runtime.GOARCH {
	case "amd64":
		return lambdart.ArchX86_64, lambdart.ArchARM64
	case "arm64":
		return lambdart.ArchARM64, lambdart.ArchX86_64
	}
	t.Skip("Lambda runs x86_64 and arm64 only")
	return "", ""
}

func TestBootstrapForAnotherArchitectureThanDeclared(t *testing.T) {
	host, other := hostArch(t)
	f := lambdart.NewFunction(lambdart.FunctionOptions{
		Options: lambdart.Options{Timeout: 5 * time.Second}, TaskRoot: taskRoot(t),
		Env: []string{"LAMBDART_TEST_FUNCTION=1"}, Architecture: other,
	})
	t.Cleanup(func() { _ = f.Close() })
	_, err := f.Invoke(context.Background(), []byte(`{"action":"echo"}`))
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe, "a %s bootstrap on a function declaring %s", host, other)
	assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)
	assert.Contains(t, fe.Message, "exec format error")

	f = lambdart.NewFunction(lambdart.FunctionOptions{
		Options: lambdart.Options{Timeout: 5 * time.Second}, TaskRoot: taskRoot(t),
		Env: []string{"LAMBDART_TEST_FUNCTION=1"}, Architecture: host,
	})
	t.Cleanup(func() { _ = f.Close() })
	_, err = f.Invoke(context.Background(), []byte(`{"action":"echo"}`))
	require.NoError(t, err)
}

func TestUndeclaredArchitectureIsX86(t *testing.T) {
	host, _ := hostArch(t)
	f := lambdart.NewFunction(lambdart.FunctionOptions{
		Options: lambdart.Options{Timeout: 5 * time.Second}, TaskRoot: taskRoot(t),
		Env: []string{"LAMBDART_TEST_FUNCTION=1"},
	})
	t.Cleanup(func() { _ = f.Close() })
	_, err := f.Invoke(context.Background(), []byte(`{"action":"echo"}`))
	if host == lambdart.ArchX86_64 {
		require.NoError(t, err)
	} else {
		var fe *lambdart.FunctionError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)
	}
}

func TestUnknownArchitecture(t *testing.T) {
	f := lambdart.NewFunction(lambdart.FunctionOptions{TaskRoot: taskRoot(t), Architecture: "riscv64"})
	_, err := f.Invoke(context.Background(), []byte(`{}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "riscv64")
}
