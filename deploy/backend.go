package deploy

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
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
