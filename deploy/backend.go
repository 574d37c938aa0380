package deploy

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	Account    string // simulated AWS accounts, one dir per stack (sandbox only)
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

// AccountDir is the simulated AWS account of one stack. Each stack gets its
// own account, as AWS recommends for environments, so staging and product
// can use the same resource names (ECR repository, buckets) as they would in
// separate real accounts.
func (p Paths) AccountDir(stack string) string {
	return filepath.Join(p.Account, stack)
}

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
// placed in a process environment.
func passphraseEnv(p Paths) (map[string]string, error) {
	if os.Getenv("PULUMI_CONFIG_PASSPHRASE") != "" || os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") != "" {
		return map[string]string{}, nil
	}
	if _, err := os.Stat(p.Passphrase); os.IsNotExist(err) {
		if err := os.MkdirAll(filepath.Dir(p.Passphrase), 0o700); err != nil {
			return nil, fmt.Errorf("create state dir: %w", err)
		}
		buf := make([]byte, 32)
		if _, err := rand.Read(buf); err != nil {
			return nil, fmt.Errorf("generate passphrase: %w", err)
		}
		f, err := os.OpenFile(p.Passphrase, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil && !os.IsExist(err) {
			return nil, fmt.Errorf("write passphrase file: %w", err)
		}
		if err == nil {
			_, werr := f.WriteString(base64.RawURLEncoding.EncodeToString(buf))
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return nil, fmt.Errorf("write passphrase file: %w", werr)
			}
		}
	}
	return map[string]string{"PULUMI_CONFIG_PASSPHRASE_FILE": p.Passphrase}, nil
}
