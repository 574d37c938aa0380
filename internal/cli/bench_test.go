package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kirikae/kirikae/internal/testproject"
)

// BenchmarkStartup measures `kirikae --help` of the built binary against
// `true` (process start-up floor) in the same run and reports the ratio, so
// the figure means the same on a fast or a slow machine. It needs no
// Pulumi CLI: the binary is built here, with PATH and KIRIKAE_PULUMI
// pointing nowhere, so a help that looked for the engine would fail.
func BenchmarkStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "kirikae")
	if out, err := exec.Command("go", "build", "-o", bin, filepath.Join(testproject.Root(b), "cmd")).CombinedOutput(); err != nil {
		b.Fatalf("build kirikae: %v\n%s", err, out)
	}
	b.ResetTimer()
	b.Setenv("PATH", filepath.Dir(bin))
	b.Setenv("KIRIKAE_PULUMI", filepath.Join(b.TempDir(), "no-pulumi"))
	b.Setenv("HOME", b.TempDir())
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	truePath, err := lookTrue()
	if err != nil {
		b.Skip("no `true` on PATH")
	}
	var floor, help time.Duration
	fastest := time.Hour // a shared machine only ever adds time
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := exec.Command(truePath).Run(); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(start)
		start = time.Now()
		if err := exec.Command(bin, "--help").Run(); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		help += took
		fastest = min(fastest, took)
	}
	b.ReportMetric(float64(fastest.Microseconds())/1000, "help-fastest-ms")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "true-ns/op")
	b.ReportMetric(float64(help.Nanoseconds())/float64(b.N), "help-ns/op")
	b.ReportMetric(float64(help)/float64(floor), "help/true")
}

// lookTrue finds `true` before PATH is emptied of everything but kirikae.
func lookTrue() (string, error) {
	for _, p := range []string{"/bin/true", "/usr/bin/true"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath("true")
}
