package sandbox

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/provider"
)

func TestProviderVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^\s*github.com/pulumi/pulumi-aws/sdk/v6 v`+regexp.QuoteMeta(provider.ProviderVersion)+`(\s|$)`, string(mod),
		"the engine asks for the SDK's version; a mismatch makes it look for a plugin binary")
}

func TestStartServesGRPCAndCloses(t *testing.T) {
	srv, err := Start(t.Context(), Options{StateDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("aws:%d", srv.Port()), srv.DebugProviders())

	cc, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", srv.Port()), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer cc.Close()
	client := pulumirpc.NewResourceProviderClient(cc)
	info, err := client.GetPluginInfo(t.Context(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, provider.ProviderVersion, info.Version)

	// Region is remembered per engine connection.
	_, err = client.Configure(t.Context(), &pulumirpc.ConfigureRequest{Variables: map[string]string{"aws:region": "ap-south-1"}})
	require.NoError(t, err)
	resp, err := client.Create(t.Context(), &pulumirpc.CreateRequest{Type: bucketType, Properties: wire(t, pmap(map[string]any{"bucket": "b"}))})
	require.NoError(t, err)
	assert.Equal(t, "b.s3.ap-south-1.amazonaws.com", core.Str(props(t, resp.Properties), "bucketRegionalDomainName"))

	_, err = client.Invoke(t.Context(), &pulumirpc.InvokeRequest{Tok: "aws:index/getRegion:getRegion"})
	require.ErrorContains(t, err, "does not simulate invoke aws:index/getRegion:getRegion")

	require.NoError(t, srv.Close())
	require.NoError(t, srv.Close(), "Close is idempotent")
	_, err = client.GetPluginInfo(t.Context(), &emptypb.Empty{})
	assert.Error(t, err)
}

func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	srv, err := Start(ctx, Options{StateDir: t.TempDir()})
	require.NoError(t, err)
	cancel()
	<-srv.done // closed once the server has stopped
	require.NoError(t, srv.Close())
}

func TestStartRejectsEmptyStateDir(t *testing.T) {
	_, err := Start(t.Context(), Options{})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "state directory"))
}

func TestSupportedTypesCoverInfra(t *testing.T) {
	assert.Len(t, core.SupportedTypes(), 42)
	assert.Contains(t, core.SupportedTypes(), "aws:ecr/lifecyclePolicy:LifecyclePolicy")
	assert.Contains(t, core.SupportedTypes(), "aws:ecr/repositoryPolicy:RepositoryPolicy")
	assert.Contains(t, core.SupportedTypes(), "aws:iam/rolePolicy:RolePolicy")
	assert.Contains(t, core.SupportedTypes(), "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
	assert.Contains(t, core.SupportedTypes(), "aws:cloudwatch/metricAlarm:MetricAlarm")
}
