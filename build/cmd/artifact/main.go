// Command artifact builds the example workload's deployable artifacts with
// package build, from the repository root:
//
//	go run ./build/cmd/artifact lambda -version v2 -out .kirikae/build/lambda.zip
//	go run ./build/cmd/artifact binary -version v2 -goarch arm64 -out .kirikae/build/server
//	go run ./build/cmd/artifact frontend            # web/src → web/dist
//
// It is a development tool beside the kirikae CLI, not part of it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"

	"github.com/kirikae/kirikae/build"
)

const usage = `usage: artifact <command> [flags]

commands:
  lambda    build the Lambda deployment zip (bootstrap, linux/arm64 by default)
  binary    build a static binary of a main package
  frontend  copy web/src to web/dist with hashed asset names
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "artifact:", err)
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("bad usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", "dev", "release baked into the binary (main.Version)")
	switch args[0] {
	case "lambda":
		dir := fs.String("dir", "app/cmd/lambda", "main package of the function")
		arch := fs.String("goarch", build.DefaultLambdaArch, "arm64 or amd64; must match the function's architectures")
		out := fs.String("out", ".kirikae/build/lambda.zip", "zip to write")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if err := build.LambdaZip(ctx, *dir, *arch, *version, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (bootstrap for linux/%s, version %s)\n", *out, *arch, *version)
	case "binary":
		dir := fs.String("dir", "app/cmd/server", "main package to build")
		goos := fs.String("goos", "linux", "target GOOS")
		goarch := fs.String("goarch", runtime.GOARCH, "target GOARCH")
		out := fs.String("out", ".kirikae/build/server", "binary to write")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if err := build.Binary(ctx, *dir, *goos, *goarch, *version, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%s/%s, version %s)\n", *out, *goos, *goarch, *version)
	case "frontend":
		src := fs.String("src", "web/src", "site source")
		out := fs.String("out", "web/dist", "output directory (stale files in it are removed)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		names, err := build.Frontend(*src, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d files to %s\n", len(names), *out)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return nil
}
