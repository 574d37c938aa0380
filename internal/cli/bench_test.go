package cli_test

import (
	"os/exec"
	"testing"
	"time"
)

// BenchmarkStartup measures `kirikae --help` of the built binary against
// `true` (process start-up floor) in the same run and reports the ratio, so
// the figure means the same on a fast or a slow machine.
func BenchmarkStartup(b *testing.B) {
	bin := kirikaeBin(b)
	truePath, err := exec.LookPath("true")
	if err != nil {
		b.Skip("no `true` on PATH")
	}
	var floor, help time.Duration
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
		help += time.Since(start)
	}
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "true-ns/op")
	b.ReportMetric(float64(help.Nanoseconds())/float64(b.N), "help-ns/op")
	b.ReportMetric(float64(help)/float64(floor), "help/true")
}
