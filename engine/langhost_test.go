package engine

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The Go language host is built beside the cached CLI from the tools
// module, once per source, and answers the plugin protocol the engine
// speaks: the port on its first line of stdout, then gRPC.
func TestLanguageHostIsBuiltBesideTheCachedCLIAndServes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the language host")
	}
	bin := filepath.Join(t.TempDir(), "v"+PulumiVersion, "bin", "pulumi")
	require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
	var said []string
	opts := CLIOptions{ToolsDir: "../tools/pulumi", Progress: func(s string) { said = append(said, s) }}
	ensureLanguageHost(context.Background(), opts, bin)
	host := filepath.Join(filepath.Dir(bin), LanguageHostName)
	st, err := os.Stat(host)
	require.NoError(t, err, "progress: %v", said)
	require.Len(t, said, 1, "one line saying what is built")

	ensureLanguageHost(context.Background(), opts, bin)
	again, err := os.Stat(host)
	require.NoError(t, err)
	assert.Equal(t, st.ModTime(), again.ModTime(), "built once per source")
	assert.Len(t, said, 1)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, host, "127.0.0.1:1")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	port, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	_, err = client.GetPluginInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	pkgs, err := client.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{})
	require.NoError(t, err)
	assert.Empty(t, pkgs.GetPackages(), "providers are attached, never installed")
}

func TestNoLanguageHostWithoutTheToolsModule(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bin", "pulumi")
	ensureLanguageHost(context.Background(), CLIOptions{}, bin)
	_, err := os.Stat(filepath.Join(filepath.Dir(bin), LanguageHostName))
	assert.True(t, os.IsNotExist(err), "a CLI from a Pulumi install keeps its own host")
}
