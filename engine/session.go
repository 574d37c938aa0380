package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"go.yaml.in/yaml/v3"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// Options open one stack of one project.
type Options struct {
	ProjectDir string
	Stack      string
	// Sandbox runs against the simulated AWS account under .kirikae/sandbox.
	Sandbox bool
	// Backend is a Pulumi backend URL; "" = the project's local file backend.
	Backend string
	// Overrides are release values for this deploy (full keys such as
	// "kirikae:imageTag"); they win over the last deployed values.
	Overrides map[string]string
	CLI       CLIOptions
	// OnEvent receives engine events as they happen (may be nil).
	OnEvent func(Event)
	// Invocation is how the user ran kirikae; suggested commands (rollback
	// commands in plans, error hints) repeat it.
	Invocation Invocation
	// StartProvider starts the sandbox's resource provider for the account
	// kept in accountDir and returns its address (the PULUMI_DEBUG_PROVIDERS
	// value) and how to stop it. Called once, in sandbox mode only; the
	// engine knows nothing else of the sandbox.
	StartProvider func(ctx context.Context, accountDir string) (addr string, stop func() error, err error)
	// StartState serves the sandbox's state backend for the account kept
	// in accountDir (a stack in region), for the session's life. Called
	// once, in sandbox mode only; nil keeps the project's file backend.
	StartState func(ctx context.Context, accountDir, region string) (*StateBackend, error)
	// Exports adds stack outputs computed from the config each update
	// applies (may be nil).
	Exports func(stacks.Config) (map[string]string, error)
	// Records replaces the store of kirikae's records (releases, journal,
	// freezes, the deploy lock); nil opens it at the backend URL. Tests
	// give two sessions one s3 store this way, as two machines share an
	// s3:// backend.
	Records backend.Store
	// ReadOnly opens the records store for a run that writes nothing
	// (preview, drift): any write is refused (backend.ReadOnly), and the
	// deploy lock is only read.
	ReadOnly bool
}

// Session is an opened stack: config loaded, engine located, workspace ready.
type Session struct {
	opts    Options
	Paths   Paths
	Config  stacks.Config
	CLI     *CLI
	project *workspace.Project
	ws      *quietWorkspace
	stack   auto.Stack
	// NeverDeployed: the backend holds no state of the stack, and this
	// read-only session previews against an empty one of its own
	// (previewNothingYet).
	NeverDeployed bool
	// backendURL is the Pulumi backend the session uses; files its key
	// space when kirikae can read it (nil: ask the CLI); stateEnv what the
	// CLI needs to reach it; closeState stops a served backend.
	backendURL string
	files      backend.Store
	stateEnv   map[string]string
	closeState func() error
	// stopProvider stops the sandbox provider (nil: none running).
	stopProvider func() error
	// store holds kirikae's records (releases) beside the state.
	store backend.Store
	// program overrides the infrastructure program (benchmarks measure the
	// engine's floor with an empty one).
	programOverride pulumi.RunFunc
	yours           infra.YoursFunc // nil: infra.Yours
	// opened is the context the session was opened with: the command's.
	// When it is cancelled (Ctrl-C), a failed engine operation is reported
	// as a CancelledError, not as a failure to fix.
	opened context.Context
}

