package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/kirikae/kirikae/cloud"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/provider"
)

// BenchmarkFrontendUpload measures the case on the sandbox
// endpoint: three successive releases of a 2,000-file frontend (4 KB
// files, 8 MB), each changing 5% of the files, uploaded by kirikae
// (cloud.UploadRelease: parallel, unchanged files copied server-side
// from the previous release) and by `aws s3 sync` into fresh prefixes.
// Run on demand, once (KIRIKAE_BENCH_FILES=300 for a smaller run):
//
//	go test ./sandbox -run '^$' -bench BenchmarkFrontendUpload -benchtime 1x -timeout 60m
func BenchmarkFrontendUpload(b *testing.B) {
	const size = 4 << 10
	files := 2000
	if n, err := strconv.Atoi(os.Getenv("KIRIKAE_BENCH_FILES")); err == nil && n > 0 {
		files = n // a smaller, quicker run
	}
	acct, err := core.OpenAccount(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	p := provider.NewProvider(acct, "")
	chk, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn(bucketType, "site"), Type: bucketType,
		News: mustStruct(b, map[string]any{"bucket": "site"})})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn(bucketType, "site"), Type: bucketType, Properties: chk.Inputs}); err != nil {
		b.Fatal(err)
	}
	ep, err := serveAccount(context.Background(), acct, ServeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer ep.Close()
	c := cloud.NewAt(cloud.Endpoint{URL: ep.URL, Region: "us-east-1", AccessKeyID: core.AccessKeyID, SecretAccessKey: core.SecretAccessKey})
	dir := b.TempDir()
	write := func(release int) {
		for i := range files {
			body := strings.Repeat(fmt.Sprintf("%04d", i), size/4)
			if i%20 == 0 { // 5% of the files change per release
				body = fmt.Sprintf("%d", release) + body[1:]
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("asset%04d.js", i)), []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	for n := range b.N {
		prev := ""
		for r := 1; r <= 3; r++ {
			write(r)
			prefix := fmt.Sprintf("releases/big%d-%d/", r, n)
			start := time.Now()
			st, err := cloud.UploadRelease(context.Background(), c, "site", prefix, dir, cloud.UploadOptions{Previous: prev})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(start).Seconds(), fmt.Sprintf("s/kirikae-release%d", r))
			b.Logf("kirikae release %d: %s (%d sent, %d copied)", r, time.Since(start).Round(time.Millisecond), st.Uploaded, st.Copied)
			prev = prefix
		}
		bin, err := exec.LookPath("aws")
		if err != nil {
			b.Logf("aws CLI not installed: no comparison")
			continue
		}
		for r := 1; r <= 3; r++ {
			write(r)
			start := time.Now()
			cmd := exec.Command(bin, "--endpoint-url", ep.URL, "s3", "sync", "--only-show-errors", dir, fmt.Sprintf("s3://site/sync/big%d-%d/", r, n))
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+core.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+core.SecretAccessKey,
				"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("aws s3 sync: %v: %s", err, out)
			}
			b.ReportMetric(time.Since(start).Seconds(), fmt.Sprintf("s/awssync-release%d", r))
			b.Logf("aws s3 sync release %d: %s", r, time.Since(start).Round(time.Millisecond))
		}
	}
}

func mustStruct(b *testing.B, m map[string]any) *structpb.Struct {
	s, err := core.MarshalProps(pmap(m), "bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}
