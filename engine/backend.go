package engine

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/kirikae/kirikae/stacks"
)

// StateDirName is the per-project directory for local state; it is gitignored.
const StateDirName = ".kirikae"

// Paths are the local directories one project uses. Sandbox and real AWS
// never share a backend: a sandbox checkpoint applied to a real account would
// try to update resources that do not exist.
type Paths struct {
	Root       string // <project>/.kirikae
	Backend    string // file backend dir (state, history, checkpoints)
	Work       string // per-stack Automation API work dirs
	Home       string // private PULUMI_HOME ("" = the user's own)
	Account    string // simulated AWS accounts, one dir per account (sandbox only)
	Passphrase string // generated passphrase file
}

// PathsFor returns the directories for a project in sandbox or real mode.
func PathsFor(projectDir string, sandbox bool) Paths {
	root := filepath.Join(projectDir, StateDirName)
	mode := filepath.Join(root, "aws")
	p := Paths{Root: root, Passphrase: filepath.Join(root, "passphrase")}
	if sandbox {
		mode = filepath.Join(root, "sandbox")
		p.Home = filepath.Join(mode, "home")
		p.Account = filepath.Join(mode, "accounts")
	}
	p.Backend = filepath.Join(mode, "state")
	p.Work = filepath.Join(mode, "work")
	return p
}

// AccountDir is the simulated AWS account the stack deploys into: the one
// kirikae:sandboxAccount names. By default staging and product share one
// account, as a team's stacks share one AWS account, so names collide there
// as they would in AWS; naming each stack's own account simulates one account
// per stack. Accounts are directories under .kirikae/sandbox/accounts; each
// has its own account id.
func (p Paths) AccountDir(cfg stacks.Config) string {
	return p.NamedAccountDir(cfg.SandboxAccount)
}

// NamedAccountDir is the simulated account called name ("" is the default,
// shared one).
func (p Paths) NamedAccountDir(name string) string {
	if name == "" {
		name = DefaultSandboxAccount
	}
	return filepath.Join(p.Account, name)
}

// DefaultSandboxAccount is the account stacks share unless
// kirikae:sandboxAccount names another.
const DefaultSandboxAccount = "shared"

// BackendURL returns the state backend: the explicit one (any Pulumi backend
// URL: s3://…, https://api.pulumi.com, file://…) or the local file backend.
func (p Paths) BackendURL(explicit string) string {
	if explicit != "" {
		return explicit
	}
	return "file://" + p.Backend
}

// CheckSandboxBackend refuses an explicit backend in sandbox mode: simulated
// results written into a team's real state would orphan real resources. The
// one explicit backend allowed is the sandbox's own file backend.
func (p Paths) CheckSandboxBackend(sandbox bool, explicit string) error {
	if !sandbox || explicit == "" {
		return nil
	}
	if dir, ok := strings.CutPrefix(explicit, "file://"); ok && filepath.Clean(dir) == filepath.Clean(p.Backend) {
		return nil
	}
	return &SandboxBackendError{Backend: explicit, Own: "file://" + p.Backend}
}

// SandboxBackendError is --sandbox together with --backend/KIRIKAE_BACKEND
// naming a real backend. Nothing has been opened when it is returned.
type SandboxBackendError struct {
	Backend string // the explicit backend URL
	Own     string // the sandbox's own backend
}

func (e *SandboxBackendError) Error() string {
	return fmt.Sprintf("--sandbox refuses backend %s (from --backend or KIRIKAE_BACKEND): simulated results would be written into that state", e.Backend)
}

// Hint says how to run the sandbox.
func (e *SandboxBackendError) Hint() string {
	return "drop --backend / unset KIRIKAE_BACKEND for sandbox runs (the sandbox keeps its own state in " + e.Own + "), or drop --sandbox to use that backend"
}

// BadInput: the user drops one of the two flags; nothing changed.
func (e *SandboxBackendError) BadInput() bool { return true }

// passphraseEnv returns the secrets-provider environment. A passphrase the
// user already set wins; otherwise kirikae generates one into a 0600 file on
// first use and hands Pulumi the *file*, so the value is never printed or
// placed in a process environment. Either way the state dir is made private
// first, and a passphrase file others can read is refused, as ssh refuses a
// private key others can read.
func passphraseEnv(p Paths) (map[string]string, error) {
	if err := privateDir(p.Root); err != nil {
		return nil, err
	}
	// Set, even to "": a pipeline whose stacks keep secrets only as SSM
	// references uses the empty passphrase on purpose (docs/security.md "State and
	// secrets"), and Pulumi accepts it.
	if _, set := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); set {
		return map[string]string{}, nil
	}
	if f := os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"); f != "" {
		if err := checkPrivateFile(f); err != nil {
			return nil, err
		}
		return map[string]string{}, nil
	}
	if err := generatePassphrase(p.Passphrase); err != nil {
		return nil, err
	}
	if err := checkPrivateFile(p.Passphrase); err != nil {
		return nil, err
	}
	return map[string]string{"PULUMI_CONFIG_PASSPHRASE_FILE": p.Passphrase}, nil
}

func generatePassphrase(path string) error {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return fmt.Errorf("generate passphrase: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if os.IsExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("write passphrase file: %w", err)
	}
	_, werr := f.WriteString(base64.RawURLEncoding.EncodeToString(buf))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write passphrase file: %w", werr)
	}
	return nil
}

// privateDir creates dir as 0700, and tightens one an older kirikae (or a
// PULUMI_CONFIG_PASSPHRASE run) left group- or world-readable, so nothing
// under .kirikae (state, locks, work dirs, the sandbox account) is readable
// by other local users whatever the modes inside. The process umask is also
// narrowed (see privateUmask) so the files Pulumi writes are 0600.
func privateDir(dir string) error {
	privateUmask()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}
	if st.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make state dir private: %w", err)
		}
	}
	return nil
}

var umaskOnce sync.Once

// privateUmask makes every file and directory this process and the Pulumi
// processes it starts (they inherit the umask) create owner-only: state
// checkpoints, history, backups and logs hold resource outputs and secret
// ciphertext.
func privateUmask() {
	umaskOnce.Do(func() { syscall.Umask(0o077) })
}

// checkPrivateFile refuses a passphrase file with any group or other bit.
func checkPrivateFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("read passphrase file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return &PassphraseFileError{Path: path, Mode: st.Mode().Perm()}
	}
	return nil
}

// PassphraseFileError is a passphrase file other users can read.
type PassphraseFileError struct {
	Path string
	Mode os.FileMode
}

func (e *PassphraseFileError) Error() string {
	return fmt.Sprintf("passphrase file %s is readable by other users (mode %04o); it decrypts every secret in state", e.Path, e.Mode)
}

// Hint names the fix.
func (e *PassphraseFileError) Hint() string { return "run `chmod 600 " + e.Path + "`, then retry" }

// BadInput: the user fixes the file's mode; nothing changed.
func (e *PassphraseFileError) BadInput() bool { return true }