// Open loads and validates the stack's config, finds the engine, and opens
// (creating if needed) the stack in the backend. Nothing is changed in AWS.
func Open(ctx context.Context, opts Options) (_ *Session, err error) {
	s, err := newSession(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	// One listing tells whether the backend holds the stack: a read-only
	// session of a stack it does not hold previews against a state of its
	// own, and ensureStack creates it or not.
	exists, known := stackExists(ctx, s.files, string(s.project.Name), s.opts.Stack)
	if known && !exists {
		if err := s.previewNothingYet(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.openWorkspace(ctx); err != nil {
		return nil, err
	}
	err = s.ensureStack(ctx, exists, known)
	if err != nil {
		if se := stateError(s.opts.Stack, err); se != nil {
			return nil, se
		}
		return nil, fmt.Errorf("open stack %s: %s", s.opts.Stack, Message(err.Error()))
	}
	// The workspace's SelectStack runs nothing: this only binds the name.
	if s.stack, err = auto.SelectStack(ctx, s.opts.Stack, s.ws); err != nil {
		return nil, fmt.Errorf("open stack %s: %w", s.opts.Stack, err)
	}
	s.opened = ctx
	return s, nil
}

// newSession validates the project and config and resolves the engine; no
// backend is touched yet.
func newSession(ctx context.Context, opts Options) (*Session, error) {
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return nil, fmt.Errorf("resolve project dir: %w", err)
	}
	opts.ProjectDir = dir
	if err := PathsFor(dir, opts.Sandbox).CheckSandboxBackend(opts.Sandbox, opts.Backend); err != nil {
		return nil, err
	}
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, &ProjectError{Dir: dir, Err: err}
	}
	cfg, err := stacks.Load(dir, opts.Stack)
	if err != nil {
		return nil, err
	}
	if len(opts.Overrides) > 0 {
		if cfg, err = cfg.With(opts.Overrides); err != nil {
			return nil, err
		}
	}
	if !opts.Sandbox && !HasAWSCredentials(ctx) {
		return nil, &CredentialsError{}
	}
	paths := PathsFor(dir, opts.Sandbox)
	sb, err := openBackend(ctx, opts, paths, cfg)
	if err != nil {
		return nil, err
	}
	closeState := sb.Close
	defer func() {
		if closeState != nil {
			_ = closeState()
		}
	}()
	store := sb.Records
	if opts.Records != nil {
		store = opts.Records
	}
	if opts.ReadOnly {
		store = backend.ReadOnly(store)
	}
	if opts.CLI.ToolsDir == "" {
		if st, err := os.Stat(filepath.Join(dir, "tools", "pulumi", "go.mod")); err == nil && !st.IsDir() {
			opts.CLI.ToolsDir = filepath.Join(dir, "tools", "pulumi")
		}
	}
	cli, err := EnsureCLI(ctx, opts.CLI)
	if err != nil {
		return nil, err
	}
	s := &Session{
		opts: opts, project: proj, Paths: paths, Config: cfg, CLI: cli, store: store,
		backendURL: sb.URL, files: sb.Files, stateEnv: sb.Env, closeState: sb.Close,
	}
	closeState = nil // the session's now
	return s, nil
}

// openWorkspace prepares the stack's work dir and the Automation API
// workspace (starting the sandbox provider when asked).
func (s *Session) openWorkspace(ctx context.Context) error {
	env, err := s.environment(ctx)
	if err != nil {
		return err
	}
	workDir := filepath.Join(s.Paths.Work, s.opts.Stack)
	if err := s.writeStackFile(workDir, nil); err != nil {
		return err
	}
	// The program runs inline, served by the Automation API; Pulumi.yaml's
	// main: names the program a plain `pulumi preview` in the repository
	// runs, and relative to the work dir the CLI would look for it there.
	proj := *s.project
	proj.Main = ""
	ws, err := auto.NewLocalWorkspace(ctx,
		auto.WorkDir(workDir),
		auto.Project(proj),
		auto.Program(s.program),
		auto.Pulumi(teeStderr(s.CLI.Command(), s.opts.CLI.EngineStderr)),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(env),
	)
	if err != nil {
		return fmt.Errorf("open workspace: %w", err)
	}
	s.ws = &quietWorkspace{Workspace: ws, project: string(s.project.Name), files: s.files}
	return nil
}

// environment returns the engine's environment for this session and starts
// the sandbox provider when asked.
func (s *Session) environment(ctx context.Context) (map[string]string, error) {
	env, err := passphraseEnv(s.Paths)
	if err != nil {
		return nil, err
	}
	env["PULUMI_BACKEND_URL"] = s.backendURL
	maps.Copy(env, s.stateEnv)
	env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	env["PULUMI_DIY_BACKEND_NO_LEGACY_WARNING"] = "true"
	if strings.HasPrefix(env["PULUMI_BACKEND_URL"], "file://") {
		if err := os.MkdirAll(strings.TrimPrefix(env["PULUMI_BACKEND_URL"], "file://"), 0o700); err != nil {
			return nil, fmt.Errorf("create state dir: %w", err)
		}
	}
	if !s.opts.Sandbox {
		return env, nil
	}
	// A private PULUMI_HOME keeps the user's plugins, credentials and
	// settings out of the sandbox, and the sandbox's out of theirs.
	if err := os.MkdirAll(s.Paths.Home, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox home: %w", err)
	}
	// The provider outlives the caller's context: on Ctrl-C the context is
	// cancelled first and the engine, still running, finishes its in-flight
	// provider calls and writes its state; stopping the provider then would
	// leave "connection refused" errors and a half-written checkpoint. The
	// engine has exited by the time an operation returns, and Close stops it.
	if s.opts.StartProvider == nil {
		return nil, errors.New("start sandbox provider: no provider given")
	}
	addr, stop, err := s.opts.StartProvider(context.WithoutCancel(ctx), s.Paths.AccountDir(s.Config))
	if err != nil {
		return nil, fmt.Errorf("start sandbox provider: %w", err)
	}
	s.stopProvider = stop
	env["PULUMI_HOME"] = s.Paths.Home
	env["PULUMI_DEBUG_PROVIDERS"] = addr
	return env, nil
}

// writeStackFile writes the workspace's Pulumi.<stack>.yaml: the repo's file
// with release values applied. The repo file itself is never written, so a
// deploy (or a CI run) leaves no diff in the worktree. Without a salt in the
// repo's file, the one the stack's state was written with (else the one
// Pulumi generated on first use) is carried over between runs (saltFor).
func (s *Session) writeStackFile(workDir string, values map[string]string) error {
	if err := os.MkdirAll(workDir, 0o700); err != nil {
		return fmt.Errorf("create work dir: %w", err)
	}
	name := "Pulumi." + s.opts.Stack + ".yaml"
	raw, err := os.ReadFile(filepath.Join(s.opts.ProjectDir, name))
	if err != nil {
		return fmt.Errorf("read stack file: %w", err)
	}
	doc := map[string]any{}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parse stack file %s: %w", name, err)
	}
	if err := checkSecretsLines(s.opts.Stack, name, doc); err != nil {
		return err
	}
	if _, ok := doc[keySalt]; !ok {
		if salt := saltFor(context.Background(), s.files, string(s.project.Name), s.opts.Stack, filepath.Join(workDir, name)); salt != "" {
			doc[keySalt] = salt
		}
	}
	cfg, _ := doc["config"].(map[string]any)
	if cfg == nil {
		cfg = map[string]any{}
	}
	for k, v := range values {
		cfg[k] = v
	}
	doc["config"] = cfg
	out, err := yaml.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode stack file: %w", err)
	}
	tmp := filepath.Join(workDir, name+".tmp")
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("write stack file: %w", err)
	}
	return os.Rename(tmp, filepath.Join(workDir, name))
}

