// Command server is the example API as the ECS container runs it: an HTTP
// server on $PORT (default 8080), or on the listener it inherited by socket
// activation, that drains in-flight requests on SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kirikae/kirikae/app/activation"
	"github.com/kirikae/kirikae/app/api"
)

// Version is the release this binary serves, set at build time with
// -ldflags "-X main.Version=…" (see package build). It is never read from the
// environment: the service must report the code it actually runs.
var Version = "dev"

// shutdownGrace is how long in-flight requests get after SIGTERM. ECS waits
// the container's stopTimeout (30 s by default) before SIGKILL
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html),
// so draining must finish well inside it.
const shutdownGrace = 20 * time.Second

func main() {
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		os.Exit(migrate(os.Stdout, os.Args[2:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := listener()
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving version %s on %s", Version, ln.Addr())
	if err := serve(ctx, ln, api.New(Version)); err != nil {
		log.Fatal(err)
	}
	log.Printf("stopped")
}

// listener is the socket to serve on: the one this process inherited by
// systemd's socket-activation protocol (fd 3, LISTEN_FDS=1, LISTEN_PID this
// process), as the kirikae sandbox passes a task its loopback port, else a
// new one on every interface at $PORT, as on ECS, where the interfaces are
// the task's own.
// https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
func listener() (net.Listener, error) {
	if ln, ok, err := activation.Listener(); ok {
		return ln, err
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		return nil, fmt.Errorf("listen on port %s: %w", port, err)
	}
	return ln, nil
}

// serve answers on ln until ctx is done, then stops accepting and waits up to
// shutdownGrace for requests in flight.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http server: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}
