package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/provider"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// Options configure Start.
type Options struct {
	StateDir string // where the simulated account lives; shared by processes
	Account  string // AWS account id in ARNs; default the account's own
	// Credentials are what the provider acts as, as pulumi-aws takes them
	// from its environment: empty is the sandbox's own key (administrator);
	// a role session's are authorised per resource operation.
	Credentials provider.Credentials
}

// Server is a running sandbox provider.
type Server struct {
	account  *core.Account
	listener net.Listener
	grpc     *grpc.Server
	done     chan struct{} // closed when Serve returns
	serveErr error
	once     sync.Once
	closeErr error
	release  func() // of the account's workloads
}

// Start serves the sandbox provider on 127.0.0.1 in the background until
// Close is called or ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	acct, err := core.OpenAccount(opts.StateDir)
	if err != nil {
		return nil, err
	}
	lis, err := core.ListenOwner()
	if err != nil {
		return nil, fmt.Errorf("listen for sandbox provider: %w", err)
	}
	s := &Server{account: acct, listener: lis, grpc: grpc.NewServer(), done: make(chan struct{}),
		release: workload.HoldWorkloads(acct)}
	prov := provider.NewProvider(acct, opts.Account)
	prov.SetCredentials(opts.Credentials)
	pulumirpc.RegisterResourceProviderServer(s.grpc, prov)
	go func() {
		s.serveErr = s.grpc.Serve(lis)
		close(s.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Port is the TCP port the provider listens on.
func (s *Server) Port() int { return s.listener.Addr().(*net.TCPAddr).Port }

// DebugProviders is the PULUMI_DEBUG_PROVIDERS value that makes the engine
// use this server as the aws provider instead of a plugin binary.
func (s *Server) DebugProviders() string { return fmt.Sprintf("aws:%d", s.Port()) }

// Account is the simulated account the server works on.
func (s *Server) Account() *core.Account { return s.account }

// Close stops the server immediately; in-flight calls fail.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.grpc.Stop()
		<-s.done
		s.release()
		if s.serveErr != nil && !errors.Is(s.serveErr, grpc.ErrServerStopped) {
			s.closeErr = fmt.Errorf("serve sandbox provider: %w", s.serveErr)
		}
	})
	return s.closeErr
}