// Close stops the sandbox provider, if any. Call it only after every
// operation has returned: each waits for the engine process to exit, so the
// provider is never stopped under a running engine.
func (s *Session) Close() error {
	var errs []error
	if s.stopProvider != nil {
		errs = append(errs, s.stopProvider())
		s.stopProvider = nil
	}
	if s.closeState != nil {
		errs = append(errs, s.closeState())
		s.closeState = nil
	}
	return errors.Join(errs...)
}

// Sandbox reports whether this session runs against simulated AWS.
func (s *Session) Sandbox() bool { return s.opts.Sandbox }

// Stack returns the stack name.
func (s *Session) Stack() string { return s.opts.Stack }

// ProjectDir is the project's directory (absolute).
func (s *Session) ProjectDir() string { return s.opts.ProjectDir }

// ProjectName is the Pulumi project's name.
func (s *Session) ProjectName() string { return string(s.project.Name) }

// Backend is the backend URL the user gave ("" = the project's own).
func (s *Session) Backend() string { return s.opts.Backend }

// Overrides are the release values given for this run (full config keys).
func (s *Session) Overrides() map[string]string { return s.opts.Overrides }

// SetProgram replaces the infrastructure program (benchmarks measure the
// engine's floor with an empty one).
func (s *Session) SetProgram(p pulumi.RunFunc) { s.programOverride = p }

// SetYours puts y in the place of infra.Yours, so tests deploy a team's own
// resources without editing infra/yours.go.
func (s *Session) SetYours(y infra.YoursFunc) { s.yours = y }

// AllConfig reads the stack's config from the engine, secrets decrypted.
// Errors are the engine's (see Message).
func (s *Session) AllConfig(ctx context.Context) (auto.ConfigMap, error) {
	return s.stack.GetAllConfig(ctx)
}

// Store is the records store beside the state (releases, journal,
// freezes), opened with the session.
func (s *Session) Store() backend.Store { return s.store }

// ReadOnly reports whether the session writes nothing (Options.ReadOnly).
func (s *Session) ReadOnly() bool { return s.opts.ReadOnly }

// ProjectError means the directory is not a kirikae project.
type ProjectError struct {
	Dir string
	Err error
}

func (e *ProjectError) Error() string {
	return fmt.Sprintf("open project %s: %s", e.Dir, FirstLine(e.Err.Error()))
}
func (e *ProjectError) Unwrap() error { return e.Err }

// Hint says where a project is expected.
func (e *ProjectError) Hint(Invocation) string {
	return "run kirikae from the repository root (where Pulumi.yaml is) or pass --cwd DIR"
}

// BadInput: the user picks the right directory.
func (e *ProjectError) BadInput() bool { return true }
