package engine

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// cliPackage is the main package of the Pulumi CLI.
const cliPackage = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"

// buildProgressEvery is how often a running compile reports how far it got.
var buildProgressEvery = time.Minute

// buildCLI builds the pinned CLI into the cache. A file lock serialises
// concurrent kirikae processes; the binary is written under a temporary name
// and renamed, so a killed build never leaves a half-written pulumi behind.
//
// The build takes minutes on a cold machine, so it says what it is doing:
// one line per phase (modules, compile, link) with the time since the
// build started, and the compile's package count every minute. go build -v
// names each package as it compiles it, and the CLI's own package last,
// just before the link.
func buildCLI(ctx context.Context, opts CLIOptions, root, bin string) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return &CLIMissingError{Reason: "no Pulumi CLI found and no Go toolchain to build one"}
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return fmt.Errorf("create CLI cache dir: %w", err)
	}
	unlock, err := lockFile(filepath.Join(root, ".build.lock"))
	if err != nil {
		return fmt.Errorf("lock CLI cache: %w", err)
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return nil // another process built it while we waited for the lock
	}
	start := time.Now()
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			elapsed := time.Since(start).Round(time.Second)
			opts.Progress(fmt.Sprintf("building Pulumi CLI v%s: ", PulumiVersion) + fmt.Sprintf(format, args...) + fmt.Sprintf(" (%s)", elapsed))
		}
	}
	say("once into %s, 5–7 min on 2 cores; later runs reuse it; 1/3 resolving modules", root)
	list := exec.CommandContext(ctx, gobin, "list", "-deps", cliPackage)
	list.Dir = opts.ToolsDir
	pkgs, err := list.Output()
	if err != nil {
		return &CLIMissingError{Reason: fmt.Sprintf("resolving the Pulumi CLI's modules failed: %v: %s", err, lastLines(stderrOf(err), 5))}
	}
	total := bytes.Count(pkgs, []byte("\n"))
	say("2/3 compiling up to %d packages (those not in the Go build cache)", total)

	tmp := fmt.Sprintf("%s.tmp-%d", bin, os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, gobin, "build", "-v",
		"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v"+PulumiVersion,
		"-o", tmp, cliPackage)
	cmd.Dir = opts.ToolsDir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("build Pulumi CLI: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return &CLIMissingError{Reason: fmt.Sprintf("building the Pulumi CLI failed: %v", err)}
	}
	out := watchBuild(stderr, func(compiled int, linking bool) {
		if linking {
			say("3/3 linking, %d packages compiled", compiled)
		} else {
			say("compiled %d of up to %d packages", compiled, total)
		}
	})
	output := out() // all of it read before Wait closes the pipe
	if err := cmd.Wait(); err != nil {
		return &CLIMissingError{Reason: fmt.Sprintf("building the Pulumi CLI failed: %v: %s", err, lastLines(output, 5))}
	}
	sum, err := FileSHA256(tmp)
	if err != nil {
		return err
	}
	if err := writeChecksum(bin, sum); err != nil {
		return err
	}
	if err := os.Rename(tmp, bin); err != nil {
		return fmt.Errorf("install built CLI: %w", err)
	}
	say("done")
	return nil
}

// watchBuild reads go build -v's output: it reports the compiled count
// every buildProgressEvery and once when the CLI's own package appears (the
// link follows), and keeps the output for an error message. It returns the
// whole output once the reader is drained (the build exited).
func watchBuild(r io.Reader, report func(compiled int, linking bool)) func() string {
	var mu sync.Mutex
	var buf strings.Builder
	compiled, linking := 0, false
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock() // reports under the lock: never a count after the link line
			buf.WriteString(line + "\n")
			compiled++
			if line == cliPackage && !linking {
				linking = true
				report(compiled, true)
			}
			mu.Unlock()
		}
	}()
	go func() {
		t := time.NewTicker(buildProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				if !linking { // the link is one phase
					report(compiled, false)
				}
				mu.Unlock()
			}
		}
	}()
	return func() string {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}

// stderrOf is the standard error an exec.Cmd's Output kept in err.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return err.Error()
}
